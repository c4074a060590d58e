"""Admission control shared by every process that uses one model, in Redis.

With N web processes, each counting its own slots (admission.py), the model gets N times the
limit. Here the count lives in Redis, and the same rules hold across processes and machines:
- at most `limit` generations at once per backend;
- waiters are served round-robin across learners (owners): each owner with waiting requests
  has a turn, and after it is served it goes to the back, so no learner's second request
  starts while another learner's first waits;
- any process can tell a waiter its place in that order;
- a slot is a lease that its process renews while it streams, and so is a place in the queue:
  a process killed with SIGKILL stops renewing, and its slots return on their own within
  `lease_s`, its places within 3 x `lease_s` (a place costs nobody a slot, and a process busy
  enough to miss its renewals for a moment should not lose its turn: if it does, it queues
  again);
- with `queue_limit` requests waiting, one more is refused at once (`Busy`, "retry in N s").

Every change is one Lua script, which Redis runs atomically: reading the count and granting a
slot in two round trips would let two processes both see a free slot and both take it. Time is
Redis's own clock (`TIME`), so the leases of processes on machines whose clocks disagree still
expire together.

Keys, under `dltutor:admission:{<backend hash>}:` (one hash tag, so they share a Cluster slot):
  leases   sorted set  ticket -> expiry (ms): the slots held now
  waiting  sorted set  ticket -> expiry (ms): the tickets in the queue, alive while renewed
  turns    list        owners with waiting tickets, in turn order
  q:<owner> list       that owner's tickets, oldest first
  granted  hash        ticket -> when its slot was granted (ms), for the mean hold time
  stats    hash        hold_ms: the mean time a slot is held (sizes "retry in N s")
  wake     channel     published when slots are granted, so waiters elsewhere look at once

A process keeps one task per event loop (`_keeper`) that renews its leases and places, and,
while it has waiters, asks every `poll_s` (or when woken) whether they were granted and where
they stand: one script call per process, not one per waiter.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

import anyio
import redis.asyncio as aioredis
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from dltutor.llm.admission import DEFAULT_HOLD_S, PositionCallback
from dltutor.llm.errors import Busy, LLMError

log = logging.getLogger("dltutor.llm")
REDIS_CONNECTIONS = 64  # per process: commands beyond it wait for a free connection

# Shared by the scripts: drop expired leases and places, then grant free slots round-robin.
_COMMON = """
local leases, waiting, turns, granted, stats = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local function purge()
  -- A lease not renewed in time belonged to a process that died (or stalled past the TTL).
  local dead = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  for _, ticket in ipairs(dead) do
    redis.call('ZREM', leases, ticket)
    redis.call('HDEL', granted, ticket)
  end
  -- Dead places stay in their owner's list; `grant` and `order` skip them (no list scan here).
  redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now)
end

local function grant(limit, lease_ms)
  local n = 0
  while redis.call('ZCARD', leases) < limit do
    local owner = redis.call('LPOP', turns)
    if not owner then break end
    local q = prefix .. 'q:' .. owner
    local ticket = nil
    repeat
      local next_ticket = redis.call('LPOP', q)
      if next_ticket and redis.call('ZSCORE', waiting, next_ticket) then ticket = next_ticket end
    until ticket or not next_ticket
    if ticket then
      redis.call('ZREM', waiting, ticket)
      redis.call('ZADD', leases, now + lease_ms, ticket)
      redis.call('HSET', granted, ticket, now)
      n = n + 1
    end
    -- round-robin: an owner served goes to the back of the turns, if it still waits
    if redis.call('LLEN', q) > 0 then redis.call('RPUSH', turns, owner) end
  end
  if n > 0 then redis.call('PUBLISH', prefix .. 'wake', n) end
  return n
end

-- The places of `wanted` tickets in the serving order: round after round over the turns,
-- each owner's next live ticket per round (the order `grant` will follow).
local function order(wanted)
  local owners = redis.call('LRANGE', turns, 0, -1)
  local queues = {}
  for i, owner in ipairs(owners) do
    local live = {}
    for _, ticket in ipairs(redis.call('LRANGE', prefix .. 'q:' .. owner, 0, -1)) do
      if redis.call('ZSCORE', waiting, ticket) then live[#live + 1] = ticket end
    end
    queues[i] = live
  end
  local out, pos, depth, more = {}, 0, 1, true
  while more do
    more = false
    for i = 1, #queues do
      local ticket = queues[i][depth]
      if ticket then
        more = true
        pos = pos + 1
        if wanted[ticket] then out[ticket] = pos end
      end
    end
    depth = depth + 1
  end
  return out
end

local function retry_after(limit)
  local hold = tonumber(redis.call('HGET', stats, 'hold_ms') or ARGV[2])
  return math.max(1, math.ceil(hold * (redis.call('ZCARD', waiting) + 1) / limit / 1000))
end
"""

# ARGV: prefix, default_hold_ms, limit, lease_ms, queue_limit, ticket, owner
# -> {'granted'} | {'queued', position} | {'busy', retry_after_s, waiting}
_ENQUEUE = (
    _COMMON
    + """
local limit, lease_ms, queue_limit = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ticket, owner = ARGV[6], ARGV[7]
purge()
grant(limit, lease_ms)
local n_waiting = redis.call('ZCARD', waiting)
if queue_limit > 0 and n_waiting >= queue_limit then
  return {'busy', retry_after(limit), n_waiting}
end
redis.call('ZADD', waiting, now + 3 * lease_ms, ticket)  -- see the module docstring
local q = prefix .. 'q:' .. owner
-- An owner is in the turns exactly while its list is not empty.
if redis.call('RPUSH', q, ticket) == 1 then redis.call('RPUSH', turns, owner) end
grant(limit, lease_ms)
if redis.call('ZSCORE', leases, ticket) then return {'granted'} end
local want = {}
want[ticket] = true
return {'queued', order(want)[ticket] or 0}
"""
)

# ARGV: prefix, default_hold_ms, limit, lease_ms, n_held, held..., waiting...
# -> {leases now, lost held count, state per waiting ticket: -1 granted, 0 gone, else position}
_TICK = (
    _COMMON
    + """
local limit, lease_ms, n_held = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
purge()
local lost = 0
for i = 6, 5 + n_held do
  -- XX: renew only; a lease that has already expired stays lost (its slot was given back)
  if redis.call('ZADD', leases, 'XX', 'CH', now + lease_ms, ARGV[i]) == 0 then
    if not redis.call('ZSCORE', leases, ARGV[i]) then lost = lost + 1 end
  end
end
local want = {}
for i = 6 + n_held, #ARGV do
  redis.call('ZADD', waiting, 'XX', now + 3 * lease_ms, ARGV[i])
  want[ARGV[i]] = true
end
grant(limit, lease_ms)
local places = order(want)
local out = {redis.call('ZCARD', leases), lost}
for i = 6 + n_held, #ARGV do
  local ticket = ARGV[i]
  if redis.call('ZSCORE', leases, ticket) then out[#out + 1] = -1
  else out[#out + 1] = places[ticket] or 0 end
end
return out
"""
)

# ARGV: prefix, default_hold_ms, limit, lease_ms, ticket, owner
# Gives back a held slot, or a place in the queue (which may have been granted meanwhile).
_RELEASE = (
    _COMMON
    + """
local limit, lease_ms, ticket, owner = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6]
if redis.call('ZREM', waiting, ticket) == 1 then
  local q = prefix .. 'q:' .. owner
  redis.call('LREM', q, 0, ticket)
  if redis.call('LLEN', q) == 0 then redis.call('LREM', turns, 0, owner) end
end
local since = redis.call('HGET', granted, ticket)
if redis.call('ZREM', leases, ticket) == 1 and since then
  -- moving average of how long a slot is held: what "retry in N s" is computed from
  local hold = tonumber(redis.call('HGET', stats, 'hold_ms') or ARGV[2])
  redis.call('HSET', stats, 'hold_ms', hold + 0.1 * ((now - tonumber(since)) - hold))
end
redis.call('HDEL', granted, ticket)
purge()
grant(limit, lease_ms)
return 1
"""
)

# ARGV: prefix, default_hold_ms, limit, queue_limit -> {0} | {retry_after_s, waiting}
_CHECK = (
    _COMMON
    + """
local limit, queue_limit = tonumber(ARGV[3]), tonumber(ARGV[4])
purge()
local n_waiting = redis.call('ZCARD', waiting)
if queue_limit > 0 and n_waiting >= queue_limit then return {retry_after(limit), n_waiting} end
return {0}
"""
)


@dataclass(eq=False)
class _Waiter:
    ticket: str
    owner: str
    granted: asyncio.Future[None]
    on_position: PositionCallback | None
    last_position: int = -1


class RedisAdmission:
    """`Admission`'s interface (admission.Slots), with its state in Redis."""

    def __init__(
        self,
        url: str,
        backend: str,
        limit: int,
        *,
        queue_timeout: float = 600.0,
        queue_limit: int = 0,
        lease_s: float = 20.0,
        poll_s: float = 0.25,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.url, self.backend, self.limit = url, backend, limit
        self.queue_timeout, self.queue_limit = queue_timeout, queue_limit
        self.lease_s, self.poll_s = lease_s, poll_s
        tag = hashlib.sha1(backend.encode()).hexdigest()[:16]
        self.prefix = f"dltutor:admission:{{{tag}}}:"
        self.keys = [self.prefix + k for k in ("leases", "waiting", "turns", "granted", "stats")]
        # Per event loop: a redis.asyncio client belongs to the loop it was first used in, and
        # a CLI command may run several loops in turn.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._redis: aioredis.Redis | None = None
        self._scripts: dict[str, AsyncScript] = {}
        self._waiters: dict[str, _Waiter] = {}
        self._held: set[str] = set()
        self._keeper: asyncio.Task[None] | None = None
        self._kick = asyncio.Event()

    # ---- the seam --------------------------------------------------------------------------
    async def check(self) -> None:
        got = await self._run(_CHECK, self.limit, self.queue_limit)
        if int(got[0]):
            raise Busy(int(got[0]), int(got[1]))

    @asynccontextmanager
    async def slot(
        self, key: str = "", on_position: PositionCallback | None = None
    ) -> AsyncIterator[float]:
        t0 = time.monotonic()
        ticket, owner = uuid.uuid4().hex, key or "-"
        got = await self._run(_ENQUEUE, self.limit, self._lease_ms, self.queue_limit, ticket, owner)
        state = _text(got[0])
        if state == "busy":
            raise Busy(int(got[1]), int(got[2]))
        try:
            if state == "queued":
                await self._wait(ticket, owner, int(got[1]), on_position)
            self._held.add(ticket)
            self._ensure_keeper()
            yield time.monotonic() - t0
        finally:
            self._held.discard(ticket)
            # Shielded: the stream's task is being cancelled (Stop, a closed tab), and the slot
            # must still be handed back now, not a lease TTL later.
            with anyio.CancelScope(shield=True):
                await self._give_back(ticket, owner)

    # ---- waiting ---------------------------------------------------------------------------
    async def _wait(
        self, ticket: str, owner: str, position: int, on_position: PositionCallback | None
    ) -> None:
        w = _Waiter(ticket, owner, asyncio.get_running_loop().create_future(), on_position)
        self._waiters[ticket] = w
        _tell(w, position)
        self._ensure_keeper()
        try:
            await asyncio.wait_for(asyncio.shield(w.granted), self.queue_timeout)
        except TimeoutError as e:
            raise LLMError("queue_timeout", seconds=self.queue_timeout) from e
        finally:
            self._waiters.pop(ticket, None)

    def _ensure_keeper(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.get_running_loop().create_task(self._keep())
        self._kick.set()

    async def _keep(self) -> None:
        """Renew this process's leases and places; tell its waiters when they are granted and
        where they stand. Runs while the process holds or waits for anything."""
        r = await self._client()
        pubsub = r.pubsub()
        listener: asyncio.Task[None] | None = None
        try:
            try:
                await pubsub.subscribe(self.prefix + "wake")
                listener = asyncio.create_task(self._listen(pubsub))
            except RedisError as e:  # no wake-ups then: the waiters still look every poll_s
                log.error("admission: cannot subscribe to wake-ups: %s", e)
            failing_since: float | None = None
            while self._waiters or self._held:
                self._kick.clear()
                try:
                    await self._tick()
                    failing_since = None
                except LLMError as e:
                    # A moment's trouble is ridden out; Redis away for a lease's length fails
                    # the waiters (their slots, if any, lapse on their own).
                    log.error("admission: %s", e)
                    failing_since = failing_since or time.monotonic()
                    if time.monotonic() - failing_since > self.lease_s:
                        for w in list(self._waiters.values()):
                            if not w.granted.done():
                                w.granted.set_exception(e)
                # Waiters are looked at often (or at once when a slot is granted anywhere);
                # leases only need renewing well within their TTL.
                pause = self.poll_s if self._waiters else self.lease_s / 4
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), pause)
        finally:
            if listener is not None:
                listener.cancel()
            with suppress(Exception):
                await pubsub.aclose()

    async def _listen(self, pubsub: Any) -> None:
        with suppress(RedisError):
            async for msg in pubsub.listen():
                if msg.get("type") == "message" and self._waiters:
                    self._kick.set()

    async def _tick(self) -> None:
        held, waiters = list(self._held), list(self._waiters.values())
        got = await self._run(
            _TICK, self.limit, self._lease_ms, len(held), *held, *(w.ticket for w in waiters)
        )
        if int(got[1]):
            log.warning("admission: %d leases expired before renewal (a stall > TTL)", got[1])
        for w, state in zip(waiters, got[2:], strict=True):
            if w.granted.done():
                continue
            if int(state) == -1:
                w.granted.set_result(None)
            elif int(state) == 0:  # our place lapsed (this process stalled past its TTL)
                await self._requeue(w)
            else:
                _tell(w, int(state))

    async def _requeue(self, w: _Waiter) -> None:
        log.warning("admission: a place in the queue lapsed (a stall past its TTL); queued again")
        got = await self._run(
            _ENQUEUE, self.limit, self._lease_ms, self.queue_limit, w.ticket, w.owner
        )
        state = _text(got[0])
        if state == "granted":
            w.granted.set_result(None)
        elif state == "busy":
            w.granted.set_exception(Busy(int(got[1]), int(got[2])))
        else:
            _tell(w, int(got[1]))

    async def _give_back(self, ticket: str, owner: str) -> None:
        try:
            await self._run(_RELEASE, self.limit, self._lease_ms, ticket, owner)
        except LLMError as e:  # the lease lapses on its own within the TTL
            log.error("admission: could not give back a slot: %s", e)

    # ---- Redis -----------------------------------------------------------------------------
    @property
    def _lease_ms(self) -> int:
        return int(self.lease_s * 1000)

    async def _client(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        if self._redis is None or self._loop is not loop:
            # A bounded pool that waits for a free connection: redis-py's default pool refuses
            # the 101st concurrent command ("Too many connections"), which a burst of questions
            # to one web process reached. And 30 s for a reply, not redis-py's 5 s: a process
            # whose loop was busy for a moment (questions being grounded) read its late replies
            # as "Redis unavailable" and failed chats that would have been served.
            pool = aioredis.BlockingConnectionPool.from_url(
                self.url, max_connections=REDIS_CONNECTIONS, timeout=30, socket_timeout=30
            )
            self._loop, self._redis = loop, aioredis.Redis.from_pool(pool)
            self._scripts = {}
            self._waiters, self._held, self._keeper = {}, set(), None
            self._kick = asyncio.Event()
        return self._redis

    async def _run(self, script: str, *args: str | int) -> Any:
        r = await self._client()
        if script not in self._scripts:  # EVALSHA after the first call: the text is sent once
            self._scripts[script] = r.register_script(script)
        argv: list[str | int] = [self.prefix, int(DEFAULT_HOLD_S * 1000), *args]
        try:
            return await self._scripts[script](keys=self.keys, args=argv)
        except RedisError as e:
            raise _unavailable(e) from e

    async def aclose(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


def _tell(w: _Waiter, position: int) -> None:
    if w.on_position and position > 0 and position != w.last_position:
        w.last_position = position
        w.on_position(position)


def _text(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def _unavailable(e: Exception) -> LLMError:
    return LLMError("admission_unavailable", detail=str(e)[:200])
