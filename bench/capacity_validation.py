"""`dltutor bench capacity` against a server whose capacity is known exactly, at full scale.

    .venv/bin/python bench/capacity_validation.py [--slots 8,32] [--turns 5] [--no-concurrency]

The fake server (in its own process) has K slots, a prefill cost per prompt token and a decode
time per token: every request holds a slot for S = ttft + prefill x prompt tokens + (tokens - 1)
x tpot seconds and sends its first token TTFT0 = ttft + prefill x prompt tokens after getting
one. Learners start together, think a constant Z = z x S, and each one's first turn is left
out; then the capacity under TTFT p95 <= L is, exactly (docs/bench-capacity.md):

    N* = K x (1 + floor((Z + L - TTFT0) / S)) + floor(0.05 x K)

and with Z = 0 it is the capacity in concurrent requests. The script runs the search for each K,
in learners and in concurrent requests, and prints the analytic and measured capacities side by
side (both must agree within 5%), then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from dltutor.bench.capacity import closed_loop_capacity, search
from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.levels import Plan, Prober
from dltutor.bench.sessions import ThinkTime
from dltutor.llm.wire import WireClient

TTFT, PREFILL, PROMPT_TOKENS, TPOT, TOKENS = 0.2, 0.002, 100, 0.02, 31
TTFT0 = TTFT + PREFILL * PROMPT_TOKENS  # 0.4 s
SERVICE = TTFT0 + (TOKENS - 1) * TPOT  # 1.0 s
THINK = 3 * SERVICE
LIMIT = TTFT0 + SERVICE / 2  # 0.9 s: half a service time of queueing is allowed
Q = 0.95


async def find(slots: int, by: str, turns: int, requests: int | None) -> dict[str, object]:
    think = THINK if by == "learners" else 0.0
    expected = closed_loop_capacity(slots, TTFT0, SERVICE, think, LIMIT, Q)
    t0 = time.monotonic()
    load0 = os.getloadavg()[0]
    with FakeServerProcess(TTFT, TPOT, TOKENS, slots, PREFILL) as srv:
        async with WireClient(srv.base_url, model="fake-model", retries=0) as c:
            plan = Plan(
                by=by,
                workload="questions",
                slo={"ttft": LIMIT, "tpot": 2 * TPOT},
                quantile=Q,
                prompts=[" ".join(["word"] * PROMPT_TOKENS)],
                think=ThinkTime("const", think),
                turns=turns,
                warmup_turns=1,
                requests=requests,
                max_tokens=64,
                timeout=120,
            )
            prober = Prober(c, plan, None, time.monotonic())
            start = max(1, slots // 2)  # the search is the same from 1; this saves levels
            result = await search(prober, integer=True, start=start, max_probes=24)
    found = result.answer
    row = {
        "slots": slots,
        "by": by,
        "analytic": expected,
        "found": found,
        "diff_pct": 100 * (found - expected) / expected,
        "levels": [(p.level, p.ok) for p in result.probes],
        "seconds": time.monotonic() - t0,
        "load1": [round(load0, 1), round(os.getloadavg()[0], 1)],
    }
    print(
        f"K={slots:<3} {by:<12} analytic {expected:>4}  found {found:>6g}  "
        f"({row['diff_pct']:+.1f}%)  {len(result.probes)} levels, {row['seconds']:.0f} s, "
        f"load {row['load1'][0]}→{row['load1'][1]}",
        flush=True,
    )
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--slots", default="8,32", help="slot counts K to validate")
    ap.add_argument("--turns", type=int, default=5, help="turns per learner (1 is warm-up)")
    ap.add_argument("--requests", type=int, help="concurrency: requests per level")
    ap.add_argument("--no-concurrency", action="store_true", help="learners only")
    a = ap.parse_args()
    print(
        f"fake server: TTFT0 = {TTFT} + {PREFILL} x {PROMPT_TOKENS} tokens = {TTFT0:.2f} s, "
        f"S = {SERVICE:.2f} s; think {THINK:g} s; SLO TTFT p95 <= {LIMIT:.2f} s, "
        f"TPOT p95 <= {2000 * TPOT:g} ms · {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    rows = []
    for k in (int(x) for x in a.slots.split(",")):
        rows.append(asyncio.run(find(k, "learners", a.turns, None)))
        if not a.no_concurrency:
            rows.append(asyncio.run(find(k, "concurrency", a.turns, a.requests)))
    print("\n| K | load | analytic | found | difference |\n|---|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['slots']} | {r['by']} | {r['analytic']} | {r['found']:g} | "
            f"{r['diff_pct']:+.1f}% |"
        )
    worst = max(abs(float(r["diff_pct"])) for r in rows)  # type: ignore[arg-type]
    print(json.dumps({"within_5pct": worst <= 5, "worst_abs_pct": worst, "rows": rows}))
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
