"""A learner can never read or change another learner's data: every route that takes an id is
tried by learner B (and by a teacher of another class) on learner A's resources, and answers
404 (or 403 where the role is wrong). A guard test fails when a route with an id is added
without being covered here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from dltutor.course.exercises import get_exercise
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.web.app import routers
from tests.web.conftest import User, as_user, events, signup, unique


@dataclass
class World:
    a: User
    b: User
    teacher: User  # A's teacher
    other_teacher: User
    conv: int  # A's plain conversation
    msg: int  # an assistant message in it
    user_msg: int
    teaching: int  # A's teaching conversation
    grade: int
    checkpoint: str


@pytest.fixture(scope="module")
def world(web: TestClient, module_llm: FakeLLMServer) -> World:
    teacher = signup(web, unique("t1"), role="teacher")
    code = web.get("/api/me").json()["class_code"]
    other_teacher = signup(web, unique("t2"), role="teacher")
    a = signup(web, unique("alice"), class_code=code)
    h = as_user(web, a)
    module_llm.enqueue(Script(chunks=["alice's answer"]))
    ev = events(web.post("/api/chat", json={"text": "alice's question"}, headers=h).text)
    conv, msg, user_msg = (
        ev[0][1]["conversation_id"],
        ev[0][1]["assistant_message_id"],
        ev[0][1]["user_message_id"],
    )
    ev = events(web.post("/api/teach", json={"topic": "dl.activation_functions"}, headers=h).text)
    teaching = ev[0][1]["conversation_id"]
    code_ok = get_exercise("ex.sigmoid").reference_source()
    grade = web.post(
        "/api/exercises/ex.sigmoid/submissions", json={"code": code_ok}, headers=h
    ).json()["id"]
    web.post("/api/exercises/ex.sigmoid/hints", headers=h)
    web.put("/api/profile", json={"name": "Alice", "language": "en"}, headers=h)
    plan = web.get("/api/plan").json()
    checkpoint = plan["weeks"][0]["checkpoints"][0]["key"]
    web.post("/api/plan/checkpoints", json={"key": checkpoint, "done": True}, headers=h)
    b = signup(web, unique("bob"))
    return World(a, b, teacher, other_teacher, conv, msg, user_msg, teaching, grade, checkpoint)


Check = Callable[[TestClient, World], None]


def status(expected: int, method: str, url: Callable[[World], str], **kw: object) -> Check:
    def check(c: TestClient, w: World) -> None:
        h = as_user(c, w.b)
        r = c.request(method, url(w), headers=h, **kw)  # type: ignore[arg-type]
        assert r.status_code == expected, (method, url(w), r.status_code, r.text[:200])

    return check


def b_cannot_revoke_a_token(c: TestClient, w: World) -> None:
    """B posting a revoke for A's token id changes nothing: A's token still works."""
    from tests.web.test_tokens import make_token

    as_user(c, w.a)
    token = make_token(c, "isolation")
    token_id = re.findall(r'class="token" data-id="(\d+)"', c.get("/onboarding").text)[-1]
    h = as_user(c, w.b)
    r = c.post(f"/profile/tokens/{token_id}/revoke", data={"csrf_token": h["X-CSRF-Token"]})
    assert r.status_code in (200, 303)
    c.cookies.clear()
    me = c.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["id"] == w.a.id


# Each route with an id, and what learner B gets on learner A's id.
ID_ROUTES: dict[str, list[Check]] = {
    "GET /api/conversations/{conversation_id}/messages": [
        status(404, "GET", lambda w: f"/api/conversations/{w.conv}/messages"),
        status(404, "GET", lambda w: f"/api/conversations/{w.teaching}/messages"),
    ],
    "GET /api/conversations/{conversation_id}/export": [
        status(404, "GET", lambda w: f"/api/conversations/{w.conv}/export"),
        status(404, "GET", lambda w: f"/api/conversations/{w.teaching}/export"),
    ],
    "GET /api/messages/{message_id}": [
        status(404, "GET", lambda w: f"/api/messages/{w.msg}"),
        status(404, "GET", lambda w: f"/api/messages/{w.user_msg}"),
    ],
    "POST /api/messages/{message_id}/regenerate": [
        status(404, "POST", lambda w: f"/api/messages/{w.msg}/regenerate"),
    ],
    "POST /api/messages/{message_id}/verify": [
        status(404, "POST", lambda w: f"/api/messages/{w.msg}/verify"),
    ],
    "GET /api/grades/{grade_id}": [status(404, "GET", lambda w: f"/api/grades/{w.grade}")],
    "GET /api/class/learners/{learner_id}": [
        status(403, "GET", lambda w: f"/api/class/learners/{w.a.id}"),
    ],
    "GET /class/{learner_id}": [status(403, "GET", lambda w: f"/class/{w.a.id}")],
    "POST /profile/tokens/{token_id}/revoke": [b_cannot_revoke_a_token],
}


def id_routes(c: TestClient) -> set[str]:
    out = set()
    for r in (route for router in routers() for route in router.routes):
        if isinstance(r, APIRoute) and re.search(r"\{\w*_id\}", r.path):
            if r.path.startswith(("/course/", "/exercises/", "/api/exercises/", "/api/topics/")):
                continue  # course content: the same for everyone (per-learner parts tested below)
            if r.path.startswith("/api/reviews/"):
                continue  # a topic id: answers land in the caller's own record
            for m in (r.methods or set()) - {"HEAD"}:
                out.add(f"{m} {r.path}")
    return out


def test_every_route_with_an_id_is_covered(web: TestClient) -> None:
    assert id_routes(web) == set(ID_ROUTES)


@pytest.mark.parametrize("route", sorted(ID_ROUTES))
def test_learner_b_cannot_reach_learner_a(web: TestClient, world: World, route: str) -> None:
    for check in ID_ROUTES[route]:
        check(web, world)


def test_learner_b_cannot_write_into_a_conversation_of_a(web: TestClient, world: World) -> None:
    h = as_user(web, world.b)
    for conv in (world.conv, world.teaching):
        r = web.post("/api/chat", json={"text": "x", "conversation_id": conv}, headers=h)
        assert r.status_code == 404
    as_user(web, world.a)
    msgs = web.get(f"/api/conversations/{world.conv}/messages").json()
    assert all(m["content"] != "x" for m in msgs)  # nothing was added to A's conversation


def test_learner_b_cannot_run_the_code_of_a_message_of_a(web: TestClient, world: World) -> None:
    h = as_user(web, world.b)
    r = web.post("/api/code/run", json={"message_id": world.msg, "index": 0}, headers=h)
    assert r.status_code == 404


def test_learner_b_sees_only_their_own_lists(web: TestClient, world: World) -> None:
    h = as_user(web, world.b)
    assert web.get("/api/conversations").json() == []
    ex = web.get("/api/exercises/ex.sigmoid").json()
    assert ex["submissions"] == [] and ex["hints"] == []
    assert all(e["attempts"] == 0 for e in web.get("/api/exercises").json())
    assert web.get("/api/profile").json() is None
    assert web.get("/api/plan").status_code == 404  # A's plan is not B's
    assert web.get("/api/diagnosis").json()["status"] == "not_started"
    p = web.get("/api/progress").json()
    assert p["exercises_passed"] == 0 and p["events_7d"] == 0
    # B's plan does not carry A's ticks
    web.put("/api/profile", json={"name": "Bob", "language": "en"}, headers=h)
    plan = web.get("/api/plan").json()
    assert plan["ticked"] == 0
    assert all(not c["done"] for w in plan["weeks"] for c in w["checkpoints"])


def test_a_learner_is_refused_the_class_pages(web: TestClient, world: World) -> None:
    as_user(web, world.b)
    assert web.get("/api/class").status_code == 403
    assert web.get("/class").status_code == 403
    as_user(web, world.a)  # even a learner of the class
    assert web.get("/api/class").status_code == 403
    assert web.get(f"/class/{world.a.id}").status_code == 403


def test_a_teacher_sees_their_class_and_nobody_else(web: TestClient, world: World) -> None:
    as_user(web, world.teacher)
    cls = web.get("/api/class").json()
    assert [m["id"] for m in cls["learners"]] == [world.a.id]
    assert cls["learners"][0]["progress"]["exercises_passed"] == 1
    assert web.get(f"/api/class/learners/{world.a.id}").status_code == 200
    page = web.get("/class")
    assert page.status_code == 200 and world.a.username in page.text and "<svg" in page.text
    assert web.get(f"/class/{world.a.id}").status_code == 200
    for other in (world.b.id, world.other_teacher.id, world.teacher.id):
        assert web.get(f"/api/class/learners/{other}").status_code == 404
        assert web.get(f"/class/{other}").status_code == 404
    # the other teacher sees none of A
    as_user(web, world.other_teacher)
    assert web.get("/api/class").json()["learners"] == []
    assert web.get(f"/api/class/learners/{world.a.id}").status_code == 404
    assert web.get(f"/class/{world.a.id}").status_code == 404
    # and a teacher has no back door into a learner's conversations or grades
    assert web.get(f"/api/conversations/{world.conv}/messages").status_code == 404
    assert web.get(f"/api/grades/{world.grade}").status_code == 404


def test_class_codes_cannot_be_chosen_or_guessed(web: TestClient, world: World) -> None:
    as_user(web, world.teacher)
    code = web.get("/api/me").json()["class_code"]
    # a new teacher asking for an existing class's code gets a fresh one
    copycat = signup(web, unique("copycat"), role="teacher", class_code=code)
    as_user(web, copycat)
    assert web.get("/api/me").json()["class_code"] not in (code, None)
    assert web.get("/api/class").json()["learners"] == []
    # a learner with a code no teacher has is refused, not put in a class of nobody
    web.cookies.clear()
    page = web.get("/signup").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = web.post(
        "/signup",
        data={
            "username": unique("lost"),
            "password": "correct horse battery",
            "class_code": "nosuchcode",
            "csrf_token": token,
        },
    )
    assert r.status_code == 400 and ("班级码" in r.text or "class has that code" in r.text)


def test_a_session_cookie_from_nowhere_is_not_a_learner(web: TestClient) -> None:
    web.cookies.clear()
    web.cookies.set("dltutor_session", "forged")
    assert web.get("/api/me").status_code == 401
    assert web.get("/progress", follow_redirects=False).headers["location"] == "/signin"
