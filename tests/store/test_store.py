"""The store on SQLite and, when a server is provided (make test starts one), PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from dltutor.llm.types import Reply
from dltutor.store import repo
from dltutor.store.db import session_scope, upgrade
from tests.conftest import DATABASES, fresh_database


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_migrations_create_every_table_and_are_idempotent(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)  # a second run is a no-op, not an error
    from dltutor.store.db import get_engine

    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert {
        "learners",
        "conversations",
        "messages",
        "events",
        "grades",
        "topic_states",
        "alembic_version",
    } <= tables


def test_messages_keep_partial_replies_and_measurements(db_url: str) -> None:
    with session_scope(db_url) as db:
        me = repo.get_or_create_local_learner(db)
        conv = repo.create_conversation(db, learner_id=me.id, title="注意力", lang="zh")
        repo.add_message(db, conversation=conv, role="user", content="什么是注意力机制？")
        bot = repo.add_message(
            db, conversation=conv, role="assistant", content="", status="streaming"
        )
        reply = Reply(
            answer="注意力就是",
            thinking="想一想",
            status="error",
            error="dropped",
            output_tokens=3,
            reasoning_tokens=1,
            first_token_s=0.2,
            total_s=1.5,
            finish_reason=None,
        )
        repo.apply_reply(bot, reply, backend="fake")
        ids = (me.id, conv.id)
    with session_scope(db_url) as db:
        msgs = repo.list_messages(db, learner_id=ids[0], conversation_id=ids[1])
        assert [m.role for m in msgs] == ["user", "assistant"]
        stored = msgs[1]
        assert (stored.content, stored.thinking, stored.status, stored.error) == (
            "注意力就是",
            "想一想",
            "error",
            "dropped",
        )
        assert (stored.output_tokens, stored.reasoning_tokens, stored.ttft_s, stored.backend) == (
            3,
            1,
            0.2,
            "fake",
        )
        assert repo.get_or_create_local_learner(db).id == ids[0]  # one local learner, not two


def test_queries_are_scoped_to_their_learner(db_url: str) -> None:
    with session_scope(db_url) as db:
        a = repo.create_learner(db, name="a")
        b = repo.create_learner(db, name="b")
        conv = repo.create_conversation(db, learner_id=a.id)
        repo.add_message(db, conversation=conv, role="user", content="secret")
        repo.log_event(db, learner_id=a.id, kind="quiz", topic="math.matrices", correct=True)
        repo.record_grade(
            db,
            learner_id=a.id,
            exercise_id="ex.relu",
            code="x",
            passed=True,
            tests=[],
            error=None,
            timings={},
        )
        ids = (a.id, b.id, conv.id)
    with session_scope(db_url) as db:
        a_id, b_id, conv_id = ids
        assert repo.get_conversation(db, learner_id=b_id, conversation_id=conv_id) is None
        assert repo.list_messages(db, learner_id=b_id, conversation_id=conv_id) == []
        assert (
            repo.list_events(db, learner_id=b_id) == []
            and repo.list_grades(db, learner_id=b_id) == []
        )
        assert repo.list_events(db, learner_id=a_id)[0].payload == {"correct": True}
        assert len(repo.list_grades(db, learner_id=a_id, exercise_id="ex.relu")) == 1


def test_topic_state_upsert(db_url: str) -> None:
    with session_scope(db_url) as db:
        me = repo.get_or_create_local_learner(db)
        repo.upsert_topic_state(db, learner_id=me.id, topic="math.matrices", mastery=0.4)
        repo.upsert_topic_state(
            db, learner_id=me.id, topic="math.matrices", mastery=0.9, card={"due": "x"}
        )
        states = repo.topic_states(db, learner_id=me.id)
    assert list(states) == ["math.matrices"] and states["math.matrices"].mastery == 0.9


def test_the_migrations_build_exactly_the_models_schema(db_url: str) -> None:
    """A model change without its migration (or the reverse) shows here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dltutor.store.db import get_engine
    from dltutor.store.models import Base

    upgrade(db_url)
    with get_engine(db_url).connect() as c:
        assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []


def test_the_sqlite_file_and_its_journal_are_readable_by_their_owner_only(tmp_path: object) -> None:
    import stat
    from pathlib import Path

    path = Path(str(tmp_path)) / "private" / "dltutor.db"
    url = f"sqlite:///{path}"
    with session_scope(url) as db:
        repo.get_or_create_local_learner(db)
    files = [p for p in path.parent.iterdir() if p.name.startswith("dltutor.db")]
    assert path in files and len(files) >= 2  # the database and its WAL
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
