"""What a bench run leaves in its --out folder, and `bench compare`.

requests.jsonl   one JSON object per request (answer, thinking, timings, tokens, error)
summary.json     the run's settings and one summary per load level
log.txt          a text log in seed 003's shape (时间戳 / 提示词 / 响应 / 响应时间 / …)
latency_cdf.png  CDFs of time to first token and end-to-end latency, per level
sweep.png        throughput and TTFT against concurrency (when several levels ran)
report.html      all of the above on one page, images inlined
"""

from __future__ import annotations

import base64
import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from dltutor.bench.runner import RequestRecord


def write_all(
    out: Path, meta: dict[str, Any], records: list[RequestRecord], summaries: list[dict[str, Any]]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "requests.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(
        json.dumps({"meta": meta, "levels": summaries}, ensure_ascii=False, indent=2)
    )
    (out / "log.txt").write_text(seed_log(records), encoding="utf-8")
    images = plots(out, records, summaries)
    (out / "report.html").write_text(html_report(meta, summaries, images), encoding="utf-8")


def seed_log(records: list[RequestRecord]) -> str:
    """The per-request log in the format of seed 003, plus 排队 (queueing) and 结束原因."""
    blocks = []
    for r in sorted(records, key=lambda r: r.start_s):
        stamp = datetime.fromisoformat(r.timestamp).strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"时间戳: {stamp}", f"提示词: {r.prompt}"]
        if r.answer or r.thinking:
            body = (f"<think>\n{r.thinking}\n</think>\n\n" if r.thinking else "") + r.answer
            lines.append(f"响应: {body}")
        lines.append(f"响应时间: {r.e2e_s:.2f}秒")
        if r.queue_s:
            lines.append(f"排队时间: {r.queue_s:.2f}秒")
        if r.ttft_s is not None:
            lines.append(f"首Token延迟: {r.ttft_s:.2f}秒")
        total = (r.input_tokens or 0) + (r.output_tokens or 0)
        lines.append(
            f"Token统计: 输入={r.input_tokens or 0}, 输出={r.output_tokens or 0}, 总计={total}"
        )
        lines.append(f"吞吐量: {r.tokens_per_s or 0:.2f} tokens/s")
        if r.finish_reason:
            lines.append(
                f"结束原因: {r.finish_reason}"
                + ("（被截断，回答不完整）" if r.finish_reason == "length" else "")
            )
        if r.error:
            lines.append(f"错误: {r.error}")
        blocks.append("\n".join(lines))
    sep = "\n" + "-" * 80 + "\n"
    return sep.join(blocks) + sep


def plots(out: Path, records: list[RequestRecord], summaries: list[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = []
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, field, title in (
        (axes[0], "ttft_s", "Time to first token"),
        (axes[1], "e2e_s", "End-to-end latency"),
    ):
        for level in dict.fromkeys(r.level for r in records):
            xs = np.sort(
                [
                    getattr(r, field)
                    for r in records
                    if r.level == level
                    and r.phase == "measure"
                    and r.ok
                    and getattr(r, field) is not None
                ]
            )
            if xs.size:
                ax.step(xs, np.arange(1, xs.size + 1) / xs.size, where="post", label=level)
        ax.set(title=title, xlabel="seconds", ylabel="fraction of requests")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency_cdf.png", dpi=110)
    plt.close(fig)
    names.append("latency_cdf.png")
    conc = [s for s in summaries if str(s.get("level", "")).startswith("c=") and s.get("requests")]
    if len(conc) > 1:
        levels = [int(s["level"][2:]) for s in conc]
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(levels, [s["output_token_throughput"] for s in conc], "o-", label="output tokens/s")
        ax.set(
            xlabel="concurrent requests",
            ylabel="output tokens/s",
            xscale="log",
            title="Throughput and TTFT vs concurrency",
        )
        ax2 = ax.twinx()
        ax2.plot(
            levels,
            [s["ttft_s"]["p50"] or 0 for s in conc],
            "s--",
            color="tab:red",
            label="TTFT p50 (s)",
        )
        ax2.set_ylabel("TTFT p50 (s)")
        ax.grid(alpha=0.3)
        fig.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(out / "sweep.png", dpi=110)
        plt.close(fig)
        names.append("sweep.png")
    return [str(out / n) for n in names]


def _fmt(v: Any, scale: float = 1.0, unit: str = "") -> str:
    return "–" if v is None else f"{v * scale:.2f}{unit}"


ROWS: list[tuple[str, str, float, str]] = [
    ("requests", "requests", 1, ""),
    ("completed", "completed", 1, ""),
    ("failed", "failed", 1, ""),
    ("truncated", "truncated", 1, ""),
    ("req/s", "request_throughput", 1, ""),
    ("out tok/s", "output_token_throughput", 1, ""),
    ("goodput req/s", "goodput", 1, ""),
    ("TTFT p50", "ttft_s.p50", 1, " s"),
    ("TTFT p90", "ttft_s.p90", 1, " s"),
    ("TTFT p99", "ttft_s.p99", 1, " s"),
    ("answer TTFT p50", "ttft_answer_s.p50", 1, " s"),
    ("server TTFT p50", "ttft_server_s.p50", 1, " s"),
    ("server TTFT p99", "ttft_server_s.p99", 1, " s"),
    ("TPOT p50", "tpot_s.p50", 1000, " ms"),
    ("TPOT p99", "tpot_s.p99", 1000, " ms"),
    ("ITL p50", "itl_s.p50", 1000, " ms"),
    ("ITL p99", "itl_s.p99", 1000, " ms"),
    ("E2E p50", "e2e_s.p50", 1, " s"),
    ("E2E p99", "e2e_s.p99", 1, " s"),
    ("queue p50", "queue_s.p50", 1, " s"),
    ("queue p99", "queue_s.p99", 1, " s"),
    ("generation p50", "generation_s.p50", 1, " s"),
]


def lookup(summary: dict[str, Any], path: str) -> Any:
    v: Any = summary
    for key in path.split("."):
        v = v.get(key) if isinstance(v, dict) else None
    return v


def table_rows(summaries: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for label, path, scale, unit in ROWS:
        cells = []
        for s in summaries:
            v = lookup(s, path)
            cells.append(str(v) if isinstance(v, int) else _fmt(v, scale, unit))
        rows.append([label, *cells])
    rows.append(
        [
            "errors",
            *[
                ", ".join(f"{k}×{n}" for k, n in (s.get("errors") or {}).items()) or "none"
                for s in summaries
            ],
        ]
    )
    return rows


def html_report(meta: dict[str, Any], summaries: list[dict[str, Any]], images: list[str]) -> str:
    head = "".join(f"<th>{html.escape(str(s.get('level', '')))}</th>" for s in summaries)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in table_rows(summaries)
    )
    imgs = "".join(
        f'<img alt="{html.escape(Path(p).name)}" src="data:image/png;base64,{base64.b64encode(Path(p).read_bytes()).decode()}">'
        for p in images
    )
    m = "".join(
        f"<li><b>{html.escape(str(k))}</b>: {html.escape(str(v))}</li>" for k, v in meta.items()
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>dltutor bench</title>
<style>body{{font:14px system-ui;margin:2rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}}td:first-child{{text-align:left}}img{{max-width:100%;display:block;margin:1rem 0}}</style>
</head><body><h1>dltutor bench</h1><ul>{m}</ul><table><tr><th></th>{head}</tr>{body}</table>{imgs}</body></html>"""


def load_run(folder: Path) -> dict[str, Any]:
    path = folder / "summary.json"
    if not path.exists():
        raise FileNotFoundError(f"{folder}: no summary.json (is it a bench --out folder?)")
    data: dict[str, Any] = json.loads(path.read_text())
    return data
