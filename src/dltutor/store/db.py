"""Engines and sessions. SQLite (WAL) under DLTUTOR_HOME by default; PostgreSQL by URL.

The schema is created and upgraded by Alembic (`upgrade()`), never by `create_all`, so a
database made by one version of dltutor is migrated, not recreated, by the next.
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


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema."""
    from alembic import command
    from alembic.config import Config

    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with get_engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
