"""Past one machine, the web part: `dltutor serve --workers 3` on PostgreSQL and Redis in front
of the fake model server (its own thread here, counting the streams it serves at once).

1. 300 concurrent streaming chats from 60 accounts, through a shared admission limit. The
   slots are held until every chat has queued, so that the order they are served in is the
   admission's alone; then: how many completed, how many were lost (neither answered nor
   refused: must be 0), the most the model ever served at once against the limit (must not
   exceed it), how fairly learners took turns (`turn_fairness`: 1.0 is strict round-robin;
   first-come-first-served would score about 1/5 here), and the time from releasing the
   slots to the last answer against the time the model alone needs (`ideal_s`).
2. `kill -9` the web worker streaming a reply: how long until the slots it held are granted
   again (at most the lease), and whether its partial replies are in the database, marked.
3. The grader pool (bench/grader_pool_bench.py, on the same Redis): a burst of `--submissions`
   with 1 then 2 `dltutor grader-worker` processes (throughput ratio, p50/p99), and `kill -9`
   of a worker mid-job (graded once, by the other). `--submissions 0` skips it.
4. The web server's CPU per streamed chat, an earlier commit (`--before`) against this checkout,
   side by side at 1, 10 and 50 chats at once (bench/web_cpu.py). `--before ''` skips it.

Prints a table, then one JSON line last. Starts a throwaway PostgreSQL and Redis itself
(scripts/with-postgres.sh, scripts/with-redis.sh) when none is given.

    .venv/bin/python bench/scale_out.py [--chats 300] [--accounts 60] [--workers 3] [--limit 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from dltutor.bench import web_cpu
from dltutor.bench.replicas import Learner, Replicas, turn_fairness
from dltutor.llm.admission_redis import RedisAdmission
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store.models import Instance, Message

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


async def count(adm: RedisAdmission, key: int) -> int:
    return int(await (await adm._client()).zcard(adm.keys[key]))


async def hold_slots(
    adm: RedisAdmission, n: int, release: asyncio.Event
) -> list[asyncio.Task[None]]:
    async def hold() -> None:
        async with adm.slot("bench-blocker"):
            await release.wait()

    tasks = [asyncio.create_task(hold()) for _ in range(n)]
    while await count(adm, 0) < n:
        await asyncio.sleep(0.02)
    return tasks


async def burst(
    a: argparse.Namespace, web: Replicas, llm: FakeLLMServer, people: list[Learner], redis: str
) -> dict[str, Any]:
    adm = RedisAdmission(redis, llm.base_url, a.limit, lease_s=a.lease, poll_s=0.05)
    release = asyncio.Event()
    blockers = await hold_slots(adm, a.limit, release)
    llm.max_active, seen = 0, len(llm.requests)
    per = a.chats // len(people)
    chats = [
        asyncio.create_task(p.chat(f"Question {q} from {p.username}: what is a gradient?"))
        for p in people  # learner by learner: first come, first served would serve them so
        for q in range(per)
    ]
    # Until every chat is queued, or has ended without queueing (refused, or broken: each is
    # counted below). Bounded: a chat that neither queues nor ends must not hold the others
    # silent until their clients give up (120 s), which once turned 1 lost chat into 71.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if await count(adm, 1) + sum(c.done() for c in chats) >= len(chats):
            break
        await asyncio.sleep(0.05)
    queued = await count(adm, 1)
    t0 = time.monotonic()
    release.set()
    await asyncio.gather(*blockers)
    results = await asyncio.gather(*chats)
    wall = time.monotonic() - t0
    await adm.aclose()
    order = []
    for req in llm.requests[seen:]:
        m = re.search(r"from (\S+):", str(req["messages"][-1]["content"]))
        order.append(m.group(1) if m else "?")
    done = [r for r in results if r.done]
    for r in results:
        if not r.done and r.status != 429:
            print(
                f"a chat did not end: HTTP {r.status}, {r.error or r.events[-1:]}", file=sys.stderr
            )
    return {
        "chats": len(chats),
        "queued_at_once": queued,
        "completed": sum(r.events[-1][1].get("status") == "complete" for r in done),
        "refused": sum(
            r.status == 429 or bool(r.events and r.events[-1][0] == "error") for r in results
        ),
        "lost": sum(not r.done for r in results),
        "max_inflight": llm.max_active,
        "fairness": round(turn_fairness(order), 3),
        "wall_s": round(wall, 2),
        # the model kept busy, at `limit` streams of `tokens` x `tpot` seconds, with no gaps
        "ideal_s": round(len(chats) / a.limit * a.tokens * a.tpot, 2),
    }


async def kill_one(
    a: argparse.Namespace,
    web: Replicas,
    llm: FakeLLMServer,
    people: list[Learner],
    redis: str,
    db_url: str,
) -> dict[str, Any]:
    adm = RedisAdmission(redis, llm.base_url, a.limit, lease_s=a.lease, poll_s=0.05)
    llm.enqueue(
        *(Script(chunks=[f"w{i} " for i in range(400)], token_delay=0.05) for _ in range(a.limit))
    )
    chats = [
        asyncio.create_task(p.chat(f"Long question from {p.username}: explain backprop"))
        for p in people[: a.limit]
    ]
    while llm.active < a.limit:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # a periodic save has written part of every reply
    db = create_engine(db_url)
    with db.connect() as c:
        rows = c.execute(
            select(Message.id, Instance.pid)
            .join(Instance, Instance.id == Message.owner)
            .where(Message.status == "streaming")
        ).all()
    victim = rows[0].pid
    doomed = [r.id for r in rows if r.pid == victim]
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    granted: list[float] = []

    async def probe() -> None:
        async with adm.slot("bench-probe"):
            granted.append(time.monotonic())

    await asyncio.wait_for(asyncio.gather(*(probe() for _ in doomed)), a.lease * 3)
    recovered = max(granted) - killed
    await asyncio.gather(*chats)
    kept: list[Any] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with db.connect() as c:
            kept = c.execute(
                select(Message.status, Message.content).where(Message.id.in_(doomed))
            ).all()
        if all(r.status == "interrupted" for r in kept):
            break
        await asyncio.sleep(0.3)
    db.dispose()
    await adm.aclose()
    return {
        "killed_streams": len(doomed),
        "slots_recovered_s": round(recovered, 2),
        "lease_s": a.lease,
        "partial_replies_kept": sum(r.status == "interrupted" and bool(r.content) for r in kept),
        "partial_statuses": sorted({r.status for r in kept}),
    }


async def run(a: argparse.Namespace, redis: str, pg: str) -> dict[str, Any]:
    with (
        fresh_database(pg) as db_url,
        FakeLLMServer(token_delay=a.tpot, default_tokens=a.tokens) as llm,
        tempfile.TemporaryDirectory(prefix="dltutor-scale-out-") as home,
        Replicas(
            Path(home),
            a.workers,
            database_url=db_url,
            redis_url=redis,
            backend="vllm",
            base_url=llm.base_url,
            single_user=0,
            max_concurrent=a.limit,
            admission_lease_s=a.lease,
            queue_limit=a.chats + a.limit,
            signup_limit_address="100000/minute",
        ) as web,
    ):
        people = [Learner(web.url, f"learner{i:03d}") for i in range(a.accounts)]
        for i in range(0, len(people), 10):  # signing up costs 64 MiB of argon2 each
            await asyncio.gather(*(p.sign_up() for p in people[i : i + 10]))
        try:
            out = await burst(a, web, llm, people, redis)
            out |= await kill_one(a, web, llm, people, redis, db_url)
        finally:
            await asyncio.gather(*(p.aclose() for p in people))
    return out | {"limit": a.limit, "workers": a.workers, "accounts": a.accounts}


def grader_pool(submissions: int, redis_url: str) -> dict[str, Any]:
    """bench/grader_pool_bench.py's JSON line (its own processes, a database of its own)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench/grader_pool_bench.py"), "--n", str(submissions)]
        + ["--redis-url", redis_url],
        stdout=subprocess.PIPE,  # its errors go to our stderr as they happen
        text=True,
    )
    print(out.stdout, file=sys.stderr)
    if out.returncode:
        raise SystemExit(f"bench/grader_pool_bench.py failed (exit {out.returncode})")
    got: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--chats", type=int, default=300)
    ap.add_argument("--accounts", type=int, default=60)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--limit", type=int, default=8, help="generations at once, all workers")
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--tpot", type=float, default=0.01, help="the fake model's seconds per token")
    ap.add_argument("--lease", type=float, default=3.0, help="admission lease (s)")
    ap.add_argument("--submissions", type=int, default=500, help="grader burst (0: skip)")
    ap.add_argument("--before", default=web_cpu.BEFORE, help="web CPU baseline commit ('': skip)")
    a = ap.parse_args()
    redis, pg = (
        os.environ.get("DLTUTOR_TEST_REDIS_URL"),
        os.environ.get("DLTUTOR_TEST_POSTGRES_URL"),
    )
    if not (redis and pg):
        if os.environ.get("SCALE_OUT_WRAPPED"):
            sys.exit("scale_out: needs redis-server and PostgreSQL (make sysdeps installs both)")
        os.environ["SCALE_OUT_WRAPPED"] = "1"
        wrap = [str(ROOT / "scripts/with-postgres.sh"), str(ROOT / "scripts/with-redis.sh")]
        os.execv(wrap[0], [*wrap, sys.executable, *sys.argv])
    r = asyncio.run(run(a, redis, pg))
    print(json.dumps(r), file=sys.stderr)  # the web part's figures, whatever happens next
    if a.submissions:
        r["grader"] = grader_pool(a.submissions, redis.rsplit("/", 1)[0] + "/11")
    if a.before:
        with web_cpu.tree_at(a.before, ROOT) as src:
            r["web_cpu"] = asyncio.run(web_cpu.compare(src, web_cpu.LEVELS))
        r["web_cpu"]["before_ref"] = a.before
    print(f"{'measure':<24}{'value':>12}")
    for k, v in r.items():
        print(f"{k:<24}{v!s:>12}")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
