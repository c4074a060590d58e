"""Teaching conversations in the chat: started from a lesson, then every learner message goes
through the teaching loop (judged, explained, asked), streamed like any answer."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from dltutor.llm.fake import FakeLLMServer, Script
from tests.web.conftest import answer_text, as_user, events, signup, unique

TOPIC, PREREQ = "dl.activation_functions", "dl.forward_propagation"


def test_a_lesson_taught_in_the_chat(web: TestClient, module_llm: FakeLLMServer) -> None:
    h = as_user(web, signup(web, unique("teach")))
    r = web.post("/api/teach", json={"topic": TOPIC, "lang": "zh"}, headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    ev = events(r.text)
    assert ev[0][0] == "turn" and ev[0][1]["teaching"] is True and ev[-1][0] == "done"
    conv = ev[0][1]["conversation_id"]
    first = answer_text(ev)
    assert ev[-1][1]["moves"][0] == "probe_prerequisite" and "前置知识" in first
    listed = web.get("/api/conversations").json()
    assert listed[0]["id"] == conv and listed[0]["teaching"] and listed[0]["topic"] == TOPIC

    module_llm.enqueue(
        Script(chunks=[json.dumps({"score": 0.9, "feedback": "很好。"})]),
        Script(chunks=["激活函数就像", "开关。"]),
    )
    r = web.post(
        "/api/chat",
        json={
            "text": "前向传播就是把输入一层层乘权重加偏置再过激活函数。",
            "conversation_id": conv,
        },
        headers=h,
    )
    ev = events(r.text)
    text = answer_text(ev)
    assert ev[-1][0] == "done" and ev[-1][1]["reload"] and ev[-1][1]["score"] == 0.9
    assert "得分 90%" in text and "激活函数就像开关。" in text and "检验问题" in text
    msgs = web.get(f"/api/conversations/{conv}/messages").json()
    roles = [m["role"] for m in msgs]
    assert roles[0] == "assistant" and roles.count("user") == 1 and len(msgs) >= 4
    assert any("激活函数就像开关。" in m["content"] for m in msgs)
    # the judged probe went into the record
    md = web.get(f"/api/conversations/{conv}/export").text
    assert "前向传播就是" in md

    # a plain conversation still gets the plain chat
    module_llm.enqueue(Script(chunks=["plain"]))
    ev = events(web.post("/api/chat", json={"text": "hello"}, headers=h).text)
    assert answer_text(ev) == "plain" and "teaching" not in ev[0][1]


def test_teaching_an_unknown_topic_is_a_404(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("teach404")))
    r = web.post("/api/teach", json={"topic": "no.such_topic"}, headers=h)
    assert r.status_code == 404
