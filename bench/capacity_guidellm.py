"""`dltutor bench capacity` next to guidellm 0.8.1 on one fake server with K slots, and both next
to the true answer: in concurrent requests (guidellm's goodput search) and in requests/s
(guidellm's sweep).

    .venv/bin/python bench/capacity_guidellm.py [--guidellm /tmp/gl/bin/guidellm] [--slots 4]
        [--duration 30] [--sweep-size 10] [--conc-slots 8] [--skip-rate] [--skip-concurrency]
        [--out /tmp/capacity-guidellm]

Concurrency: guidellm's `goodput` profile doubles the number of streams from `initial_streams`
and bisects, passing a level when at least `target_attainment` (0.95) of its requests meet every
objective (`--metrics` with `slo`), the same rule as dltutor's verdict. dltutor runs
`bench capacity --workload questions --by concurrency`. The truth is closed_loop_capacity (the
formula in docs/bench-capacity.md): the TTFT limit allows one service time of queueing, so
c* = 2K + floor(0.05 K).

Rate: the highest request rate (Poisson arrivals) at which TTFT p95 stays within the SLO.
guidellm has no SLO search by rate; its sweep runs a synchronous and a throughput benchmark,
then Poisson rates evenly spaced between them, and the answer it gives is the highest swept
rate whose TTFT p95 meets the limit (and, between that and the next, the rate where TTFT p95
crosses it, interpolated linearly). dltutor bisects the rate. vLLM's `bench sweep serve_sla`
answers the same question but needs vLLM, which does not install here without a GPU.

The truth: the fake server is an M/D/K queue (Poisson arrivals, K slots, every request holds one
for S seconds, first token TTFT0 after it gets one). Its TTFT p95 at rate λ is TTFT0 plus the
p95 of the FIFO wait, computed here by the exact recursion for deterministic service
(start_j = max(arrival_j, start_{j-K} + S)) over 2 million arrivals, and bisected on λ.
guidellm runs in its own venv (see docs/bench-guidellm.md); without it the script says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guidellm_compare import (  # noqa: E402
    DEFAULT_GUIDELLM,
    child_server,
    dltutor_command,
    first_model,
    load1,
    run_logged,
)

TTFT, PREFILL, PROMPT_TOKENS, TPOT, TOKENS = 0.1, 0.002, 50, 0.02, 16
TTFT0 = TTFT + PREFILL * PROMPT_TOKENS  # 0.2 s
SERVICE = TTFT0 + (TOKENS - 1) * TPOT  # 0.5 s
LIMIT = 0.5  # TTFT p95 <= 0.5 s: 0.3 s of queueing allowed
Q = 0.95


def mdk_ttft_quantile(rate: float, slots: int, n: int = 2_000_000, seed: int = 7) -> float:
    """TTFT p95 of the M/D/K fake server at `rate`, by the FIFO recursion (first 5% dropped)."""
    import numpy as np

    rng = random.Random(seed)
    starts = [0.0] * slots  # ring: start times of the last K requests, oldest first
    t, waits = 0.0, np.empty(n)
    for j in range(n):
        t += rng.expovariate(rate)
        s = max(t, starts[j % slots] + SERVICE)
        starts[j % slots] = s
        waits[j] = s - t
    return TTFT0 + float(np.quantile(waits[n // 20 :], Q, method="inverted_cdf"))


def mdk_capacity(slots: int) -> float:
    lo, hi = 0.5, slots / SERVICE  # hi: the throughput ceiling
    for _ in range(14):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mdk_ttft_quantile(mid, slots, 300_000) <= LIMIT else (lo, mid)
    return lo


def run_goodput(
    guidellm: str, url: str, a: argparse.Namespace, prompts: Path, limit: float
) -> dict:  # type: ignore[type-arg]
    report = a.out / "guidellm-goodput.json"
    metrics = {"kind": "generative", "slo": {"ttft_ms": 1000 * limit}}
    cmd = [
        guidellm, "run",
        "--backend", f"kind=openai_http,target={url.removesuffix('/v1')},max_tokens={TOKENS}",
        "--profile", "kind=goodput,initial_streams=1,target_attainment=0.95,tolerance=0.02",
        "--constraint", f"kind=max_duration,seconds={a.duration}",
        "--metrics", json.dumps(metrics),
        "--data", f"kind=json_file,path={prompts}",
        "--output", f"kind=json,path={report}",
        "--disable-console-interactive",
    ]  # fmt: skip
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    run_logged(cmd, report.with_suffix(".log"), a.tool_timeout, env)
    data = json.loads(report.read_text())
    return {"report": str(report), "raw_keys": list(data)[:10], "data": data}


def goodput_answer(data: dict) -> tuple[int | None, list]:  # type: ignore[type-arg]
    """guidellm's answer (highest passing streams) and its probes, from its JSON report."""
    found: list[dict] = []  # type: ignore[type-arg]

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if "best_passing_streams" in x and "probes" in x:
                found.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)
    if not found:
        return None, []
    st = found[0]
    return st.get("best_passing_streams"), [
        (p["streams"], p["passed"], round(p["attainment"], 3)) for p in st["probes"]
    ]


def run_dltutor_concurrency(url: str, a: argparse.Namespace, prompts: Path, limit: float) -> dict:  # type: ignore[type-arg]
    folder = a.out / "dltutor-concurrency"
    cmd = dltutor_command() + [
        "bench", "capacity", "--backend", "custom", "--base-url", url, "--model",
        first_model(url), "--workload", "questions", "--questions", str(prompts), "--by",
        "concurrency", "--slo", f"ttft={limit}s", "--quantile", str(Q),
        "--max-tokens", str(TOKENS), "--out", str(folder),
    ]  # fmt: skip
    run_logged(cmd, a.out / "dltutor-concurrency.log", a.tool_timeout)
    return json.loads((folder / "capacity.json").read_text())


def concurrency_comparison(guidellm: str, a: argparse.Namespace, prompts: Path) -> dict:  # type: ignore[type-arg]
    from dltutor.bench.capacity import closed_loop_capacity

    k = a.conc_slots
    limit = TTFT0 + 1.5 * SERVICE  # one service time of queueing allowed, half a one spare
    truth = closed_loop_capacity(k, TTFT0, SERVICE, 0.0, limit, Q)
    print(f"\nconcurrency: K={k}, TTFT p95 <= {limit:.2f} s; truth {truth}", flush=True)
    with fake_server(k) as url:
        gl = run_goodput(guidellm, url, a, prompts, limit)
    with fake_server(k) as url:
        dl = run_dltutor_concurrency(url, a, prompts, limit)
    gl_best, gl_probes = goodput_answer(gl["data"])
    dl_best = dl["answer"]
    print(f"  guidellm goodput: {gl_best} (probes {gl_probes})")
    print(f"  dltutor: {dl_best:g} (levels {[(p['level'], p['ok']) for p in dl['probes']]})")
    return {"slots": k, "limit_s": limit, "truth": truth, "guidellm": gl_best,
            "guidellm_probes": gl_probes, "dltutor": dl_best,
            "dltutor_levels": [(p["level"], p["ok"]) for p in dl["probes"]]}  # fmt: skip


def fake_server(slots: int):  # type: ignore[no-untyped-def]
    return child_server(
        [
            sys.executable,
            "-m",
            "dltutor.llm.fake",
            "--ttft",
            str(TTFT),
            "--tpot",
            str(TPOT),
            "--tokens",
            str(TOKENS),
            "--slots",
            str(slots),
            "--prefill",
            str(PREFILL),
        ]  # fmt: skip
    )


def write_prompts(path: Path, rows: int) -> None:
    prompt = " ".join(["word"] * PROMPT_TOKENS)  # 50 tokens as the fake server counts them
    with path.open("w") as f:
        for _ in range(rows):
            f.write(json.dumps({"prompt": prompt, "output_tokens_count": TOKENS}) + "\n")


def run_guidellm(guidellm: str, url: str, a: argparse.Namespace, prompts: Path) -> list[dict]:  # type: ignore[type-arg]
    report = a.out / "guidellm-sweep.json"
    cmd = [
        guidellm, "run",
        "--backend", f"kind=openai_http,target={url.removesuffix('/v1')},max_tokens={TOKENS}",
        "--profile", f"kind=sweep,sweep_size={a.sweep_size},strategy_type=poisson",
        "--constraint", f"kind=max_duration,seconds={a.duration}",
        "--data", f"kind=json_file,path={prompts}",
        "--output", f"kind=json,path={report}",
        "--disable-console-interactive",
    ]  # fmt: skip
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    run_logged(cmd, report.with_suffix(".log"), a.tool_timeout, env)
    rows = []
    for b in json.loads(report.read_text())["benchmarks"]:
        m = b["metrics"]
        ttft = (m["time_to_first_token_ms"].get("successful") or {}).get("percentiles") or {}
        done = m["request_totals"]["successful"]
        strategy = (
            b.get("scheduler", {}).get("strategy") or b.get("config", {}).get("strategy") or {}
        )
        starts = sorted(
            r["request_start_time"]
            for kind in ("successful", "errored", "incomplete")
            for r in (b.get("requests") or {}).get(kind) or []
            if r.get("request_start_time")
        )
        sent = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else None
        rows.append(
            {
                "sent_rate": sent,  # requests started per second, from its own report
                "strategy": strategy.get("type_") or strategy.get("type") or "?",
                "rate": strategy.get("rate"),
                "achieved": done / (b["duration"] or float("nan")),
                "ttft_p95_s": (ttft.get("p95") or 0) / 1000,
                "completed": done,
            }
        )
    return rows


def guidellm_answer(rows: list[dict]) -> tuple[float | None, float | None]:  # type: ignore[type-arg]
    """(highest swept Poisson rate meeting the SLO, the interpolated crossing)."""
    pts = sorted((r["rate"], r["ttft_p95_s"]) for r in rows if r["rate"])
    best, crossing = None, None
    for (r0, t0), (r1, t1) in zip(pts, pts[1:], strict=False):
        if t0 <= LIMIT:
            best = r0
            if t1 > LIMIT:
                crossing = r0 + (r1 - r0) * (LIMIT - t0) / (t1 - t0)
                break
    if pts and pts[-1][1] <= LIMIT:
        best = crossing = pts[-1][0]
    return best, crossing


def run_dltutor(url: str, a: argparse.Namespace, prompts: Path) -> dict:  # type: ignore[type-arg]
    folder = a.out / "dltutor-capacity"
    cmd = dltutor_command() + [
        "bench", "capacity", "--backend", "custom", "--base-url", url, "--model",
        first_model(url), "--workload", "questions", "--questions", str(prompts), "--by",
        "rate", "--burstiness", "1", "--duration", str(a.rate_duration), "--ramp-up", "10",
        "--start", "2",
        "--precision", "0.02", "--slo", f"ttft={LIMIT}s", "--quantile", str(Q),
        "--max-tokens", str(TOKENS), "--out", str(folder),
    ]  # fmt: skip
    run_logged(cmd, a.out / "dltutor-capacity.log", a.tool_timeout)
    return json.loads((folder / "capacity.json").read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--guidellm", default=DEFAULT_GUIDELLM)
    ap.add_argument("--slots", type=int, default=4)
    ap.add_argument("--duration", type=float, default=40.0, help="seconds per level, both tools")
    ap.add_argument("--sweep-size", type=int, default=10)
    ap.add_argument("--conc-slots", type=int, default=8, help="slots for the concurrency part")
    ap.add_argument(
        "--rate-duration",
        type=float,
        default=120.0,
        help="dltutor's rate levels: seconds of arrivals (a p95 from 30 s of Poisson arrivals "
        "is too noisy: the search then keeps lucky passes)",
    )
    ap.add_argument("--skip-rate", action="store_true")
    ap.add_argument("--skip-concurrency", action="store_true")
    ap.add_argument("--tool-timeout", type=float, default=1800)
    ap.add_argument("--out", type=Path, default=Path("/tmp/capacity-guidellm"))
    a = ap.parse_args()
    if not (Path(a.guidellm).is_file() and os.access(a.guidellm, os.X_OK)):
        msg = f"guidellm not found at {a.guidellm}; see docs/bench-guidellm.md to install it"
        print(f"skipped: {msg}", file=sys.stderr)
        print(json.dumps({"skipped": msg}))
        return 0
    a.out.mkdir(parents=True, exist_ok=True)
    prompts = a.out / "prompts.jsonl"
    write_prompts(prompts, 20000)
    print(f"load {load1():.1f} on {os.cpu_count()} cores", flush=True)
    out: dict = {"load1_start": load1()}  # type: ignore[type-arg]
    if not a.skip_concurrency:
        out["concurrency"] = concurrency_comparison(a.guidellm, a, prompts)
    if not a.skip_rate:
        out["rate"] = rate_comparison(a.guidellm, a, prompts)
    print()
    if "concurrency" in out:
        c = out["concurrency"]
        print(f"| concurrency, K={c['slots']} | truth {c['truth']} | dltutor {c['dltutor']:g} | "
              f"guidellm goodput {c['guidellm']} |")  # fmt: skip
    if "rate" in out:
        r = out["rate"]
        print(f"| rate, K={r['slots']} | truth {r['truth_rps']:.2f} | dltutor {r['dltutor_rps']:.2f} "
              f"({r['dltutor_vs_truth_pct']:+.1f}%) | guidellm sweep {r['guidellm_best_rps']} / "
              f"crossing {r['guidellm_crossing_rps']} |")  # fmt: skip
    out["load1_end"] = load1()
    print(json.dumps(out))
    return 0


def rate_comparison(guidellm: str, a: argparse.Namespace, prompts: Path) -> dict:  # type: ignore[type-arg]
    truth = mdk_capacity(a.slots)
    print(
        f"\nrate: K={a.slots}, TTFT0 {TTFT0:.2f} s, S {SERVICE:.2f} s (ceiling "
        f"{a.slots / SERVICE:.1f} req/s); SLO TTFT p95 <= {LIMIT} s; M/D/K truth {truth:.3f} req/s",
        flush=True,
    )
    with fake_server(a.slots) as url:
        gl_rows = run_guidellm(guidellm, url, a, prompts)
    with fake_server(a.slots) as url:
        dl = run_dltutor(url, a, prompts)
    best, crossing = guidellm_answer(gl_rows)
    print("guidellm sweep (Poisson):")
    for r in gl_rows:
        rate = "–" if r["rate"] is None else f"{r['rate']:.2f}"
        sent = "–" if r["sent_rate"] is None else f"{r['sent_rate']:.2f}"
        print(f"  {r['strategy']:<12} rate {rate:>6}  sent {sent}/s  done {r['achieved']:.2f}/s  TTFT p95 "
              f"{r['ttft_p95_s']:.3f} s  ({r['completed']} requests)")  # fmt: skip
    print("dltutor bench capacity --by rate:")
    for p in dl["probes"]:
        v = p["verdict"]["metrics"]["ttft"]["value"]
        print(f"  rate {p['level']:.3f}  {'meets' if p['ok'] else 'misses'}  TTFT p95 "
              f"{'–' if v is None else f'{v:.3f} s'}{'  (stopped early)' if p['stopped_early'] else ''}")  # fmt: skip
    found = dl["answer"]
    return {
        "slots": a.slots,
        "truth_rps": truth,
        "dltutor_rps": found,
        "guidellm_best_rps": best,
        "guidellm_crossing_rps": crossing,
        "dltutor_vs_truth_pct": 100 * (found - truth) / truth,
        "guidellm_crossing_vs_truth_pct": None
        if crossing is None
        else 100 * (crossing - truth) / truth,
        "guidellm": gl_rows,
        "dltutor_levels": [(p["level"], p["ok"]) for p in dl["probes"]],
    }


if __name__ == "__main__":
    sys.exit(main())
