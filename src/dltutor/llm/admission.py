"""Admission control: at most N generations at once per backend, and a fair queue for the rest.

Seed 003 sent ~50 questions at once to one local model: they all started, starved each other,
and most died at the 300 s timeout with nothing to show. Here a request waits for a slot
instead, knows its place in the queue, and is served round-robin across learners, so one
learner with many requests cannot starve another. A wait longer than `queue_timeout` ends
with a clear error (the question is already saved by the caller), and with `queue_limit`
requests already waiting one more is refused at once (`Busy`: "retry in N s").

This is the single-machine default: the slots are counted in this process. Several web
processes sharing one model use `RedisAdmission` (admission_redis.py), with the same interface
(`Slots`); `open_admission` picks one from the settings.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from dltutor.llm.errors import Busy, LLMError

if TYPE_CHECKING:
    from dltutor.config import Settings

PositionCallback = Callable[[int], None]
# What a generation is assumed to hold its slot for, before any has been measured: it only
# sizes the "retry in N s" of a refusal.
DEFAULT_HOLD_S = 10.0


class Slots(Protocol):
    """The admission seam: what `LLMClient` needs of an admission control."""

    limit: int

    def slot(
        self, key: str = "", on_position: PositionCallback | None = None
    ) -> AbstractAsyncContextManager[float]:
        """Hold one generation slot for `key` (a learner); yields the seconds waited."""
        ...

    async def check(self) -> None:
        """Raise `Busy` if a request now would be refused (before a stream is opened)."""
        ...


def retry_after(waiting: int, limit: int, hold_s: float) -> int:
    """Seconds until a refused request could expect to get in: the queue ahead of it drains
    `limit` requests per `hold_s` (the measured mean time a slot is held)."""
    return max(1, math.ceil(hold_s * (waiting + 1) / limit))


@dataclass(eq=False)
class _Waiter:
    key: str
    future: asyncio.Future[None]
    on_position: PositionCallback | None = None
    last_position: int = -1
    enqueued: float = field(default_factory=time.monotonic)


class Admission:
    def __init__(self, limit: int, queue_timeout: float = 600.0, queue_limit: int = 0) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.queue_timeout = queue_timeout
        self.queue_limit = queue_limit  # 0: no limit
        self.hold_s = DEFAULT_HOLD_S  # mean time a slot is held (moving average)
        self.running = 0
        self._queues: OrderedDict[str, deque[_Waiter]] = (
            OrderedDict()
        )  # key -> its waiters, in turn order

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def order(self) -> list[_Waiter]:
        """The waiters in the order they will be served: round-robin over keys."""
        queues = [list(q) for q in self._queues.values()]
        out: list[_Waiter] = []
        depth = 0
        while any(depth < len(q) for q in queues):
            out.extend(q[depth] for q in queues if depth < len(q))
            depth += 1
        return out

    async def check(self) -> None:
        if self.queue_limit and self.waiting >= self.queue_limit:
            raise Busy(retry_after(self.waiting, self.limit, self.hold_s), self.waiting)

    @asynccontextmanager
    async def slot(
        self, key: str = "", on_position: PositionCallback | None = None
    ) -> AsyncIterator[float]:
        """Hold one generation slot; yields the seconds spent waiting for it."""
        t0 = time.monotonic()
        if self.running < self.limit and not self._queues:
            self.running += 1
        else:
            await self.check()
            await self._wait(key, on_position)
        granted = time.monotonic()
        try:
            yield granted - t0
        finally:
            self.hold_s += 0.1 * (time.monotonic() - granted - self.hold_s)
            self._release()

    async def _wait(self, key: str, on_position: PositionCallback | None) -> None:
        w = _Waiter(key, asyncio.get_running_loop().create_future(), on_position)
        self._queues.setdefault(key, deque()).append(w)
        self._announce()
        try:
            await asyncio.wait_for(asyncio.shield(w.future), self.queue_timeout)
        except (TimeoutError, asyncio.CancelledError) as e:
            if w.future.done() and not w.future.cancelled():
                self._release()  # granted just as we gave up: hand the slot on
            else:
                self._remove(w)
                w.future.cancel()
            self._announce()
            if isinstance(e, TimeoutError):
                raise LLMError("queue_timeout", seconds=self.queue_timeout) from e
            raise

    def _remove(self, w: _Waiter) -> None:
        q = self._queues.get(w.key)
        if q and w in q:
            q.remove(w)
            if not q:
                del self._queues[w.key]

    def _release(self) -> None:
        self.running -= 1
        if self._queues:
            key, q = next(iter(self._queues.items()))
            w = q.popleft()
            # rotate: this key goes to the back of the turn order
            del self._queues[key]
            if q:
                self._queues[key] = q
            self.running += 1
            w.future.set_result(None)
            self._announce()

    def _announce(self) -> None:
        for pos, w in enumerate(self.order(), start=1):
            if w.on_position and pos != w.last_position:
                w.last_position = pos
                w.on_position(pos)


class AdmissionRegistry:
    """One Admission per backend (keyed by base URL), created on first use."""

    def __init__(self, limit: int, queue_timeout: float) -> None:
        self.limit, self.queue_timeout = limit, queue_timeout
        self._by_backend: dict[str, Admission] = {}

    def for_backend(self, name: str) -> Admission:
        if name not in self._by_backend:
            self._by_backend[name] = Admission(self.limit, self.queue_timeout)
        return self._by_backend[name]


def open_admission(settings: Settings, backend: str) -> Slots:
    """The admission control for `backend` (its base URL): shared in Redis when `redis_url` is
    set (every process that uses the model counts against one limit), else in this process."""
    if settings.redis_url:
        from dltutor.llm.admission_redis import RedisAdmission

        return RedisAdmission(
            settings.redis_url,
            backend,
            settings.max_concurrent,
            queue_timeout=settings.queue_timeout,
            queue_limit=settings.queue_limit,
            lease_s=settings.admission_lease_s,
        )
    return Admission(settings.max_concurrent, settings.queue_timeout, settings.queue_limit)
