"""CSRF: every state-changing route refuses a request without the session's token, or with
another session's token. The routes are read from the app, so a new one is covered at once."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from dltutor.web.app import routers
from tests.web.conftest import as_user, signup, unique

PARAMS = {
    "conversation_id": "1",
    "message_id": "1",
    "grade_id": "1",
    "learner_id": "1",
    "topic_id": "dl.activation_functions",
    "exercise_id": "ex.sigmoid",
    "token_id": "1",
}
BODIES = {
    "/api/chat": {"text": "hi"},
    "/api/teach": {"topic": "dl.activation_functions"},
    "/api/profile": {"name": "x"},
    "/api/diagnosis/answer": {"item_id": "a.b/c", "response": 0},
    "/api/diagnosis/open": {"answer": "x"},
    "/api/plan/checkpoints": {"key": "dl.activation_functions#0", "done": True},
    "/api/quiz/answer": {"item_id": "dl.activation_functions/q1", "response": "a"},
    "/api/reviews/{topic_id}/answer": {"answer": "x"},
    "/api/exercises/{exercise_id}/submissions": {"code": "x = 1"},
    "/api/code/run": {"message_id": 1, "index": 0},
}
FORMS = {
    "/signin": {"username": "someone", "password": "whatever1"},
    "/signup": {"username": "someone_new", "password": "whatever12"},
    "/onboarding": {"name": "x"},
    "/diagnosis/answer": {"item_id": "a.b/c", "response": "0"},
    "/diagnosis/open": {"answer": "x"},
    "/profile/tokens": {"name": "x"},
}


def state_changing(c: TestClient) -> list[tuple[str, str]]:
    out = []
    for r in (route for router in routers() for route in router.routes):
        if isinstance(r, APIRoute):
            for m in sorted((r.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
                out.append((m, r.path))
    return sorted(out)


def fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def test_the_app_has_the_expected_state_changing_routes(web: TestClient) -> None:
    routes = state_changing(web)
    assert (
        len(routes) >= 18 and ("POST", "/api/chat") in routes and ("PUT", "/api/profile") in routes
    )


def test_every_state_changing_route_needs_the_token(web: TestClient) -> None:
    user = signup(web, unique("csrf"))
    other = signup(web, unique("csrf2"))
    failures = []
    for method, path in state_changing(web):
        url = fill(path)
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": other.csrf}):
            as_user(web, user)
            if path in FORMS or not path.startswith("/api/"):
                data = dict(FORMS.get(path, {}))
                if "X-CSRF-Token" in headers:
                    data["csrf_token"] = headers["X-CSRF-Token"]
                r = web.request(method, url, data=data, follow_redirects=False)
            else:
                r = web.request(method, url, json=BODIES.get(path), headers=headers)
            if r.status_code != 403:
                failures.append((method, path, headers, r.status_code))
    assert failures == []
    # nothing happened: no profile was saved, no chat started
    as_user(web, user)
    assert web.get("/api/profile").json() is None and web.get("/api/conversations").json() == []


@pytest.mark.parametrize("path", ["/signin", "/signup"])
def test_forms_without_a_token_are_refused(web: TestClient, path: str) -> None:
    web.cookies.clear()
    r = web.post(path, data={"username": "abc", "password": "whatever12"})
    assert r.status_code == 403
