"""What the grading-queue tests share: a Redis database of their own, and `dltutor grader-worker`
processes with their logs (the logs are where result writes are counted)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

REDIS = os.environ.get("DLTUTOR_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS, reason="no Redis: run under scripts/with-redis.sh (redis-server from Debian)"
)
DLTUTOR = str(Path(sys.executable).parent / "dltutor")

GOOD = """
def dot(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    return float(sum(x * y for x, y in zip(a, b)))
"""
WRONG = "def dot(a, b):\n    return 0.0\n"
# Right, but slow to load: long enough to kill its worker mid-job, short of the wall limit.
SLOW = "import time\ntime.sleep(4)\n" + GOOD


def own_db(url: str, db: int) -> str:
    """The same server, another database: these tests flush theirs without touching others'."""
    return url.rsplit("/", 1)[0] + f"/{db}"


@contextmanager
def redis_db(db: int) -> Iterator[str]:
    assert REDIS
    url = own_db(REDIS, db)
    r = redis.Redis.from_url(url)
    r.flushdb()
    try:
        yield url
    finally:
        r.flushdb()
        r.close()


@dataclass
class WorkerProc:
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def name_suffix(self) -> str:
        return f":{self.proc.pid}"  # worker names are host:pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while needle not in self.text():
            assert self.proc.poll() is None, f"worker exited:\n{self.text()}"
            assert time.monotonic() < end, f"no {needle!r} in the worker's log:\n{self.text()}"
            time.sleep(0.05)


@contextmanager
def workers(url: str, n: int, tmp: Path, grace: int = 5) -> Iterator[list[WorkerProc]]:
    """`n` grader workers (one grading at a time each) on `url`, stopped with SIGINT after;
    `grace`: the seconds a running grading gets to finish then."""
    procs: list[WorkerProc] = []
    # A 3 s heartbeat (10 s by default): a dead worker's job comes back in about 3 + 3 + 5 s,
    # with room for a beat delayed on a loaded machine before a live job is taken for dead.
    environ = {**os.environ, "DLTUTOR_REDIS_URL": url, "DLTUTOR_GRADER_HEARTBEAT": "3"}
    try:
        for i in range(n):
            log = tmp / f"worker{i}.log"
            with log.open("wb") as out:
                p = subprocess.Popen(
                    [DLTUTOR, "grader-worker", "--concurrency", "1", "--grace", str(grace)],
                    env=environ,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            procs.append(WorkerProc(p, log))
        for w in procs:
            w.wait_for("up to 1 gradings at once")
        yield procs
    finally:
        for w in procs:
            if w.proc.poll() is None:
                w.proc.send_signal(signal.SIGINT)
        for w in procs:
            try:
                w.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()
