"""Admission control seen from the browser's side: with one generation at a time, a second
learner's chat waits in the queue, is told its place, and is then served; a wait longer than
the queue timeout ends with a clear message, and the question is kept."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.web.app import create_app
from tests.web.conftest import app_settings, events
from tests.web.live import LiveServer


async def chat(http: httpx.AsyncClient, text: str) -> list[tuple[str, dict[str, Any]]]:
    token = (await http.get("/api/me")).json()["csrf_token"]
    r = await http.post("/api/chat", json={"text": text}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    return events(r.text)


async def occupy_the_slot(
    llm: FakeLLMServer, http: httpx.AsyncClient, text: str = "first question"
) -> asyncio.Task[list[tuple[str, dict[str, Any]]]]:
    """Start a chat and return once its generation holds the only slot."""
    first = asyncio.create_task(chat(http, text))
    while llm.active == 0:
        await asyncio.sleep(0.01)
    return first


def serve(tmp_path: Path, llm: FakeLLMServer, **settings: Any) -> LiveServer:
    s = app_settings(tmp_path, f"sqlite:///{tmp_path}/q.db", llm, single_user=True, **settings)
    return LiveServer(create_app(s))


async def test_a_second_chat_waits_in_the_queue_and_is_served(tmp_path: Path) -> None:
    with FakeLLMServer() as llm, serve(tmp_path, llm, max_concurrent=1) as live:
        llm.enqueue(
            Script(chunks=["slow ", "first ", "answer"], first_token_delay=0.8, token_delay=0.2),
            Script(chunks=["second answer"]),
        )
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=30) as a,
            httpx.AsyncClient(base_url=live.url, timeout=30) as b,
        ):
            first = await occupy_the_slot(llm, a)
            ev_b = await chat(b, "second question")
            ev_a = await first
        assert [k for k, _ in ev_a].count("queue") == 0 and ev_a[-1][0] == "done"
        kinds = [k for k, _ in ev_b]
        assert kinds[:2] == ["turn", "queue"] and ev_b[1][1] == {"position": 1}
        assert kinds.index("queue") < kinds.index("answer") and kinds[-1] == "done"
        assert "".join(d["text"] for k, d in ev_b if k == "answer") == "second answer"
        assert ev_b[-1][1]["queue_s"] > 0.3 and llm.max_active == 1


async def test_a_wait_past_the_queue_timeout_is_a_clear_error_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    with FakeLLMServer() as llm, serve(tmp_path, llm, max_concurrent=1, queue_timeout=0.3) as live:
        llm.enqueue(Script(chunks=["slow"], first_token_delay=1.5))
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=30) as a,
            httpx.AsyncClient(base_url=live.url, timeout=30) as b,
        ):
            first = await occupy_the_slot(llm, a, "first")
            ev = await chat(b, "我的问题不能丢")
            await first
            assert ev[-1][0] == "error" and ev[-1][1]["kind"] == "queue_timeout"
            assert ev[-1][1]["message"]  # said in words, not a silent timeout
            conv = ev[0][1]["conversation_id"]
            msgs = (await b.get(f"/api/conversations/{conv}/messages")).json()
        assert msgs[0]["content"] == "我的问题不能丢" and msgs[1]["status"] == "error"


async def test_a_waiting_teaching_turn_is_told_its_place_too(tmp_path: Path) -> None:
    # the teaching loop's replies go through the same queue (Teacher gets on_position)
    with FakeLLMServer() as llm, serve(tmp_path, llm, max_concurrent=1) as live:
        llm.enqueue(
            Script(chunks=["slow ", "answer"], first_token_delay=0.8, token_delay=0.2),
            Script(chunks=["An analogy: a recipe."]),
        )
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=30) as a,
            httpx.AsyncClient(base_url=live.url, timeout=30) as b,
        ):
            first = await occupy_the_slot(llm, a)
            token = (await b.get("/api/me")).json()["csrf_token"]
            r = await b.post(
                "/api/teach",
                json={"topic": "ai.what_is_ai", "lang": "en"},
                headers={"X-CSRF-Token": token},
            )
            await first
        kinds = [k for k, _ in events(r.text)]
        assert "queue" in kinds and kinds.index("queue") < kinds.index("answer"), kinds
        assert kinds[-1] == "done"


async def test_a_full_queue_answers_429_with_retry_after_before_any_stream(
    tmp_path: Path,
) -> None:
    with FakeLLMServer() as llm, serve(tmp_path, llm, max_concurrent=1, queue_limit=1) as live:
        llm.enqueue(Script(chunks=["slow"], first_token_delay=1.0), Script(chunks=["two"]))
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=30) as a,
            httpx.AsyncClient(base_url=live.url, timeout=30) as b,
            httpx.AsyncClient(base_url=live.url, timeout=30) as c,
        ):
            first = await occupy_the_slot(llm, a, "first")
            second = asyncio.create_task(chat(b, "second"))  # waits: the queue is now full
            token = (await c.get("/api/me")).json()["csrf_token"]
            await asyncio.sleep(0.2)
            r = await c.post(
                "/api/chat", json={"text": "第三个问题"}, headers={"X-CSRF-Token": token}
            )
            assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
            assert "太忙" in r.json()["detail"]  # in the language of the question
            assert (await first)[-1][0] == "done" and (await second)[-1][0] == "done"
            convs = (await c.get("/api/conversations")).json()
        assert len(convs) == 2  # the refused question started nothing


async def test_an_unreachable_shared_queue_is_a_clear_503_and_nothing_is_saved(
    tmp_path: Path,
) -> None:
    with FakeLLMServer() as llm, serve(tmp_path, llm, redis_url="redis://127.0.0.1:1/0") as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as c:
            token = (await c.get("/api/me")).json()["csrf_token"]
            r = await c.post(
                "/api/chat", json={"text": "队列在吗？"}, headers={"X-CSRF-Token": token}
            )
            assert r.status_code == 503 and "Redis" in r.json()["detail"]
            assert "无法连接" in r.json()["detail"] and r.headers["Retry-After"]
            assert (await c.get("/api/conversations")).json() == []
        assert llm.requests == []
