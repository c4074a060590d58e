"""What an attack on the web app found (issue 13), each closed: an open redirect, 500s on bad
JSON, echoed inputs, oversized bodies, missing security headers, out-of-range quiz answers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import csrf


@pytest.mark.parametrize(
    "referer",
    [
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example/x",
        "http://testserver/\\/evil.example/x",
        "http://evil.example/x",
        "https://testserver/course",  # another scheme is another origin
        "//evil.example/x",
        "javascript:alert(1)",
    ],
)
def test_the_language_switch_never_redirects_off_site(client: TestClient, referer: str) -> None:
    r = client.get("/lang/en", headers={"Referer": referer}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_the_language_switch_returns_to_the_page_on_this_site(client: TestClient) -> None:
    r = client.get(
        "/lang/en", headers={"Referer": "http://testserver/course?x=1"}, follow_redirects=False
    )
    assert r.headers["location"] == "/course?x=1"
