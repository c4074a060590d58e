"""What `dltutor bench capacity` leaves in its --out folder.

capacity.json    the answer, the settings, every level tried (verdict, summary, server view),
                 shared prefixes
requests.jsonl   one JSON object per request, every level
capacity.png     latency against load: each SLO metric's quantile per level, the SLO line, the answer
timeline.png     requests as bars (queue, prefill, decode) and concurrency over time, at the answer
                 and at the first level above it that failed
report.html      all of the above on one page, images inlined

The queue/prefill split is an estimate from the client's side: a request's prefill is what TTFT
was at the lowest load for a prompt of its length (a straight line fitted over that level's
requests), and its queue the rest of its TTFT (plus any wait in dltutor's admission control).
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import numpy as np

from dltutor.bench.capacity import Probe, Result
from dltutor.bench.runner import RequestRecord

UNITS = {"ttft": ("s", 1.0), "tpot": ("ms", 1000.0), "itl": ("ms", 1000.0), "e2e": ("s", 1.0)}


def write(
    out: Path,
    meta: dict[str, Any],
    result: Result,
    records: list[RequestRecord],
    prefixes: dict[str, Any],
    windows: dict[str, tuple[float, float]],
    samples: list[tuple[float, dict[str, float]]],
    unit: str,
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    data = {"meta": meta, "unit": unit, "shared_prefixes": prefixes} | result.to_dict()
    (out / "capacity.json").write_text(json.dumps(data, ensure_ascii=False, indent=2))
    with (out / "requests.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    images = [latency_plot(out / "capacity.png", result, meta["slo_dict"], unit)]
    shown = timeline_levels(result)
    if shown:
        images.append(timeline_plot(out / "timeline.png", records, shown, windows, samples))
    (out / "report.html").write_text(html_page(meta, result, prefixes, images, unit), "utf-8")
    return images


def headline(result: Result, unit: str, meta: dict[str, Any]) -> str:
    q = round(100 * meta["quantile"])
    limits = ", ".join(f"{k.upper()} p{q} ≤ {_limit(k, v)}" for k, v in meta["slo_dict"].items())
    answer = f"{result.answer:g}" if unit != "requests/s" else f"{result.answer:.3g}"
    return f"{answer} {unit} at {limits}"


def _limit(metric: str, v: float) -> str:
    u, scale = UNITS[metric]
    return f"{v * scale:g} {u}"


def timeline_levels(result: Result) -> list[str]:
    """The level names to draw: the answer, and the lowest level above it that failed."""
    by_level = {p.level: p for p in result.probes}
    names = []
    if result.answer in by_level:
        names.append(by_level[result.answer].summary.get("level", ""))
    if result.passed_below in by_level:
        names.append(by_level[result.passed_below].summary.get("level", ""))
    return [n for n in names if n]


def latency_plot(path: Path, result: Result, slo: dict[str, float], unit: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    probes = sorted(result.probes, key=lambda p: p.level)
    panels = list(slo) + ["throughput"]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.8), squeeze=False)
    xs = [p.level for p in probes]
    for ax, metric in zip(axes[0], panels, strict=True):
        if metric == "throughput":
            ax.plot(xs, [p.throughput for p in probes], "o-", color="tab:blue")
            ax.set(ylabel="completed requests/s", title="Throughput")
        else:
            u, scale = UNITS[metric]
            q = _q(probes)
            for ok, marker, color in ((True, "o", "tab:green"), (False, "x", "tab:red")):
                pts = [(p.level, _value(p, metric)) for p in probes if p.ok == ok]
                pts = [(x, y * scale) for x, y in pts if y is not None]
                if pts:
                    ax.plot(*zip(*pts, strict=True), marker, color=color, ls="none",
                            label="meets the SLO" if ok else "misses it")  # fmt: skip
            line = [(p.level, _value(p, metric)) for p in probes]
            line = [(x, y * scale) for x, y in line if y is not None]
            if line:
                ax.plot(*zip(*line, strict=True), "-", color="0.6", zorder=0)
            ax.axhline(slo[metric] * scale, ls="--", color="tab:red", label="SLO")
            ax.set(ylabel=f"{metric.upper()} p{q} ({u})", title=f"{metric.upper()} p{q} vs load")
            ax.legend(fontsize=8)
        if result.answer:
            ax.axvline(result.answer, ls=":", color="tab:green")
        ax.set_xlabel(unit)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Capacity: {result.answer:g} {unit}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _q(probes: list[Probe]) -> int:
    return round(100 * probes[0].verdict.get("quantile", 0.95)) if probes else 95


def _value(p: Probe, metric: str) -> float | None:
    m = p.verdict.get("metrics", {}).get(metric) or {}
    v = m.get("value")
    return None if v is None else float(v)


def prefill_fit(records: list[RequestRecord]) -> tuple[float, float]:
    """TTFT ≈ a + b x input tokens over the requests of the lowest-load level (least squares;
    b = 0 when every prompt had the same length)."""
    ok = [r for r in records if r.ok and r.ttft_s is not None and r.phase == "measure"]
    if not ok:
        return 0.0, 0.0
    first = ok[0].level
    pts = [(r.input_tokens or 0, r.ttft_s - r.queue_s) for r in ok if r.level == first]  # type: ignore[operator]
    x = np.array([p[0] for p in pts], float)
    y = np.array([p[1] for p in pts], float)
    if x.std() == 0:
        return float(np.median(y)), 0.0
    b, a = np.polyfit(x, y, 1)
    return float(a), max(0.0, float(b))


def timeline_plot(
    path: Path,
    records: list[RequestRecord],
    levels: list[str],
    windows: dict[str, tuple[float, float]],
    samples: list[tuple[float, dict[str, float]]],
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, b = prefill_fit(sorted(records, key=lambda r: _level_num(r.level)))
    fig, axes = plt.subplots(
        2, len(levels), figsize=(7 * len(levels), 7), squeeze=False, height_ratios=[3, 1.3]
    )
    for col, name in enumerate(levels):
        rs = sorted((r for r in records if r.level == name and r.phase != "cancelled"),
                    key=lambda r: r.start_s)  # fmt: skip
        start, end = windows.get(name, (0.0, 0.0))
        top, bottom = axes[0][col], axes[1][col]
        for y, r in enumerate(rs):
            ttft = r.ttft_s if r.ttft_s is not None else r.e2e_s
            prefill = min(ttft, a + b * (r.input_tokens or 0))
            queue = max(0.0, ttft - prefill)
            x0 = r.start_s - start
            segs = [(x0, queue), (x0 + queue, ttft - queue), (x0 + ttft, r.e2e_s - ttft)]
            colors = ["tab:orange", "tab:purple", "tab:blue" if r.ok else "tab:red"]
            top.broken_barh(
                segs,
                (y - 0.4, 0.8),
                facecolors=colors,
                alpha=0.85 if r.phase == "measure" else 0.35,
            )
        top.set(title=f"{name}: requests (faded: warm-up / ramp-up)", ylabel="request (by arrival)",
                xlim=(0, max(end - start, 1e-3)))  # fmt: skip
        from matplotlib.patches import Patch

        top.legend(
            handles=[
                Patch(color=c, label=lab)
                for c, lab in (
                    ("tab:orange", "queue (est.)"),
                    ("tab:purple", "prefill (est.)"),
                    ("tab:blue", "decode"),
                    ("tab:red", "failed"),
                )
            ],  # fmt: skip
            fontsize=8,
            loc="lower right",
        )
        events = sorted(
            [(r.start_s - start, 1) for r in rs] + [(r.start_s + r.e2e_s - start, -1) for r in rs]
        )
        t, n = [0.0], [0]
        for x, d in events:
            t.append(x)
            n.append(n[-1] + d)
        bottom.step(t, n, where="post", label="in flight (client)")
        pts = [(ts - start, v) for ts, v in samples if start <= ts <= end]
        for key, style in (("running", "g--"), ("waiting", "r:")):
            xy = [(x, v[key]) for x, v in pts if key in v]
            if xy:
                bottom.step(
                    *zip(*xy, strict=True), style, where="post", label=f"{key} (server /metrics)"
                )
        bottom.set(xlabel="seconds since the level began", ylabel="requests", xlim=top.get_xlim())
        bottom.legend(fontsize=8)
        bottom.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _level_num(name: str) -> float:
    try:
        return float(name.split("=", 1)[1])
    except (IndexError, ValueError):
        return 0.0


def probe_rows(result: Result, unit: str) -> tuple[list[str], list[list[str]]]:
    """The table of levels tried, in the order they were tried."""
    slo = list((result.probes[0].verdict.get("metrics") or {}) if result.probes else {})
    q = _q(result.probes)
    head = ["#", unit, "verdict"] + [f"{m.upper()} p{q}" for m in slo]
    head += ["req/s", "measured", "server running/waiting (max)", "KV cache (max)", "prefix hits"]
    rows = []
    for i, p in enumerate(result.probes, 1):
        verdict = "meets" if p.ok else "misses"
        verdict += " (stopped early)" if p.stopped_early else ""
        verdict += " · saturated" if p.saturated else ""
        cells = [str(i), f"{p.level:g}", verdict]
        for m in slo:
            v = _value(p, m)
            u, scale = UNITS[m]
            cells.append("–" if v is None else f"{v * scale:.3g} {u}")
        s = p.server
        run = s.get("running", {}).get("max")
        wait = s.get("waiting", {}).get("max")
        kv = s.get("kv_cache_usage", {}).get("max")
        hit = s.get("prefix_cache_hit_rate_level", s.get("prefix_cache_hit_rate", {}).get("mean"))
        cells += [
            f"{p.throughput:.3g}",
            str(p.verdict.get("requests", 0)),
            "–" if run is None else f"{run:g} / {wait if wait is not None else '–'}",
            "–" if kv is None else f"{100 * kv:.0f}%",
            "–" if hit is None else f"{100 * hit:.0f}%",
        ]
        rows.append(cells)
    return head, rows


def html_page(
    meta: dict[str, Any], result: Result, prefixes: dict[str, Any], images: list[Path], unit: str
) -> str:
    esc = html.escape
    head, rows = probe_rows(result, unit)
    table = "<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
    table += "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    table += "</table>"
    pre = ""
    if prefixes:
        pre = "<h2>Shared prefixes</h2><table><tr><th>kind</th><th>requests</th><th>prompt tokens (mean, est.)</th><th>shared prefix (mean)</th><th>shared</th></tr>"
        for kind, v in prefixes.items():
            pre += (
                f"<tr><td>{esc(kind)}</td><td>{v['requests']}</td><td>{v['prompt_tokens_mean']:.0f}</td>"
                f"<td>{v['shared_prefix_tokens_mean']:.0f}</td><td>{100 * v['shared_fraction']:.0f}%</td></tr>"
            )
        pre += "</table>"
    imgs = "".join(
        f'<img alt="{esc(p.name)}" src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
        for p in images
    )
    m = "".join(
        f"<li><b>{esc(str(k))}</b>: {esc(str(v))}</li>" for k, v in meta.items() if k != "slo_dict"
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>dltutor bench capacity</title>
<style>body{{font:14px system-ui;margin:2rem}}table{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}}img{{max-width:100%;display:block;margin:1rem 0}}</style>
</head><body><h1>Capacity: {esc(headline(result, unit, meta))}</h1><p>{esc(result.reason)}</p>
<ul>{m}</ul><h2>Levels tried</h2>{table}{pre}{imgs}</body></html>"""
