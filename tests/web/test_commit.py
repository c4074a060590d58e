"""Writes are committed before the response is sent: a learner's next request reads what the
last one wrote, even when the database is slow to commit, and a failed commit is an error,
never a success. Over real HTTP (uvicorn), where the response leaves as soon as it is ready."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from dltutor.store.db import get_engine
from dltutor.web.app import create_app
from dltutor.web.ui import ui
from tests.web.conftest import PASSWORD, app_settings, form_token, unique
from tests.web.live import LiveServer


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, str]]:
    db = f"sqlite:///{tmp_path}/commit.db"
    with LiveServer(create_app(app_settings(tmp_path, db, None))) as server:
        yield server.url, db


def slow_commits(db: str, seconds: float) -> Any:
    """A slow disk: every commit takes `seconds` more."""

    def slow(_conn: Any) -> None:
        time.sleep(seconds)

    event.listen(get_engine(db), "commit", slow)
    return slow


def test_write_then_read_sees_the_write(live: tuple[str, str]) -> None:
    base, db = live
    hook = slow_commits(db, 0.2)
    try:
        for i in range(10):
            with httpx.Client(base_url=base) as http:
                token = form_token(http.get("/signup").text)
                r = http.post(
                    "/signup",
                    data={"username": unique("u"), "password": PASSWORD, "csrf_token": token},
                )
                assert r.status_code == 303  # to onboarding
                me = http.get("/api/me")
                assert me.status_code == 200, f"try {i}: signed-up learner unknown"
                headers = {"X-CSRF-Token": me.json()["csrf_token"]}
                body = {"name": f"n{i}", "hours_per_week": 3 + i}
                assert http.put("/api/profile", json=body, headers=headers).status_code == 200
                assert http.get("/api/profile").json()["hours_per_week"] == 3 + i
    finally:
        event.remove(get_engine(db), "commit", hook)


def test_a_failed_commit_is_not_reported_as_success(live: tuple[str, str]) -> None:
    base, db = live
    with httpx.Client(base_url=base) as http:
        token = form_token(http.get("/signup").text)
        http.post(
            "/signup", data={"username": unique("u"), "password": PASSWORD, "csrf_token": token}
        )
        headers = {"X-CSRF-Token": http.get("/api/me").json()["csrf_token"]}

        def fail(_conn: Any) -> None:  # what the driver raises when the disk fails
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))

        event.listen(get_engine(db), "commit", fail)
        try:
            r = http.put(
                "/api/profile", json={"name": "lost", "hours_per_week": 9}, headers=headers
            )
        finally:
            event.remove(get_engine(db), "commit", fail)
        assert r.status_code == 503  # "not saved; try again", in the learner's language
        assert r.json()["detail"] in (ui("err.db", "zh"), ui("err.db", "en"))
        assert (http.get("/api/profile").json() or {}).get("name") != "lost"
