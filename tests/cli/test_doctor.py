"""`dltutor doctor` as a user runs it, against a fake server over HTTP."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import reset_settings
from dltutor.llm.fake import FakeLLMServer
from tests.conftest import use_backend as use

runner = CliRunner()


def test_doctor_json_reports_backend_models_and_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer(models=["qwen2.5:7b", "llama3"]) as srv:
        use(monkeypatch, srv.base_url, "ollama")
        res = runner.invoke(app, ["doctor", "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["backend"]["name"] == "ollama" and rep["backend"]["answered"] is True
    assert (
        rep["backend"]["models"] == ["qwen2.5:7b", "llama3"]
        and rep["backend"]["model"] == "qwen2.5:7b"
    )
    assert rep["database"]["ok"] and rep["course"]["topics"] == 76


def test_doctor_fails_when_model_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer() as srv:
        use(monkeypatch, srv.base_url, "ollama")
        monkeypatch.setenv("DLTUTOR_MODEL", "nope")
        reset_settings()
        res = runner.invoke(app, ["doctor", "--json"])
    assert res.exit_code == 1
    rep = json.loads(res.stdout)
    assert (
        rep["backend"]["error_kind"] == "model_not_found"
        and "fake-model" in rep["backend"]["error"]
    )
