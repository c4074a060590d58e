"""The session cookie over HTTP and HTTPS (issue 13, item 3): a class install on plain HTTP
can sign people in (the cookie is not `Secure` there, and it says so loudly at start); over
HTTPS, or behind a configured TLS proxy, the cookie is `Secure`; a client that merely claims
HTTPS in X-Forwarded-Proto is not believed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dltutor.web.app import create_app
from tests.web.conftest import PASSWORD, app_settings, form_token


def class_install(tmp_path: Path, base_url: str, **more: object) -> TestClient:
    settings = app_settings(tmp_path, f"sqlite:///{tmp_path}/t.db", None, host="0.0.0.0", **more)
    return TestClient(create_app(settings), base_url=base_url)


def sign_up(c: TestClient, headers: dict[str, str] | None = None) -> tuple[int, str]:
    token = form_token(c.get("/signup", headers=headers).text)
    r = c.post(
        "/signup",
        data={"username": "li_ming", "password": PASSWORD, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    return r.status_code, r.headers.get("set-cookie", "")


def test_a_class_install_on_plain_http_signs_people_in(tmp_path: Path) -> None:
    with class_install(tmp_path, "http://tutor.lan") as c:
        status, cookie = sign_up(c)
        assert status == 303 and "secure" not in cookie.lower()
        assert c.get("/api/me").status_code == 200


def test_over_https_the_cookie_is_secure(tmp_path: Path) -> None:
    with class_install(tmp_path, "https://tutor.lan") as c:
        status, cookie = sign_up(c)
        assert status == 303 and "secure" in cookie.lower()
        assert c.get("/api/me").status_code == 200


@pytest.mark.parametrize("trusted", [True, False])
def test_x_forwarded_proto_is_believed_from_the_configured_proxy_only(
    tmp_path: Path, trusted: bool
) -> None:
    # TestClient's requests come from the address "testclient"
    proxies = "testclient" if trusted else "10.0.0.1"
    with class_install(tmp_path, "http://tutor.lan", trusted_proxies=proxies) as c:
        c.cookies.clear()
        _, cookie = sign_up(c, headers={"X-Forwarded-Proto": "https"})
        assert ("secure" in cookie.lower()) == trusted


def test_accounts_on_plain_http_are_warned_about_loudly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="dltutor.web"):
        class_install(tmp_path, "http://tutor.lan")
    assert any("plain HTTP" in r.message and "TLS" in r.message for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dltutor.web"):
        class_install(tmp_path, "https://tutor.lan", trusted_proxies="127.0.0.1")
    assert not any("plain HTTP" in r.message for r in caplog.records)
