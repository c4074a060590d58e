"""The scale-out topology as processes on loopback: `dltutor serve --workers 3` on a real
PostgreSQL and a real Redis, in front of the fake model server (which counts the streams it
serves at once). One limit holds across the workers, learners are served in turn, a killed
worker's slots come back within the lease, and a full queue is answered 429."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from sqlalchemy import create_engine, select

from dltutor.bench.replicas import Learner, Replicas
from dltutor.llm.admission_redis import RedisAdmission
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store.models import Instance, Message
from tests.conftest import fresh_database
from tests.scale.conftest import REDIS

pytestmark = pytest.mark.slow

LIMIT = 4  # generations at once, for all workers together
LEASE_S = 3.0  # short, so that a killed worker's slots return quickly here
QUEUE_LIMIT = 64
ACCOUNTS, PER_ACCOUNT = 12, 5


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not REDIS:
        pytest.skip("no Redis server (DLTUTOR_TEST_REDIS_URL unset); `make test` starts one")
    with fresh_database("postgres", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(token_delay=0.01, default_tokens=24) as srv:
        yield srv


@pytest.fixture(scope="module")
def web(
    pg_url: str, llm: FakeLLMServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicas]:
    with Replicas(
        tmp_path_factory.mktemp("replicas"),
        3,
        database_url=pg_url,
        redis_url=REDIS,
        backend="vllm",
        base_url=llm.base_url,
        single_user=0,
        max_concurrent=LIMIT,
        admission_lease_s=LEASE_S,
        queue_limit=QUEUE_LIMIT,
        signup_limit_address="10000/minute",
    ) as web:
        yield web


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def learners(web: Replicas) -> AsyncIterator[list[Learner]]:
    people = [Learner(web.url, f"acct{i:02d}_{uuid.uuid4().hex[:6]}") for i in range(ACCOUNTS)]
    await asyncio.gather(*(p.sign_up() for p in people))
    yield people
    await asyncio.gather(*(p.aclose() for p in people))


def admission(llm: FakeLLMServer) -> RedisAdmission:
    """The test's own handle on the workers' shared queue (same Redis, same backend)."""
    assert REDIS
    return RedisAdmission(REDIS, llm.base_url, LIMIT, lease_s=LEASE_S, poll_s=0.05)


async def _count(adm: RedisAdmission, key: int) -> int:
    return int(await (await adm._client()).zcard(adm.keys[key]))


async def hold_every_slot(adm: RedisAdmission, release: asyncio.Event) -> list[asyncio.Task[None]]:
    async def hold() -> None:
        async with adm.slot("blocker"):
            await release.wait()

    tasks = [asyncio.create_task(hold()) for _ in range(LIMIT)]
    while await _count(adm, 0) < LIMIT:
        await asyncio.sleep(0.02)
    return tasks


@pytest.mark.asyncio(loop_scope="module")
async def test_60_chats_from_12_learners_share_one_limit_in_turn(
    web: Replicas, llm: FakeLLMServer, learners: list[Learner], pg_url: str
) -> None:
    adm = admission(llm)
    release = asyncio.Event()
    # The slots are all taken first, so every chat queues; then the order they are served in
    # is the admission's alone, and round-robin can be told from first-come-first-served.
    blockers = await hold_every_slot(adm, release)
    llm.max_active, seen = 0, len(llm.requests)
    chats = []
    for p in learners:  # learner by learner: first come, first served would serve acct00's 5 first
        for q in range(PER_ACCOUNT):
            chats.append(
                asyncio.create_task(p.chat(f"Question {q} from {p.username}: what is a gradient?"))
            )
            await asyncio.sleep(0.01)
    deadline = time.monotonic() + 60
    while await _count(adm, 1) < len(chats):  # every chat waits in the shared queue
        if time.monotonic() > deadline:
            done = [t.result() for t in chats if t.done()]
            raise AssertionError(
                f"{await _count(adm, 1)} of {len(chats)} chats reached the queue; ended: "
                f"{[(r.status, r.error, r.events[-1:]) for r in done][:5]}\n{web.output()[-3000:]}"
            )
        await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(*blockers)
    results = await asyncio.wait_for(asyncio.gather(*chats), 180)
    await adm.aclose()

    assert all(r.done and r.events[-1][1]["status"] == "complete" for r in results), [
        (r.status, r.error, r.kinds[-3:]) for r in results if not r.done
    ]
    assert llm.max_active == LIMIT  # the limit was reached and never passed, by 3 workers
    db = create_engine(pg_url)
    with db.connect() as c:
        ids = [r.first("turn")["assistant_message_id"] for r in results]  # type: ignore[index]
        owners = c.execute(select(Message.owner).where(Message.id.in_(ids)).distinct()).all()
    db.dispose()
    assert len(owners) >= 2, "the chats were not spread over several workers"
    positions = [d["position"] for r in results for k, d in r.events if k == "queue"]
    assert positions and max(positions) <= len(chats)  # each was told its place
    # Served in turns: the model saw each learner's k-th question in the k-th round of 12
    # (give or take the LIMIT requests that were in flight together and may arrive reordered).
    order = [_asker(req) for req in llm.requests[seen:]]
    assert len(order) == len(chats)
    for name in {p.username for p in learners}:
        for k, at in enumerate(i for i, who in enumerate(order) if who == name):
            assert ACCOUNTS * k - LIMIT < at < ACCOUNTS * (k + 1) + LIMIT, (name, k, at, order)


def _asker(req: dict[str, object]) -> str:
    last = req["messages"][-1]["content"]  # type: ignore[index]
    m = re.search(r"from (acct\w+):", str(last))
    assert m, last
    return m.group(1)


def test_an_idle_connection_outlives_the_proxys(web: Replicas) -> None:
    """A kept-alive connection idle for 6 s still takes a request. nginx keeps idle upstream
    connections 60 s; had the workers closed theirs sooner (uvicorn's default: 5 s), a question
    posted at that moment would be lost (nginx: 502). The same race, with httpx's 5-s default,
    lost chats in bench/scale_out.py's bursts."""
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=10)
    conn.request("GET", "/signin")
    first = conn.getresponse()
    first.read()
    assert first.status == 200 and not first.will_close
    time.sleep(6)
    conn.request("GET", "/signin")  # on the same socket: http.client does not reconnect
    second = conn.getresponse()
    second.read()
    conn.close()
    assert second.status == 200


@pytest.mark.asyncio(loop_scope="module")
async def test_a_full_queue_is_answered_429_with_retry_after(
    web: Replicas, llm: FakeLLMServer, learners: list[Learner]
) -> None:
    adm = admission(llm)
    release = asyncio.Event()
    blockers = await hold_every_slot(adm, release)

    async def wait_in_line(i: int) -> None:
        async with adm.slot(f"filler{i}"):
            pass

    fillers = [asyncio.create_task(wait_in_line(i)) for i in range(QUEUE_LIMIT)]
    while await _count(adm, 1) < QUEUE_LIMIT:
        await asyncio.sleep(0.02)
    refused = await learners[0].chat("Is there room for one more question?")
    release.set()
    await asyncio.gather(*blockers, *fillers)
    await adm.aclose()
    assert refused.status == 429, refused.events
    body = refused.events[0][1]
    assert int(body["retry-after"]) >= 1 and "busy" in body["body"]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_killed_worker_slots_return_and_its_partial_replies_are_kept(
    web: Replicas, llm: FakeLLMServer, learners: list[Learner], pg_url: str
) -> None:
    adm = admission(llm)
    llm.max_active = 0
    # Long answers (200 tokens, 10 s), so that they are mid-stream when a worker is killed.
    llm.enqueue(
        *(Script(chunks=[f"w{i} " for i in range(200)], token_delay=0.05) for _ in range(LIMIT))
    )
    chats = [
        asyncio.create_task(p.chat(f"Long question from {p.username}: explain backprop"))
        for p in learners[:LIMIT]
    ]
    deadline = time.monotonic() + 30
    while llm.active < LIMIT:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)  # a periodic save (every second) has written part of each answer
    db = create_engine(pg_url)
    with db.connect() as c:
        streaming = c.execute(
            select(Message.id, Instance.pid)
            .join(Instance, Instance.id == Message.owner)
            .where(Message.status == "streaming")
        ).all()
    assert len(streaming) == LIMIT
    victim = streaming[0].pid
    assert victim in web.worker_pids()
    doomed = {row.id for row in streaming if row.pid == victim}
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()

    # Its slots come back on their own within the lease (nobody could hand them back): as
    # many new requests as it held are granted, while the other streams still run.
    granted: list[float] = []

    async def probe() -> None:
        async with adm.slot("probe"):
            granted.append(time.monotonic())

    await asyncio.wait_for(asyncio.gather(*(probe() for _ in doomed)), LEASE_S + 5)
    recovered_s = max(granted) - killed_at
    assert 0.5 * LEASE_S < recovered_s < LEASE_S + 1.5  # by the lease running out, in time
    assert llm.max_active <= LIMIT

    results = await asyncio.wait_for(asyncio.gather(*chats), 60)
    broken = [r for r in results if not r.done]
    assert len(broken) == len(doomed) and all(r.error for r in broken)
    assert sum(r.done for r in results) == LIMIT - len(doomed)
    # The replies it was streaming are in the database with what had arrived, marked
    # interrupted (by the worker uvicorn starts in its place, as it starts).
    deadline = time.monotonic() + 60
    while True:
        with db.connect() as c:
            rows = c.execute(
                select(Message.status, Message.content).where(Message.id.in_(doomed))
            ).all()
        if all(r.status == "interrupted" for r in rows):
            break
        assert time.monotonic() < deadline, rows
        await asyncio.sleep(0.3)
    assert all(r.content.startswith("w0 w1 ") for r in rows)
    db.dispose()
    # And the freed slots serve new chats.
    after = await learners[-1].chat("A question after the crash: what is a tensor?")
    assert after.done
    await adm.aclose()
