"""Signing out ends the session on the server (issue 13, item 6): a copy of the cookie taken
before `POST /signout` signs nobody in afterwards; "sign out everywhere" ends every session of
the learner, on every device, and no one else's."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, as_user, form_token, signup, unique


def sign_in(c: TestClient, username: str) -> dict[str, str]:
    """A second device: a fresh sign-in; returns its cookies."""
    c.cookies.clear()
    token = form_token(c.get("/signin").text)
    r = c.post(
        "/signin",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return dict(c.cookies)


def test_a_cookie_copied_before_sign_out_no_longer_works(web: TestClient) -> None:
    user = signup(web, unique("out"))
    h = as_user(web, user)
    assert web.get("/api/me").status_code == 200
    r = web.post("/signout", data={"csrf_token": user.csrf}, follow_redirects=False)
    assert r.status_code == 303
    as_user(web, user)  # the copy, taken before
    assert web.get("/api/me").status_code == 401
    assert web.put("/api/profile", json={"name": "x"}, headers=h).status_code == 401
    assert web.get("/plan", follow_redirects=False).headers["location"] == "/signin"


def test_sign_out_everywhere_ends_every_session_of_the_learner_only(web: TestClient) -> None:
    name = unique("every")
    user = signup(web, name)
    laptop = user.cookies
    phone = sign_in(web, name)
    other = signup(web, unique("other"))
    for jar in (laptop, phone):
        web.cookies.clear()
        web.cookies.update(jar)
        assert web.get("/api/me").json()["username"] == name
    page = web.get("/").text
    assert 'action="/signout/everywhere"' in page
    web.post("/signout/everywhere", data={"csrf_token": form_token(page)})
    for jar in (laptop, phone):
        web.cookies.clear()
        web.cookies.update(jar)
        assert web.get("/api/me").status_code == 401
    as_user(web, other)
    assert web.get("/api/me").status_code == 200
