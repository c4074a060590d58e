"""Which process is streaming which reply, so that a crash can be told from a live stream.

Every process that streams replies registers itself as an instance (a random id, its host,
pid and process start time) and stamps the replies it streams with that id (`Message.owner`).
A live web server renews its row (`heartbeat_at`) every `HEARTBEAT_S` seconds. At start-up
and after each heartbeat a server marks `interrupted` the replies still `streaming` whose
owner is gone, and only those, so one replica starting never touches another's live streams.

An owner is gone when:
- it ran on this host and its process no longer exists (or the pid now belongs to a process
  started at another time): known at once, so a server restarted after a SIGKILL repairs its
  own rows as it starts;
- it ran on another host and has not renewed its lease for `LEASE_S` seconds;
- the reply has no owner (written before owners were recorded), or one no longer registered.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from dltutor.store.db import session_scope
from dltutor.store.models import Instance, Message

log = logging.getLogger("dltutor.store")

HEARTBEAT_S = 15.0
LEASE_S = 4 * HEARTBEAT_S
INTERRUPTED = "interrupted"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), which
    tells a process from a later one that was given the same pid. None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass(frozen=True)
class Me:
    id: str
    host: str
    pid: int
    started: str


_me: Me | None = None
_registered: set[str] = set()  # database URLs this process has registered in


def me() -> Me:
    """This process as an instance (a new id after a fork)."""
    global _me
    if _me is None or _me.pid != os.getpid():
        pid = os.getpid()
        _me = Me(uuid.uuid4().hex, socket.gethostname(), pid, _start_time(pid) or "")
        _registered.clear()
    return _me


def owner_id(db: Session) -> str:
    """This process's instance id, registered in `db`'s database first if it is not yet."""
    url = str(db.get_bind().engine.url)
    if url not in _registered:
        heartbeat(db)
        _registered.add(url)
    return me().id


def heartbeat(db: Session, now: datetime | None = None) -> None:
    """Register this process, or renew its lease."""
    m, now = me(), now or datetime.now(UTC)
    row = db.get(Instance, m.id)
    if row is None:
        db.add(Instance(id=m.id, host=m.host, pid=m.pid, started=m.started, heartbeat_at=now))
    else:
        row.heartbeat_at = now
    db.flush()


def alive(inst: Instance, now: datetime) -> bool:
    m = me()
    if inst.id == m.id:
        return True
    if inst.host == m.host and inst.started:  # without /proc (not Linux): the lease decides
        return _start_time(inst.pid) == inst.started
    beat = inst.heartbeat_at
    if beat.tzinfo is None:  # SQLite gives naive datetimes back
        beat = beat.replace(tzinfo=UTC)
    return now - beat < timedelta(seconds=LEASE_S)


def recover(db: Session, now: datetime | None = None) -> int:
    """Mark `interrupted` the replies left `streaming` by instances that are gone, and forget
    those instances. Returns how many replies were marked."""
    now = now or datetime.now(UTC)
    heartbeat(db, now)
    everyone = list(db.scalars(select(Instance)))
    live = [i.id for i in everyone if alive(i, now)]
    gone = [i.id for i in everyone if i.id not in live]
    # Not "owner in gone": an owner whose row was already removed is gone as well.
    result = db.execute(
        update(Message)
        .where(
            Message.status == "streaming",
            or_(Message.owner.is_(None), Message.owner.not_in(live)),
        )
        .values(status=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    for inst_id in gone:
        inst = db.get(Instance, inst_id)
        if inst is not None:
            db.delete(inst)
    db.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def recover_in(url: str) -> int:
    with session_scope(url) as db:
        n = recover(db)
    if n:
        log.warning("%d replies were left streaming by a process that is gone: now interrupted", n)
    return n


async def keep_alive(url: str) -> None:
    """For a server's lifetime: renew this process's lease and recover other instances' orphans
    (a replica on another host that died) every HEARTBEAT_S seconds."""
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        try:
            await asyncio.to_thread(recover_in, url)
        except Exception:  # the database may be briefly away: try again at the next beat
            log.exception("instance heartbeat failed")
