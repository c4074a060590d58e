from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import reset_settings
from dltutor.llm.fake import FakeLLMServer, Script


def test_learn_in_the_terminal_then_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeLLMServer() as srv:
        monkeypatch.setenv("DLTUTOR_BACKEND", "vllm")
        monkeypatch.setenv("DLTUTOR_BASE_URL", srv.base_url)
        reset_settings()
        srv.enqueue(
            Script(chunks=[json.dumps({"score": 0.2, "feedback": "Not quite."})]),
            Script(chunks=[json.dumps({"score": 0.9, "feedback": "Right."})]),
            Script(chunks=["A matrix is a table of numbers."]),
        )
        res = CliRunner().invoke(
            app,
            ["learn", "math.matrices", "--lang", "en"],
            input="It is a kind of arrow with a length\nThe sum of the products of the entries\n/quit\n",
        )
    assert res.exit_code == 0, res.output
    out = res.output
    assert (
        "Before we build on" in out and "Vectors and the dot product" in out
    )  # prerequisite probe
    # a weak answer to the probe brings a short recap and a simpler question, not a detour
    assert "Score 20%" in out and "A quick recap of" in out
    assert "Score 90%" in out and "A matrix is a table of numbers." in out
    assert "Check question" in out
    prog = CliRunner().invoke(app, ["progress", "--json"])
    data = json.loads(prog.stdout)
    assert set(data["stages"]) == {str(s) for s in range(8)} and data["due"] == []


def test_learn_rejects_unknown_topic() -> None:
    assert CliRunner().invoke(app, ["learn", "no.such", "--llm", "none"]).exit_code == 2
