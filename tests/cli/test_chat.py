"""`dltutor ask` and `dltutor chat` as a user runs them, against a fake server over HTTP."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import reset_settings
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store import repo
from dltutor.store.db import session_scope
from tests.conftest import use_backend as use

runner = CliRunner()


def test_ask_json_streams_and_records(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer() as srv:
        use(monkeypatch, srv.base_url)
        srv.enqueue(Script(chunks=["<think>hmm</think>", "Matrices ", "compose."]))
        res = runner.invoke(app, ["ask", "What is a matrix?", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["answer"], out["thinking"], out["status"], out["backend"]) == (
        "Matrices compose.",
        "hmm",
        "complete",
        "vllm",
    )
    from dltutor.config import get_settings

    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        msgs = repo.list_messages(db, learner_id=me.id, conversation_id=out["conversation_id"])
    assert [m.content for m in msgs] == ["What is a matrix?", "Matrices compose."]


def test_ask_reports_a_dead_backend_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    use(monkeypatch, f"http://127.0.0.1:{port}/v1", "ollama")
    monkeypatch.setenv("DLTUTOR_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("DLTUTOR_RETRIES", "0")
    reset_settings()
    res = runner.invoke(app, ["ask", "你好"])
    assert res.exit_code == 1
    assert "无法连接模型服务 ollama" in res.output  # a Chinese question gets a Chinese error


def test_chat_runs_the_code_in_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer() as srv:
        use(monkeypatch, srv.base_url)
        srv.enqueue(Script(chunks=["Try this:\n\n```python\nprint(6 * 7)\n```\n"]))
        res = runner.invoke(app, ["chat", "--lang", "en"], input="show me code\n/run 1\n/quit\n")
    assert res.exit_code == 0, res.output
    assert (
        res.output.count("42") >= 2
    )  # printed by the sandbox after the answer, and again by /run 1
