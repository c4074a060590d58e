"""How a turn's events are written to the browser (web/streams.py `_pump`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from dltutor.web.streams import FLUSH_EVERY_S, _pump, sse

Put = Callable[[tuple[str, dict[str, Any]]], None]


async def test_pieces_that_arrive_close_together_go_in_one_write() -> None:
    async def produce(put: Put) -> None:
        for text in "abcd":
            put(("answer", {"text": text}))
            await asyncio.sleep(FLUSH_EVERY_S / 20)

    writes = [w async for w in _pump(produce)]
    # the first piece at once, alone (the learner's first token is never held back) ...
    assert writes[0] == sse("answer", {"text": "a"})
    # ... the rest together, in order: fewer writes, nothing lost
    assert "".join(writes) == "".join(sse("answer", {"text": t}) for t in "abcd")
    assert len(writes) == 2


async def test_a_piece_after_a_pause_goes_at_once() -> None:
    async def produce(put: Put) -> None:
        put(("answer", {"text": "a"}))
        await asyncio.sleep(FLUSH_EVERY_S * 3)
        put(("answer", {"text": "b"}))

    writes = [w async for w in _pump(produce)]
    assert writes == [sse("answer", {"text": "a"}), sse("answer", {"text": "b"})]


async def test_the_end_of_a_turn_is_not_held_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from dltutor.web import streams

    monkeypatch.setattr(streams, "FLUSH_EVERY_S", 30.0)  # held back, this would take 30 s
    loop = asyncio.get_running_loop()

    async def produce(put: Put) -> None:
        put(("answer", {"text": "a"}))
        await asyncio.sleep(0.01)
        put(("done", {"status": "complete"}))

    t0 = loop.time()
    writes = [w async for w in _pump(produce)]
    assert writes == [sse("answer", {"text": "a"}), sse("done", {"status": "complete"})]
    assert loop.time() - t0 < 15  # the producer ended: its `done` did not wait out the interval
