"""Engines and sessions. SQLite (WAL) under DLTUTOR_HOME by default; PostgreSQL by URL.

The schema is created and upgraded by Alembic (`upgrade()`), never by `create_all`, so a
database made by one version of dltutor is migrated, not recreated, by the next. A single
process upgrades on first use (`init_db`); several web processes on one database run
`dltutor db upgrade` once and start with `require_current` instead, because N processes
migrating at once race each other (two try to create the same table).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the streaming writer
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _create_private(url: str) -> None:
    """Create the SQLite file readable by its owner only (0600) before SQLite does (it would use
    the umask: world-readable, with every learner's messages and password hashes). SQLite gives
    its -wal and -shm files the database file's permissions."""
    path = url.removeprefix("sqlite:///")
    if path == url or not path or path.startswith(":memory:") or "?" in path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema."""
    from alembic import command

    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    cfg = _alembic_config()
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class SchemaBehind(RuntimeError):
    """The database is not at this version's schema, and this process may not migrate it."""


def revisions(url: str) -> tuple[set[str], set[str]]:
    """(the database's current revisions, this version's head revisions)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(_alembic_config()).get_heads())
    with get_engine(url).connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current, heads


def require_current(url: str) -> Engine:
    """The engine, once the schema is known to be current (checked, not migrated: see the
    module's docstring); SchemaBehind, saying what to run, when it is not."""
    if url not in _ready:
        current, heads = revisions(url)
        if current != heads:
            raise SchemaBehind(
                f"the database schema is at {sorted(current) or 'nothing'}, this dltutor needs "
                f"{sorted(heads)}: run `dltutor db upgrade` once, then start the web processes"
            )
        _ready.add(url)
    return get_engine(url)


_ready: set[str] = set()


def init_db(url: str) -> Engine:
    """Upgrade once per process, then return the engine."""
    if url not in _ready:
        upgrade(url)
        _ready.add(url)
    return get_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(init_db(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
