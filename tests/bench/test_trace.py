"""Real sessions as lengths and timing only, and their replay through the tutor's prompts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor import prompts
from dltutor.bench import trace
from dltutor.bench.levels import Plan, Prober
from dltutor.cli import app
from dltutor.config import get_settings
from dltutor.llm.fake import FakeLLMServer
from dltutor.llm.wire import WireClient
from dltutor.store import repo
from dltutor.store.db import session_scope

SECRET = "my secret question about my employer Zyxwv"


def make_db() -> str:
    url = get_settings().db_url()
    t = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with session_scope(url) as db:
        me = repo.create_learner(db, name="Ann Example", lang="en")
        conv = repo.create_conversation(db, learner_id=me.id, title=SECRET, lang="en",
                                        topic="math.vectors_dot_product")  # fmt: skip
        rows = [
            ("user", "Continue", None, {}, 0, 0),
            ("assistant", "An explanation " * 20, "embedded", {"citations": ["math.vectors_dot_product · lesson"]}, 1, 9),
            ("assistant", "Check question: what is a dot product?", "dltutor", {}, 9, 9),
            ("user", SECRET, None, {}, 39, 39),
            ("assistant", "An answer " * 30, "embedded", {"citations": ["[x · Idea]"]}, 40, 52),
        ]  # fmt: skip
        for role, text, backend, meta, created, updated in rows:
            repo.add_message(db, conversation=conv, role=role, content=text, backend=backend,
                             meta=meta, output_tokens=60 if backend == "embedded" else None,
                             created_at=t + timedelta(seconds=created),
                             updated_at=t + timedelta(seconds=updated))  # fmt: skip
    return url


def test_the_trace_keeps_lengths_and_timing_only(tmp_path: Path) -> None:
    url = make_db()
    out = tmp_path / "trace.jsonl"
    summary = trace.export(url, out)
    assert summary["conversations"] == 1 and summary["calls_by_kind"] == {"explain": 1, "chat": 1}
    text = out.read_text()
    for private in (SECRET, "Zyxwv", "Ann Example", "explanation", "Check question"):
        assert private not in text
    (row,) = trace.load(out)
    calls = [m for m in row["messages"] if m.get("call")]
    assert [c["call"] for c in calls] == ["explain", "chat"]
    assert calls[1]["think_s"] == pytest.approx(30.0)  # asked 30 s after the check question
    assert row["messages"][3] == {"role": "user", "chars": len(SECRET), "think_s": 30.0}
    assert calls[1]["output_tokens"] == 60


def test_a_replay_sends_the_recorded_shapes(tmp_path: Path) -> None:
    url = make_db()
    out = tmp_path / "trace.jsonl"
    trace.export(url, out)

    async def go(base: str) -> list:  # type: ignore[type-arg]
        async with WireClient(base, model="fake-model") as c:
            plan = Plan("learners", "replay", {"ttft": 5.0}, trace=trace.load(out), turns=5,
                        warmup_turns=0, think_scale=0.001)  # fmt: skip
            prober = Prober(c, plan, None, 0.0)
            await prober(2)
            return prober.records

    with FakeLLMServer(default_tokens=100) as srv:
        records = asyncio.run(go(srv.base_url))
        sent = list(srv.requests)
    assert sorted(r.kind for r in records) == ["replay-chat"] * 2 + ["replay-explain"] * 2
    assert all(r.ok and r.output_tokens == 60 for r in records)  # the recorded length
    chat = [s for s in sent if len(s["messages"]) > 2]
    assert chat and chat[0]["messages"][0]["content"].startswith(prompts.load("tutor", "en"))
    assert len(chat[0]["messages"][-1]["content"]) == len(SECRET)  # filler of the same length
    assert SECRET not in json.dumps(sent)


def test_bench_trace_command(tmp_path: Path) -> None:
    make_db()
    res = CliRunner().invoke(app, ["bench", "trace", "--out", str(tmp_path / "t.jsonl")])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.strip().splitlines()[-1])["model_calls"] == 2


def test_a_bad_trace_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    with pytest.raises(ValueError, match="not valid JSON"):
        trace.load(bad)
    with pytest.raises(FileNotFoundError, match="bench trace"):
        trace.load(tmp_path / "missing.jsonl")
