"""RedisAdmission against a real Redis: several instances stand for several processes (they
share nothing but Redis), so what holds here holds across replicas."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from dltutor.llm.admission_redis import _ENQUEUE, RedisAdmission
from dltutor.llm.errors import Busy


@pytest.fixture
async def make(redis_url: str) -> AsyncIterator[type[RedisAdmission]]:
    """Admissions for one fresh backend name (no test sees another's keys)."""
    backend = f"http://test/{uuid.uuid4().hex}"
    made: list[RedisAdmission] = []

    def factory(limit: int, **kw: object) -> RedisAdmission:
        kw.setdefault("poll_s", 0.05)
        adm = RedisAdmission(redis_url, backend, limit, **kw)  # type: ignore[arg-type]
        made.append(adm)
        return adm

    yield factory  # type: ignore[misc]
    for adm in made:
        await adm.aclose()


async def _leases(adm: RedisAdmission) -> int:
    r = await adm._client()
    return int(await r.zcard(adm.keys[0]))


async def test_the_limit_holds_across_processes(make: type[RedisAdmission]) -> None:
    a, b = make(3), make(3)
    running = peak = 0

    async def job(adm: RedisAdmission, i: int) -> None:
        nonlocal running, peak
        async with adm.slot(f"learner{i % 5}"):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.02)
            running -= 1

    await asyncio.gather(*(job(a if i % 2 else b, i) for i in range(24)))
    assert peak == 3  # reached, never passed
    assert await _leases(a) == 0


async def test_round_robin_across_learners_and_processes(make: type[RedisAdmission]) -> None:
    a, b = make(1), make(1)
    order: list[str] = []
    gate = asyncio.Event()
    positions: dict[str, list[int]] = {}

    async def holder() -> None:
        async with a.slot("h"):
            await gate.wait()

    async def job(adm: RedisAdmission, key: str, name: str) -> None:
        async with adm.slot(key, positions.setdefault(name, []).append):
            order.append(key)
            await asyncio.sleep(0.01)

    tasks = [asyncio.create_task(holder())]
    await asyncio.sleep(0.05)
    # learner x floods the queue first, from one process; y and z ask once each, from another
    for name, adm, key in [
        ("x1", a, "x"),
        ("x2", a, "x"),
        ("x3", a, "x"),
        ("y1", b, "y"),
        ("z1", b, "z"),
    ]:
        tasks.append(asyncio.create_task(job(adm, key, name)))
        await asyncio.sleep(0.03)  # enqueued in this order
    await asyncio.sleep(0.3)  # several ticks: every waiter has been told its current place
    # the serving order is round after round over the learners: x1 y1 z1, then x2, then x3
    assert {n: p[-1] for n, p in positions.items()} == {"x1": 1, "y1": 2, "z1": 3, "x2": 4, "x3": 5}
    assert positions["x2"][0] == 2  # it was second until y and z came
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["x", "y", "z", "x", "x"]


async def test_a_dead_process_slots_return_within_the_lease(make: type[RedisAdmission]) -> None:
    dead, live = make(2, lease_s=1.0), make(2, lease_s=1.0)
    # A process granted two slots and was killed before renewing them: tickets enqueued by the
    # script alone, with no process left to renew or give them back.
    for ticket in ("dead1", "dead2"):
        got = await dead._run(_ENQUEUE, 2, dead._lease_ms, 0, ticket, "k")
        assert got[0] == b"granted"
    t0 = time.monotonic()
    async with live.slot("other") as waited:
        took = time.monotonic() - t0
    assert 0.7 <= took <= 2.5, took  # not before the lease ran out, and soon after
    assert waited == pytest.approx(took, abs=0.1)


async def test_a_held_slot_is_renewed_past_its_lease(make: type[RedisAdmission]) -> None:
    a, b = make(1, lease_s=0.6), make(1, lease_s=0.6)
    async with a.slot("k"):
        await asyncio.sleep(1.5)  # more than twice the lease: renewed meanwhile
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                async with b.slot("other"):
                    pass
    async with asyncio.timeout(1.0):
        async with b.slot("other"):  # handed back at once when it ended
            pass


async def test_a_full_queue_is_refused_with_a_retry_time(make: type[RedisAdmission]) -> None:
    adm = make(1, queue_limit=2)
    gate = asyncio.Event()

    async def hold(key: str) -> None:
        async with adm.slot(key):
            await gate.wait()

    tasks = [asyncio.create_task(hold(k)) for k in ("a", "b", "c")]  # one runs, two wait
    await asyncio.sleep(0.2)
    with pytest.raises(Busy) as refused:
        async with adm.slot("d"):
            pass
    assert refused.value.retry_after >= 1 and "busy" in refused.value.message("en")
    assert "太忙" in refused.value.message("zh")
    with pytest.raises(Busy):
        await adm.check()
    gate.set()
    await asyncio.gather(*tasks)
    await adm.check()  # room again


async def test_a_waiter_that_gives_up_leaves_the_queue(make: type[RedisAdmission]) -> None:
    adm = make(1)
    gate = asyncio.Event()
    seen: list[int] = []

    async def hold() -> None:
        async with adm.slot("a"):
            await gate.wait()

    async def wait(key: str, on_position: object = None) -> None:
        async with adm.slot(key, on_position):  # type: ignore[arg-type]
            pass

    h = asyncio.create_task(hold())
    await asyncio.sleep(0.05)
    quitter = asyncio.create_task(wait("b"))
    await asyncio.sleep(0.05)
    stayer = asyncio.create_task(wait("c", seen.append))
    await asyncio.sleep(0.1)
    assert seen == [2]
    quitter.cancel()  # a closed tab
    await asyncio.sleep(0.2)
    assert seen[-1] == 1
    r = await adm._client()
    assert await r.zcard(adm.keys[1]) == 1  # only the stayer waits
    gate.set()
    await asyncio.gather(h, stayer)
    assert await _leases(adm) == 0 and await r.zcard(adm.keys[1]) == 0


async def test_a_burst_wider_than_the_connection_pool_waits_for_connections(
    make: type[RedisAdmission],
) -> None:
    from dltutor.llm.admission_redis import REDIS_CONNECTIONS

    adm = make(4)
    # redis-py's default pool refused the 101st concurrent command ("Too many connections")
    await asyncio.gather(*(adm.check() for _ in range(3 * REDIS_CONNECTIONS)))
    running = peak = 0

    async def job(i: int) -> None:
        nonlocal running, peak
        async with adm.slot(f"l{i % 30}"):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.005)
            running -= 1

    await asyncio.gather(*(job(i) for i in range(2 * REDIS_CONNECTIONS)))
    assert peak == 4
