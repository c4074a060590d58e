"""Exercises in the browser's API: statement and starter, hints one rung at a time, submissions
graded in the sandbox with per-test results, stored, and moving mastery."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dltutor.course.exercises import get_exercise
from tests.web.conftest import as_user, signup, unique

EX = "ex.sigmoid"


def test_exercise_list_and_page(web: TestClient) -> None:
    signup(web, unique("exl"))
    listing = web.get("/api/exercises").json()
    assert any(e["id"] == EX and e["attempts"] == 0 for e in listing)
    page = web.get("/exercises")
    assert page.status_code == 200 and f'href="/exercises/{EX}"' in page.text
    one = web.get(f"/exercises/{EX}")
    starter = get_exercise(EX).starter()
    assert one.status_code == 200 and 'id="code"' in one.text and "exercise.js" in one.text
    assert "NotImplementedError" in one.text and "<math" in one.text  # starter; rendered maths
    data = web.get(f"/api/exercises/{EX}").json()
    assert data["starter"] == starter and data["hints"] == [] and data["hints_total"] >= 3
    assert web.get("/exercises/ex.no_such_thing").status_code == 404
    assert web.get("/api/exercises/ex.no_such_thing").status_code == 404


def test_projects_are_listed_and_open(web: TestClient) -> None:
    signup(web, unique("proj"))
    kinds = {e["id"]: e["kind"] for e in web.get("/api/exercises").json()}
    assert kinds[EX] == "function"
    projects = sorted(i for i, k in kinds.items() if k == "project")
    assert projects == ["proj.cifar10_cnn", "proj.mnist_mlp", "proj.sentiment_rnn"]
    page = web.get("/exercises")
    assert 'href="/exercises/proj.mnist_mlp"' in page.text and 'class="badge"' in page.text
    one = web.get("/exercises/proj.mnist_mlp")
    assert one.status_code == 200 and 'id="code"' in one.text
    assert web.get("/api/exercises/proj.mnist_mlp").json()["starter"]


def test_hints_come_one_rung_at_a_time_then_a_worked_example(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("hint")))
    ex = get_exercise(EX)
    total = len(ex.hints) + 1  # the hints, then the worked example
    for n in range(1, total + 2):
        r = web.post(f"/api/exercises/{EX}/hints", headers=h).json()
        assert r["shown"] == min(n, total) == len(r["hints"]) and r["total"] == total
    shown = web.get(f"/api/exercises/{EX}").json()["hints"]
    assert len(shown) == total
    assert any(ex.example[lang].strip()[:20] in shown[-1] for lang in ("zh", "en"))
    assert ex.reference_source() not in "".join(shown)  # the solution is never a rung
    assert web.get(f"/exercises/{EX}").text.count("<li><p>") >= total


def test_submissions_are_graded_stored_and_move_mastery(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("sub")))
    wrong = web.post(
        f"/api/exercises/{EX}/submissions",
        json={"code": "import numpy as np\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"},
        headers=h,
    )
    assert wrong.status_code == 200
    w = wrong.json()
    assert w["passed"] is False and w["tests"] and any(not t["passed"] for t in w["tests"])
    assert all(t["message"] for t in w["tests"] if not t["passed"])
    broken = web.post(
        f"/api/exercises/{EX}/submissions", json={"code": "def sigmoid(x:\n"}, headers=h
    ).json()
    assert broken["passed"] is False and "SyntaxError" in (broken["error"] or "")
    ref = get_exercise(EX).reference_source()
    ok = web.post(f"/api/exercises/{EX}/submissions", json={"code": ref}, headers=h).json()
    assert ok["passed"] is True and all(t["passed"] for t in ok["tests"])
    stored = web.get(f"/api/grades/{ok['id']}").json()
    assert stored["code"] == ref and stored["passed"]
    data = web.get(f"/api/exercises/{EX}").json()
    assert [s["passed"] for s in data["submissions"]] == [False, False, True]
    brief = next(e for e in web.get("/api/exercises").json() if e["id"] == EX)
    assert brief["passed"] and brief["attempts"] == 3
    # the editor reopens with the latest submission
    assert (
        "np.where" in web.get(f"/exercises/{EX}").text
        or ref.splitlines()[0] in web.get(f"/exercises/{EX}").text
    )
    progress = web.get("/api/progress").json()
    assert progress["exercises_passed"] == 1 and progress["exercises_tried"] == 1
    assert (
        web.post(
            "/api/exercises/ex.nope/submissions", json={"code": "x = 1"}, headers=h
        ).status_code
        == 404
    )
