"""Throttling (issue 13, item 5): wrong passwords lock the account after a few tries (the
right one too, until the window passes, and without checking it); a client address that tries
too much waits; at most two password hashes run at once; class codes are long. The limits live
in memory here (`memory://`); with DLTUTOR_REDIS_URL they would live in Redis."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dltutor.config import Settings
from dltutor.tutor import accounts
from dltutor.web.app import create_app
from dltutor.web.throttle import storage_uri
from tests.web.conftest import PASSWORD, app_settings, form_token, signup, unique


@pytest.fixture
def c(tmp_path: Path) -> Iterator[TestClient]:
    settings = app_settings(
        tmp_path, f"sqlite:///{tmp_path}/t.db", None, signup_limit_address="8/minute"
    )
    with TestClient(create_app(settings)) as client:
        yield client


def sign_in(c: TestClient, username: str, password: str) -> tuple[int, str, str | None]:
    token = form_token(c.get("/signin").text)
    r = c.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return r.status_code, r.text, r.headers.get("retry-after")


def test_wrong_passwords_lock_the_account_and_the_right_one_waits_too(c: TestClient) -> None:
    name = unique("victim")
    signup(c, name)
    c.cookies.clear()
    checks_before = accounts.hashing_checks
    codes = [sign_in(c, name, f"wrong {i}")[0] for i in range(30)]
    assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}
    # the locked-out attempts were refused before any password check (argon2, 64 MiB each)
    assert accounts.hashing_checks - checks_before == 5
    status, page, retry = sign_in(c, name, PASSWORD)
    assert status == 429 and retry is not None and 1 <= int(retry) <= 60
    assert f"{int(retry)}" in page  # "try again in N seconds", in the page's language
    # another account is not affected
    other = unique("other")
    signup(c, other)
    c.cookies.clear()
    assert sign_in(c, other, PASSWORD)[0] == 303


def test_a_client_address_that_signs_up_too_much_waits(c: TestClient) -> None:
    codes = []
    for _ in range(10):
        c.cookies.clear()
        token = form_token(c.get("/signup").text)
        r = c.post(
            "/signup",
            data={"username": unique("bulk"), "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        codes.append(r.status_code)
    assert codes[:8] == [303] * 8 and codes[8:] == [429, 429]


def test_at_most_two_password_hashes_run_at_once(c: TestClient) -> None:
    name = unique("busy")
    signup(c, name)
    accounts.hashing_peak = 0
    results: list[int] = []
    ready = threading.Barrier(6)

    def attempt() -> None:
        other = TestClient(c.app)  # the app is running (c's lifespan): a second browser
        token = form_token(other.get("/signin").text)
        ready.wait()  # all six at the same moment
        r = other.post(
            "/signin",
            data={"username": name, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [303] * 6
    assert accounts.hashing_peak == accounts.HASHING_AT_ONCE == 2


def test_class_codes_are_long(c: TestClient) -> None:
    signup(c, unique("teacher"), role="teacher")
    code = c.get("/api/me").json()["class_code"]
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code)
    learner = signup(c, unique("pupil"), class_code=code.upper())  # typed in capitals
    assert learner.id


def test_the_limits_live_in_redis_when_configured() -> None:
    assert storage_uri(Settings()) == "memory://"
    assert storage_uri(Settings(redis_url="redis://cache:6379/0")) == "redis://cache:6379/0"
