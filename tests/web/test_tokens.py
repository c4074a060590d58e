"""Personal API tokens: made and revoked on the profile page, accepted as `Bearer` by the API,
scoped to their learner, refused once revoked, stored only as a hash."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from dltutor.store.db import session_scope
from dltutor.store.models import ApiToken
from dltutor.tutor.tokens import token_hash
from tests.web.conftest import as_user, form_token, signup, unique


def make_token(c: TestClient, name: str = "laptop") -> str:
    page = c.get("/onboarding").text
    r = c.post("/profile/tokens", data={"name": name, "csrf_token": form_token(page)})
    assert r.status_code == 200, r.text
    m = re.search(r'<code id="new-token">([^<]+)</code>', r.text)
    assert m, "the new token is shown once on the page"
    return m.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_acts_as_its_learner_only(web: TestClient, db_url: str) -> None:
    alice = signup(web, unique("alice"))
    alice_token = make_token(web)
    bob = signup(web, unique("bob"))
    bob_token = make_token(web)
    web.cookies.clear()  # from here on, the tokens alone

    assert web.get("/api/me", headers=bearer(alice_token)).json()["id"] == alice.id
    assert web.get("/api/me", headers=bearer(bob_token)).json()["id"] == bob.id

    # Bob writes with his token (no cookie, no CSRF token: the header is the credential) ...
    profile = {"name": "Bob", "goals": ["LoRA"], "language": "en"}
    r = web.put("/api/profile", json=profile, headers=bearer(bob_token))
    assert r.status_code == 200, r.text
    r = web.post("/api/exercises/ex.softmax/hints", headers=bearer(bob_token))
    assert r.json()["shown"] == 1
    # ... and Alice's token reads Alice's data, never his.
    assert web.get("/api/profile", headers=bearer(alice_token)).json() is None
    mine = web.get("/api/exercises/ex.softmax", headers=bearer(alice_token)).json()
    assert mine["hints"] == []
    assert web.get("/api/profile", headers=bearer(bob_token)).json()["name"] == "Bob"

    # A token beats a cookie: Bob's browser session with Alice's token is Alice.
    as_user(web, bob)
    assert web.get("/api/me", headers=bearer(alice_token)).json()["id"] == alice.id

    # Only the hash is stored.
    with session_scope(db_url) as db:
        rows = db.scalars(select(ApiToken).where(ApiToken.learner_id == alice.id)).all()
        assert [r.token_hash for r in rows] == [token_hash(alice_token)]
        assert all(alice_token not in (r.token_hash + r.prefix + r.name) for r in rows)
        assert rows[0].last_used_at is not None


def test_revoked_or_wrong_token_is_refused(web: TestClient) -> None:
    signup(web, unique("carol"))
    token = make_token(web)
    page = web.get("/onboarding").text
    token_id = re.search(r'class="token" data-id="(\d+)"', page)
    assert token_id
    # Dave cannot revoke Carol's token by its id.
    dave = signup(web, unique("dave"))
    web.post(f"/profile/tokens/{token_id.group(1)}/revoke", data={"csrf_token": dave.csrf})
    web.cookies.clear()
    assert web.get("/api/me", headers=bearer(token)).status_code == 200

    for bad in (token + "x", "dlt_nonsense", "", "Basic abc"):
        r = web.get("/api/me", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401, bad
        assert r.headers.get("www-authenticate") == "Bearer"


def test_revoke_on_the_profile_page(web: TestClient) -> None:
    signup(web, unique("erin"))
    token = make_token(web)
    page = web.get("/onboarding").text
    token_id = re.search(r'class="token" data-id="(\d+)"', page)
    assert token_id and token not in page  # listed by its prefix, never shown again
    r = web.post(
        f"/profile/tokens/{token_id.group(1)}/revoke",
        data={"csrf_token": form_token(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert 'class="token"' not in web.get("/onboarding").text
    web.cookies.clear()
    r = web.get("/api/me", headers=bearer(token))
    assert r.status_code == 401
    # Nor can it write (and it never falls back to the local learner or a session).
    assert web.post("/api/exercises/ex.softmax/hints", headers=bearer(token)).status_code == 401


def test_a_bogus_bearer_header_does_not_skip_csrf_for_a_cookie(web: TestClient) -> None:
    """A Bearer header skips the CSRF check, so it must also stop the cookie from counting:
    a signed-in browser's request with a made-up token is refused and changes nothing."""
    frank = signup(web, unique("frank"))
    as_user(web, frank)
    r = web.put("/api/profile", json={"name": "Mallory"}, headers=bearer("dlt_made_up"))
    assert r.status_code == 401
    assert web.get("/api/profile").json() is None


def test_at_most_twenty_active_tokens(web: TestClient) -> None:
    from dltutor.tutor.tokens import MAX_ACTIVE

    signup(web, unique("gina"))
    web.get("/lang/en")
    for _ in range(MAX_ACTIVE):
        make_token(web)
    page = web.get("/onboarding").text
    r = web.post("/profile/tokens", data={"name": "one more", "csrf_token": form_token(page)})
    assert r.status_code == 400 and "revoke one you no longer use" in r.text
    assert 'id="new-token"' not in r.text
    assert r.text.count('class="token"') == MAX_ACTIVE
