"""The arithmetic behind `dltutor bench`, on records with known numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor.bench.metrics import meets, parse_slo, percentiles, summarize
from dltutor.bench.report import seed_log, write_all
from dltutor.bench.runner import RequestRecord
from dltutor.cli import app


def rec(
    i: int,
    start: float,
    ttft: float,
    e2e: float,
    out: int,
    status: str = "ok",
    queue: float = 0.0,
    kind: str | None = None,
) -> RequestRecord:
    r = RequestRecord(
        i,
        "c=2",
        "measure",
        "2026-01-01T00:00:00.000+00:00",
        start,
        f"q{i}",
        answer="a",
        status=status,
        queue_s=queue,
        ttft_s=ttft,
        ttft_answer_s=ttft,
        e2e_s=e2e,
        output_tokens=out,
        input_tokens=10,
        itl_s=[0.1] * max(out - 1, 0),
        error_kind=kind,
        finish_reason="stop" if status == "ok" else None,
    )
    return r


def test_parse_slo_units() -> None:
    assert parse_slo("ttft=2s, tpot=100ms,e2e=30") == {"ttft": 2.0, "tpot": 0.1, "e2e": 30.0}
    assert parse_slo(None) == {}
    with pytest.raises(ValueError):
        parse_slo("latency=3s")


def test_tpot_and_tokens_per_second() -> None:
    r = rec(0, 0.0, ttft=1.0, e2e=3.0, out=21, queue=0.5)
    assert r.tpot_s == pytest.approx(0.1)  # (3.0 - 1.0) / 20
    assert r.generation_s == pytest.approx(2.5)
    assert r.tokens_per_s == pytest.approx(21 / 2.5)
    assert rec(1, 0, 1.0, 1.0, out=1).tpot_s is None


def test_percentiles_ignore_missing_values() -> None:
    p = percentiles([1.0, 2.0, 3.0, 4.0, None])
    assert p["p50"] == pytest.approx(2.5) and p["mean"] == pytest.approx(2.5)
    assert percentiles([None])["p50"] is None


def test_summary_throughput_goodput_and_errors() -> None:
    rs = [
        rec(0, 0.0, ttft=0.5, e2e=2.0, out=11),  # meets ttft<=1 and tpot<=0.2 (0.15)
        rec(1, 0.0, ttft=1.5, e2e=3.0, out=11),  # misses ttft
        rec(
            2, 1.0, ttft=0.5, e2e=3.0, out=11
        ),  # meets: tpot 0.25? (3-0.5)/10 = 0.25 -> misses tpot
        rec(3, 2.0, ttft=0.2, e2e=2.0, out=0, status="error", kind="timeout"),
    ]
    warm = rec(9, 0.0, 0.1, 0.2, 5)
    warm.phase = "warmup"
    s = summarize([*rs, warm], parse_slo("ttft=1s,tpot=200ms"))
    assert (s["requests"], s["completed"], s["failed"]) == (4, 3, 1)
    assert s["errors"] == {"timeout": 1}
    assert s["duration_s"] == pytest.approx(4.0)  # from 0.0 to 2.0 + 2.0
    assert s["request_throughput"] == pytest.approx(3 / 4.0)
    assert s["output_token_throughput"] == pytest.approx(33 / 4.0)
    assert s["goodput"] == pytest.approx(1 / 4.0) and s["goodput_fraction"] == pytest.approx(0.25)
    assert s["ttft_s"]["p50"] == pytest.approx(0.5)
    assert meets(rs[0], {"e2e": 2.0}) and not meets(rs[3], {})


def test_seed_log_has_seed_003_fields() -> None:
    r = rec(0, 0.0, ttft=44.26, e2e=102.42, out=1397, queue=3.0)
    r.thinking, r.answer, r.input_tokens = "嗯", "注意力机制是…", 28
    failed = rec(1, 0.0, 0, 300.0, 0, status="error", kind="timeout")
    failed.error, failed.ttft_s, failed.answer = "no complete answer within 300 s", None, ""
    text = seed_log([r, failed])
    assert "提示词: q0" in text and "响应: <think>\n嗯\n</think>\n\n注意力机制是…" in text
    assert (
        "响应时间: 102.42秒" in text
        and "首Token延迟: 44.26秒" in text
        and "排队时间: 3.00秒" in text
    )
    assert (
        "Token统计: 输入=28, 输出=1397, 总计=1425" in text
        and "错误: no complete answer within 300 s" in text
    )


def test_report_files_and_compare(tmp_path: Path) -> None:
    rs = [rec(i, i * 0.1, 0.3, 1.0, 8) for i in range(6)]
    s = summarize(rs, {})
    write_all(tmp_path / "a", {"backend": "fake", "model": "m", "client": "wire"}, rs, [s])
    write_all(tmp_path / "b", {"backend": "fake", "model": "m"}, rs, [s])  # from before "client"
    a = tmp_path / "a"
    assert {p.name for p in a.iterdir()} >= {
        "requests.jsonl",
        "summary.json",
        "log.txt",
        "latency_cdf.png",
        "report.html",
    }
    lines = (a / "requests.jsonl").read_text().splitlines()
    assert len(lines) == 6 and json.loads(lines[0])["tpot_s"] == pytest.approx(0.1)
    assert json.loads((a / "summary.json").read_text())["levels"][0]["completed"] == 6
    assert (a / "latency_cdf.png").read_bytes()[:4] == b"\x89PNG"
    assert "data:image/png;base64," in (a / "report.html").read_text()
    res = CliRunner().invoke(app, ["bench", "compare", str(a), str(tmp_path / "b")])
    assert res.exit_code == 0 and "TTFT p50" in res.output
    assert "wire client" in res.output and "sdk client" in res.output
    assert CliRunner().invoke(app, ["bench", "compare", str(tmp_path / "missing")]).exit_code == 2
