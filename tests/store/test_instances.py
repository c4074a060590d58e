"""Stream owners across hosts: a replica's replies are marked interrupted only once its lease
has run out; replies of live owners (this process, a live one elsewhere) are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dltutor.store import instances, repo
from dltutor.store.db import session_scope
from dltutor.store.models import Instance, Message


def test_only_replies_of_gone_owners_are_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/i.db"
    now = datetime.now(UTC)
    with session_scope(url) as db:
        me = repo.get_or_create_local_learner(db)
        conv = repo.create_conversation(db, learner_id=me.id, title="t")
        db.add_all(
            [
                Instance(id="fresh", host="other-host", pid=1, started="1", heartbeat_at=now),
                Instance(
                    id="stale",
                    host="other-host",
                    pid=1,
                    started="1",
                    heartbeat_at=now - timedelta(seconds=instances.LEASE_S + 1),
                ),
                # on this host, a pid that no process has: gone at once, whatever its lease
                Instance(
                    id="dead",
                    host=instances.me().host,
                    pid=2**22 + 7,
                    started="12345",
                    heartbeat_at=now,
                ),
            ]
        )
        owners = ["fresh", "stale", "dead", None, "forgotten", instances.owner_id(db)]
        ids = [
            repo.add_message(
                db, conversation=conv, role="assistant", content="x", status="streaming", owner=o
            ).id
            for o in owners
        ]
    with session_scope(url) as db:
        assert instances.recover(db, now) == 4
    with session_scope(url) as db:
        status = [db.get(Message, i).status for i in ids]  # type: ignore[union-attr]
        left = {i.id for i in db.query(Instance)}
    assert status == ["streaming"] + ["interrupted"] * 4 + ["streaming"]
    assert left == {"fresh", instances.me().id}
