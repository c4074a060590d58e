from __future__ import annotations

import asyncio

import pytest

from dltutor.llm.admission import Admission
from dltutor.llm.errors import LLMError


async def test_limit_is_never_exceeded_and_everyone_is_served() -> None:
    adm = Admission(3)
    running, peak = 0, 0

    async def job() -> None:
        nonlocal running, peak
        async with adm.slot("k"):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(job() for _ in range(20)))
    assert peak == 3 and adm.running == 0 and adm.waiting == 0


async def test_round_robin_across_learners() -> None:
    adm = Admission(1)
    order: list[str] = []

    async def job(key: str) -> None:
        async with adm.slot(key):
            order.append(key)
            await asyncio.sleep(0.005)

    # learner a floods the queue first; b's single request must not wait behind all of a's
    tasks = [asyncio.create_task(job("a")) for _ in range(5)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(job("b")))
    await asyncio.gather(*tasks)
    assert order.index("b") <= 2


async def test_waiters_learn_their_position() -> None:
    adm = Admission(1)
    seen: list[int] = []
    gate = asyncio.Event()

    async def holder() -> None:
        async with adm.slot("x"):
            await gate.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    others = [asyncio.create_task(_noop(adm, f"y{i}")) for i in range(2)]
    await asyncio.sleep(0)
    me = asyncio.create_task(_noop(adm, "z", seen.append))
    await asyncio.sleep(0.01)
    assert seen == [3]
    gate.set()
    await asyncio.gather(h, *others, me)
    assert seen[-1] == 1 and seen == sorted(seen, reverse=True)


async def test_queue_timeout_is_clear_and_frees_nothing_it_did_not_take() -> None:
    adm = Admission(1, queue_timeout=0.1)
    gate = asyncio.Event()

    async def holder() -> None:
        async with adm.slot("x"):
            await gate.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    with pytest.raises(LLMError) as err:
        await _noop(adm, "y")
    assert err.value.kind == "queue_timeout" and "busy" in str(err.value)
    gate.set()
    await h
    assert adm.running == 0 and adm.waiting == 0


async def _noop(adm: Admission, key: str, cb: object = None) -> None:
    async with adm.slot(key, cb):  # type: ignore[arg-type]
        await asyncio.sleep(0.005)


async def test_a_full_queue_is_refused_at_once() -> None:
    from dltutor.llm.errors import Busy

    adm = Admission(1, queue_limit=1)
    gate = asyncio.Event()

    async def hold(key: str) -> None:
        async with adm.slot(key):
            await gate.wait()

    tasks = [asyncio.create_task(hold(k)) for k in ("a", "b")]  # one runs, one waits
    await asyncio.sleep(0.01)
    with pytest.raises(Busy) as refused:
        await adm.check()
    with pytest.raises(Busy):
        async with adm.slot("c"):
            pass
    assert refused.value.retry_after >= 1 and adm.waiting == 1
    gate.set()
    await asyncio.gather(*tasks)
    await adm.check()
