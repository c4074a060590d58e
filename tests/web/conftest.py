"""Web fixtures: the app on a fake LLM server, on SQLite and (when a server is given)
PostgreSQL; a learner's session as a cookie jar; SSE parsing; a live server for the browser."""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dltutor.config import Settings, get_settings
from dltutor.llm.fake import FakeLLMServer
from dltutor.web.app import create_app

PG = os.environ.get("DLTUTOR_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


def make_client(fake_llm: FakeLLMServer | None, **settings: Any) -> TestClient:
    update: dict[str, Any] = {"backend": "none"}
    if fake_llm is not None:
        update = {"backend": "vllm", "base_url": fake_llm.base_url}
    update.update(settings)
    return TestClient(create_app(get_settings().model_copy(update=update)))


@pytest.fixture
def client(fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    with make_client(fake_llm) as c:
        yield c


@pytest.fixture
def multi(fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    """A class install: sign-in required."""
    with make_client(fake_llm, single_user=False) as c:
        yield c


def csrf(c: TestClient) -> str:
    return str(c.get("/api/me").json()["csrf_token"])


def events(text: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def answer_text(evs: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(d["text"] for k, d in evs if k == "answer")


# ---- one app per test module, on each database ---------------------------------------------------


@pytest.fixture(scope="module")
def module_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database per test module: SQLite, and PostgreSQL when a server is given."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/web.db"
        return
    if not PG:
        pytest.skip(
            "no PostgreSQL server (DLTUTOR_TEST_POSTGRES_URL unset); `make test` starts one"
        )
    from sqlalchemy import create_engine, text

    name = f"w_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    url = PG.rsplit("/", 1)[0] + "/" + name
    yield url
    from dltutor.store.db import get_engine

    get_engine(url).dispose()
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def app_settings(home: Path, db: str, llm: FakeLLMServer | None, **more: Any) -> Settings:
    update: dict[str, Any] = {"home": home, "database_url": db, "single_user": False}
    update.update(
        {"backend": "vllm", "base_url": llm.base_url} if llm is not None else {"backend": "none"}
    )
    update.update(more)
    return Settings().model_copy(update=update)


@pytest.fixture(scope="module")
def web(
    db_url: str, module_llm: FakeLLMServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """One multi-user app per module and database, with the fake model. Tests switch learners
    with `as_user` (the session is the cookie jar)."""
    home = tmp_path_factory.mktemp("home")
    with TestClient(create_app(app_settings(home, db_url, module_llm))) as c:
        yield c


@dataclass
class User:
    username: str
    cookies: dict[str, str]
    csrf: str
    id: int


def form_token(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def signup(c: TestClient, username: str, *, role: str = "learner", class_code: str = "") -> User:
    """Sign a new account up in a fresh session; the client is left signed in as it."""
    c.cookies.clear()
    token = form_token(c.get("/signup").text)
    r = c.post(
        "/signup",
        data={
            "username": username,
            "password": PASSWORD,
            "role": role,
            "class_code": class_code,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    me = c.get("/api/me").json()
    return User(username, dict(c.cookies), me["csrf_token"], me["id"])


def as_user(c: TestClient, user: User) -> dict[str, str]:
    """Make `c` act as `user`; returns the headers its state-changing requests need."""
    c.cookies.clear()
    for k, v in user.cookies.items():
        c.cookies.set(k, v)
    return {"X-CSRF-Token": user.csrf}


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"
