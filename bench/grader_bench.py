"""Grader benchmark: grading latency of a numpy exercise and throughput with concurrent submissions.

    .venv/bin/python bench/grader_bench.py [--exercise ex.softmax] [--runs 30] [--concurrency 2]
                                           [--per-worker 10] [--warm-runs 15]

Grades the exercise's reference solution (every hidden test runs and passes), first one at a
time (`--runs` times, after one warm-up) to get latency percentiles, split into sandbox start-up
(process, namespaces, interpreter, numpy, loading the learner's file) and test time (every hidden
test, calls into the sandbox included); then from `--concurrency` threads at once (`--per-worker`
each) for throughput; then with a warm pool (`dltutor.grader.prewarm`), waiting for a ready
sandbox before each run, to show the latency a server sees when its pool keeps up. Prints a
table for people, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from dltutor.course.exercises import get_exercise
from dltutor.grader import GradeResult, Limits, grade, isolation_status, prewarm
from dltutor.grader.pool import POOL


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def grade_once(exercise: str, code: str) -> GradeResult:
    res = grade(exercise, code)
    if not res.passed:
        raise SystemExit(f"the reference solution of {exercise} failed: {res.to_contract_json()}")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--exercise", default="ex.softmax")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--per-worker", type=int, default=10)
    ap.add_argument("--warm-runs", type=int, default=15)
    args = ap.parse_args(argv)

    ex = get_exercise(args.exercise)
    code = ex.reference_source()
    iso = isolation_status()
    grade_once(ex.id, code)  # warm-up: loads the tests, probes the isolation

    total, startup, tests = [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        res = grade_once(ex.id, code)
        total.append(time.perf_counter() - t0)
        startup.append(res.timings["startup"])
        tests.append(res.timings["tests"])

    n_jobs = args.concurrency * args.per_worker
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        results = list(pool.map(lambda _: grade_once(ex.id, code), range(n_jobs)))
    wall = time.perf_counter() - t0
    conc_total = [r.timings["total"] for r in results]
    throughput = n_jobs / wall

    warm_total, warm_startup = [], []
    if args.warm_runs:
        lim = Limits.from_settings()
        prewarm(1, lim)
        for _ in range(args.warm_runs):
            while POOL.ready_count(lim) < 1:
                time.sleep(0.01)
            t0 = time.perf_counter()
            res = grade_once(ex.id, code)
            warm_total.append(time.perf_counter() - t0)
            warm_startup.append(res.timings["startup"])
        prewarm(0, lim)

    ms = 1000.0
    rows = [
        ("sandbox start-up", startup),
        ("tests", tests),
        ("total (sequential)", total),
        (f"total ({args.concurrency} concurrent)", conc_total),
    ]
    if warm_total:
        rows += [("warm: load the file", warm_startup), ("warm: total", warm_total)]
    print(f"grader benchmark: {ex.id} ({len(ex.tests())} hidden tests), isolation {iso['level']}")
    print(f"  {iso['summary']}")
    print(f"{'':<24}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, xs in rows:
        print(
            f"{name:<24}{pct(xs, 50) * ms:>10.1f}{pct(xs, 95) * ms:>10.1f}{statistics.mean(xs) * ms:>10.1f}"
        )
    print(
        f"throughput with {args.concurrency} concurrent submissions: {throughput:.2f} gradings/s "
        f"({n_jobs} in {wall:.2f} s; sequential: {1 / statistics.mean(total):.2f}/s)"
    )
    summary = {
        "bench": "grader",
        "exercise": ex.id,
        "isolation": iso["level"],
        "runs": args.runs,
        "startup_p50_ms": round(pct(startup, 50) * ms, 1),
        "startup_p95_ms": round(pct(startup, 95) * ms, 1),
        "tests_p50_ms": round(pct(tests, 50) * ms, 1),
        "tests_p95_ms": round(pct(tests, 95) * ms, 1),
        "total_p50_ms": round(pct(total, 50) * ms, 1),
        "total_p95_ms": round(pct(total, 95) * ms, 1),
        "concurrency": args.concurrency,
        "concurrent_total_p50_ms": round(pct(conc_total, 50) * ms, 1),
        "concurrent_total_p95_ms": round(pct(conc_total, 95) * ms, 1),
        "throughput_per_s": round(throughput, 2),
        "warm_startup_p50_ms": round(pct(warm_startup, 50) * ms, 1) if warm_total else None,
        "warm_total_p50_ms": round(pct(warm_total, 50) * ms, 1) if warm_total else None,
        "warm_total_p95_ms": round(pct(warm_total, 95) * ms, 1) if warm_total else None,
        "sequential_per_s": round(1 / statistics.mean(total), 2),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
