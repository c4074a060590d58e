"""Shared fixtures: every test gets its own DLTUTOR_HOME, so no test touches the user's data.

The whole run also gets a private HOME (and XDG and matplotlib folders): session-scoped fixtures
(a search index built once, say) are set up before any per-test fixture, and they, Chromium and
matplotlib would otherwise read and write the user's own ~/.dltutor, ~/.config and ~/.cache,
so a test could pass only because of what an earlier run left there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dltutor.config import reset_settings

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from dltutor.course import Course
    from dltutor.course.search import SearchIndex
    from dltutor.grader import GradeResult


@pytest.fixture(scope="session", autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("user")
    mp = pytest.MonkeyPatch()
    for var, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_CACHE_HOME", "home/.cache"),
        ("MPLCONFIGDIR", "home/.config/matplotlib"),
        ("DLTUTOR_HOME", "home/.dltutor"),
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
        mp.setenv(var, str(root / sub))
    reset_settings()
    yield root
    mp.undo()
    reset_settings()


@pytest.fixture(scope="session")
def course() -> Course:
    """The shipped course, loaded once."""
    from dltutor.course import Course

    return Course.load()


@pytest.fixture(scope="session")
def index(course: Course) -> SearchIndex:
    """The shipped course's index, built by this code (never loaded from a cache), from the
    vectors shipped with the course (`dltutor course embed`; course check says when they are
    stale): embedding all of the course's search texts would cost a couple of CPU-minutes."""
    from dltutor.course.search import SHIPPED_VECTORS, SearchIndex
    from dltutor.course.search_dense import load_known

    return SearchIndex.build(course, known=load_known([course.root / SHIPPED_VECTORS]))


@pytest.fixture(autouse=True)
def dltutor_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "dltutor-home"
    home.mkdir()
    monkeypatch.setenv("DLTUTOR_HOME", str(home))
    for var in (
        "DLTUTOR_DATABASE_URL",
        "DLTUTOR_BACKEND",
        "DLTUTOR_BASE_URL",
        "DLTUTOR_MODEL",
        "DLTUTOR_API_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    reset_settings()
    yield home
    reset_settings()


# ---- helpers shared across the test tree --------------------------------------------------------
# Plain functions (imported as `from tests.conftest import ...`) and one fixture factory, kept
# here so that the web, verify, store and grader tests do not each carry their own copy.

PG = os.environ.get("DLTUTOR_TEST_POSTGRES_URL")


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `folder`, or a new PostgreSQL database on
    the test server (dropped afterwards; the test skips when there is no server)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/test.db"
        return
    if not PG:
        pytest.skip(
            "no PostgreSQL server (DLTUTOR_TEST_POSTGRES_URL unset); `make test` starts one"
        )
    from sqlalchemy import create_engine, text

    from dltutor.store.db import get_engine

    name = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    url = PG.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def use_backend(monkeypatch: pytest.MonkeyPatch, base_url: str, backend: str = "vllm") -> None:
    """Point the configured backend (what the CLI reads) at `base_url`."""
    monkeypatch.setenv("DLTUTOR_BACKEND", backend)
    monkeypatch.setenv("DLTUTOR_BASE_URL", base_url)
    reset_settings()


def csrf(c: TestClient) -> str:
    """The signed-in learner's CSRF token."""
    return str(c.get("/api/me").json()["csrf_token"])


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """A server-sent-events body as (event, data) pairs."""
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def answer_text(evs: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(d["text"] for k, d in evs if k == "answer")


def expected_failures(path: Path) -> list[str]:
    """The tests a wrong solution must fail, from its first line (`# expect-fail: a, b`)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.match(r"#\s*expect-fail:\s*(.+)", first)
    return [n.strip() for n in m.group(1).split(",")] if m else []


def assert_wrong_solutions_fail(wrong: list[Path], results: list[GradeResult]) -> None:
    """Each wrong solution fails, on the tests its first line names, each with a message."""
    for path, res in zip(wrong, results, strict=True):
        assert not res.passed, f"{path.name} passed"
        failed = {t.name for t in res.failed_tests}
        for name in expected_failures(path):
            assert name in failed, f"{path.name}: test {name} should catch it; failed: {failed}"
        for t in res.failed_tests:
            assert t.message, f"{path.name}: {t.name} failed without a message"
