"""Web fixtures: the app on a fake LLM server, on SQLite and (when a server is given)
PostgreSQL; a learner's session as a cookie jar; SSE parsing; a live server for the browser."""

from __future__ import annotations

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
from tests.conftest import DATABASES, answer_text, csrf, fresh_database
from tests.conftest import sse_events as events

__all__ = ["answer_text", "csrf", "events"]  # the web tests import them from here too

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


# ---- one app per test module, on each database ---------------------------------------------------


@pytest.fixture(scope="module")
def module_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


@pytest.fixture(scope="module", params=DATABASES)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database per test module: SQLite, and PostgreSQL when a server is given."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


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
