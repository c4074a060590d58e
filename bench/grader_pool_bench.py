"""Grader pool benchmark: a burst of submissions through the grading queue, with 1 worker and then
2, side by side in one run.

    .venv/bin/python bench/grader_pool_bench.py [--n 500] [--exercise ex.dot_product]
                                                [--workers 1,2] [--concurrency 1] [--prewarm 0]
                                                [--redis-url redis://127.0.0.1:6379/9]

For each worker count: start that many `dltutor grader-worker` processes (each grading
`--concurrency` submissions at once), send `--n` submissions at once through
`grader.queue.grade_async` (half the exercise's reference solution, half a wrong one), and wait
for every result. Every submission must come back graded with the right verdict. Latency is from
the call to its result, queue wait included (in a burst, most of it is the wait). Throughput is
submissions graded per second of the burst; the ratio compares each worker count with the first.
Then two workers, and `kill -9` of the one grading a slow submission, mid-job: the other must
grade it, writing the result once (`killed_mid_job`). Without `--redis-url` a throwaway
redis-server is started on loopback. Prints a table for people, then one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from dltutor.config import get_settings
from dltutor.course.exercises import get_exercise
from dltutor.grader import isolation_status
from dltutor.grader.queue import grade_async, result_key

WRONG = "def {name}(*args, **kwargs):\n    return 0\n"
DLTUTOR = str(Path(sys.executable).parent / "dltutor")


@dataclass
class Row:
    workers: int
    wall_s: float
    latencies: list[float]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@contextmanager
def throwaway_redis() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        raise SystemExit(
            "no redis-server: install it (apt-get install redis-server) or --redis-url"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="dltutor-bench-redis.") as d:
        proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", d,
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            r = redis.Redis.from_url(url)
            for _ in range(100):
                try:
                    r.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            proc.wait()


@contextmanager
def workers(
    url: str, n: int, concurrency: int, prewarm: int, logs: Path
) -> Iterator[list[tuple[subprocess.Popen[bytes], Path]]]:
    env = {**os.environ, "DLTUTOR_REDIS_URL": url}
    procs, files = [], []
    try:
        for i in range(n):
            log = logs / f"worker{n}-{i}.log"
            files.append(log)
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [
                            DLTUTOR,
                            "grader-worker",
                            "--concurrency",
                            str(concurrency),
                            "--prewarm",
                            str(prewarm),
                        ],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                )
        end = time.monotonic() + 120
        while not all("gradings at once" in f.read_text(errors="replace") for f in files):
            if time.monotonic() > end or any(p.poll() is not None for p in procs):
                raise SystemExit("a grader worker did not start:\n" + files[0].read_text())
            time.sleep(0.1)
        yield list(zip(procs, files, strict=True))
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            p.wait(timeout=60)


async def burst(
    url: str, n: int, exercise: str, right: str, wrong: str
) -> tuple[float, list[float]]:
    """Send `n` submissions at once; (wall seconds, latency of each). Exits on a wrong verdict."""
    s = get_settings().model_copy(update={"redis_url": url, "grader_queue_limit": n + 1})

    async def one(i: int) -> float:
        t0 = time.perf_counter()
        res = await grade_async(exercise, right if i % 2 == 0 else wrong, settings=s)
        if res.passed != (i % 2 == 0):
            raise SystemExit(f"submission {i}: wrong verdict {res.to_contract_json()}")
        return time.perf_counter() - t0

    t0 = time.perf_counter()
    latencies = await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - t0, list(latencies)


async def kill_mid_job(url: str, exercise: str, right: str, logs: Path) -> dict[str, object]:
    """Two workers; `kill -9` the one grading a slow submission, mid-job: the other must grade
    it, and the result must be written once (`SET NX`: a second write would be refused)."""
    slow = "import time\ntime.sleep(4)\n" + right
    settings = get_settings().model_copy(update={"redis_url": url, "grader_heartbeat": 3})
    logs.mkdir(parents=True, exist_ok=True)
    with workers(url, 2, 1, 0, logs) as ws:
        t0 = time.monotonic()
        pending = asyncio.create_task(
            grade_async(exercise, slow, submission="slow", settings=settings)
        )
        taken = "grading submission slow"
        while not any(taken in f.read_text(errors="replace") for _, f in ws):
            if time.monotonic() - t0 > 60:
                raise SystemExit("no grader worker took the slow submission")
            await asyncio.sleep(0.05)
        victim = next(w for w in ws if taken in w[1].read_text(errors="replace"))
        await asyncio.sleep(1.0)  # inside the submission's sleep: mid-job
        victim[0].kill()
        killed_at = time.monotonic()
        result = await asyncio.wait_for(pending, 120)
        recovered_s = time.monotonic() - killed_at
    record = json.loads(redis.Redis.from_url(url).get(result_key("slow")) or b"{}")
    writes = sum(
        f.read_text(errors="replace").count("wrote result of submission slow") for _, f in ws
    )
    return {
        "passed": result.passed,
        "writes": writes,
        "attempt": record.get("attempt"),
        "graded_by_other": writes == 1
        and "wrote result" not in victim[1].read_text(errors="replace"),
        "graded_s_after_kill": round(recovered_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--exercise", default="ex.dot_product")
    ap.add_argument("--workers", default="1,2", help="worker counts to compare, in order")
    ap.add_argument("--concurrency", type=int, default=1, help="gradings at once per worker")
    ap.add_argument("--prewarm", type=int, default=0, help="warm sandboxes per worker")
    ap.add_argument("--redis-url", default=None)
    args = ap.parse_args(argv)

    ex = get_exercise(args.exercise)
    right, wrong = ex.reference_source(), WRONG.format(name=ex.function_names[0])
    counts = [int(c) for c in args.workers.split(",")]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dltutor-bench-pool.") as tmp:
        with redis_for(args.redis_url) as url:
            for k in counts:
                redis.Redis.from_url(url).flushdb()
                with workers(url, k, args.concurrency, args.prewarm, Path(tmp)):
                    wall, lat = asyncio.run(burst(url, args.n, ex.id, right, wrong))
                rows.append(Row(k, wall, lat))
            redis.Redis.from_url(url).flushdb()
            killed = asyncio.run(kill_mid_job(url, ex.id, right, Path(tmp) / "kill"))

    base = args.n / rows[0].wall_s
    print(
        f"grader pool: {args.n} submissions of {ex.id} at once, {args.concurrency} grading(s) per "
        f"worker, isolation {isolation_status()['level']}, {os.cpu_count()} cores"
    )
    print(
        f"{'workers':>8}{'graded':>8}{'wall s':>9}{'per s':>8}{'ratio':>7}{'p50 s':>8}{'p99 s':>8}"
    )
    out: dict[str, object] = {
        "bench": "grader_pool",
        "n": args.n,
        "exercise": ex.id,
        "concurrency_per_worker": args.concurrency,
        "cores": os.cpu_count(),
    }
    for r in rows:
        per_s = args.n / r.wall_s
        p50, p99 = pct(r.latencies, 50), pct(r.latencies, 99)
        print(
            f"{r.workers:>8}{len(r.latencies):>8}{r.wall_s:>9.1f}{per_s:>8.2f}"
            f"{per_s / base:>7.2f}{p50:>8.1f}{p99:>8.1f}"
        )
        out[f"workers_{r.workers}"] = {
            "graded": len(r.latencies),
            "per_s": round(per_s, 2),
            "ratio": round(per_s / base, 2),
            "p50_s": round(p50, 2),
            "p99_s": round(p99, 2),
        }
    # throughput of the last worker count over the first (same n: the inverse ratio of walls)
    out["throughput_ratio"] = round(rows[0].wall_s / rows[-1].wall_s, 2)
    out["killed_mid_job"] = killed
    print(
        f"kill -9 of the worker grading a 4-s submission, 1 s in: graded {killed['writes']} time(s), "
        f"attempt {killed['attempt']}, by the other worker: {killed['graded_by_other']}, "
        f"{killed['graded_s_after_kill']} s after the kill"
    )
    print(json.dumps(out))
    return 0


@contextmanager
def redis_for(url: str | None) -> Iterator[str]:
    if url:
        yield url
    else:
        with throwaway_redis() as u:
            yield u


if __name__ == "__main__":
    sys.exit(main())
