"""Onboarding, diagnosis, plan, quizzes, reviews and the dashboard, through the JSON API and the
pages, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from dltutor.tutor.practice import find_item
from dltutor.web.deps import shipped_course
from tests.web.conftest import as_user, form_token, signup, unique


def test_onboarding_form_saves_the_profile_and_leads_to_the_diagnosis(web: TestClient) -> None:
    signup(web, unique("onb"))
    page = web.get("/onboarding")
    assert page.status_code == 200 and 'name="hours_per_week"' in page.text
    r = web.post(
        "/onboarding",
        data={
            "csrf_token": form_token(page.text),
            "name": "小李",
            "background": "三年 Python Web 开发",
            "goals": "大模型，LoRA",
            "level": "beginner",
            "hours_per_week": "6",
            "has_gpu": "1",
            "framework": "pytorch",
            "language": "en",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/diagnosis"
    profile = web.get("/api/profile").json()
    assert profile["goals"] == ["大模型", "LoRA"] and profile["has_gpu"] is True
    assert profile["hours_per_week"] == 6 and profile["language"] == "en"
    assert web.get("/api/me").json()["lang"] == "en"
    assert "Your profile" in web.get("/onboarding").text  # the UI follows the chosen language
    # an invalid form is shown again with an error, not saved
    bad = web.post(
        "/onboarding",
        data={"csrf_token": form_token(page.text), "hours_per_week": "-3", "language": "en"},
    )
    assert bad.status_code == 400 and web.get("/api/profile").json()["hours_per_week"] == 6


def test_diagnosis_plan_checkpoints_and_markdown(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("diag")))
    assert web.get("/api/plan").status_code == 404  # no profile, no plan
    assert web.get("/plan", follow_redirects=False).headers["location"] == "/onboarding"
    profile = {"name": "Ana", "goals": ["backpropagation"], "hours_per_week": 4, "language": "en"}
    assert web.put("/api/profile", json=profile, headers=h).status_code == 200
    assert web.get("/api/diagnosis").json()["status"] == "not_started"
    d = web.post("/api/diagnosis/start", headers=h).json()
    assert d["status"] == "in_progress" and d["item"]["question"]
    # answering an item that is not the one being asked is refused
    r = web.post(
        "/api/diagnosis/answer",
        json={"item_id": "math.vectors_dot_product/nope", "response": 0},
        headers=h,
    )
    assert r.status_code == 409
    asked = []
    while d["status"] == "in_progress":
        item = d["item"]
        asked.append(item["id"])
        stage0 = item["topic"].startswith(("math.", "python.", "compute."))
        d = web.post(
            "/api/diagnosis/answer",
            json={"item_id": item["id"], "response": right_answer(item) if stage0 else "dontknow"},
            headers=h,
        ).json()
        assert len(asked) <= 15
    assert len(set(asked)) == len(asked) == d["answered"]
    assert d["status"] == "done" and len(d["stages"]) == 8
    assert d["open_question"].startswith("In your own words") and d["model_available"]
    # the mastery of the answers went into the record: stage 0 above the later stages
    stages = {s["stage"]: s["mean"] for s in web.get("/api/progress").json()["stages"]}
    assert stages[0] > stages[5]
    # same again after a reload: the result, not a new item
    assert web.get("/api/diagnosis").json()["status"] == "done"
    page = web.get("/diagnosis")
    assert page.status_code == 200 and "<svg" in page.text and 'id="open-form"' in page.text

    plan = web.get("/api/plan").json()
    assert plan["weeks"] and plan["total"] > 0 and plan["ticked"] == 0
    first = plan["weeks"][0]["checkpoints"][0]
    r = web.post("/api/plan/checkpoints", json={"key": first["key"], "done": True}, headers=h)
    assert r.json() == {"ticked": 1, "total": plan["total"]}
    again = web.get("/api/plan").json()
    assert again["weeks"][0]["checkpoints"][0]["done"] is True and again["ticked"] == 1
    md = web.get("/api/plan.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert f"- [x] {first['text']}" in md.text and "- [ ] " in md.text
    page = web.get("/plan")
    assert page.status_code == 200 and 'class="checkpoint"' in page.text and "checked" in page.text
    assert 'href="/course/' in page.text
    # unticking is saved too; an unknown checkpoint is a 404
    web.post("/api/plan/checkpoints", json={"key": first["key"], "done": False}, headers=h)
    assert web.get("/api/plan").json()["ticked"] == 0
    r = web.post("/api/plan/checkpoints", json={"key": "no.such_topic#0", "done": True}, headers=h)
    assert r.status_code == 404


def right_answer(item: dict[str, object]) -> str:
    """The right response to an item as the API shows it, from the course data."""
    from dltutor.tutor.practice import find_item
    from dltutor.web.deps import shipped_course

    q = find_item(shipped_course(), str(item["id"]))
    return q.key if q.key is not None else q.answer_text("en")


def test_diagnosis_pages_walk_one_item_per_page(web: TestClient) -> None:
    signup(web, unique("pages"))
    intro = web.get("/diagnosis").text
    assert 'id="diagnosis-start"' in intro
    r = web.post("/diagnosis/start", data={"csrf_token": form_token(intro)}, follow_redirects=False)
    assert r.status_code == 303
    for _ in range(16):
        page = web.get("/diagnosis").text
        if 'data-state="result"' in page:
            break
        item = page.split('name="item_id" value="')[1].split('"')[0]
        web.post(
            "/diagnosis/answer",
            data={"csrf_token": form_token(page), "item_id": item, "response": "0"},
        )
        # a second post of the same form (a double click) changes nothing
        again = web.post(
            "/diagnosis/answer",
            data={"csrf_token": form_token(page), "item_id": item, "response": "0"},
        )
        assert again.status_code == 200
    page = web.get("/diagnosis").text
    assert 'data-state="result"' in page and "<svg" in page
    assert 1 <= web.get("/api/diagnosis").json()["answered"] <= 15


def test_open_question_is_judged_by_the_model(web: TestClient, module_llm: object) -> None:
    from dltutor.llm.fake import FakeLLMServer, Script

    assert isinstance(module_llm, FakeLLMServer)
    h = as_user(web, signup(web, unique("open")))
    d = web.post("/api/diagnosis/start", headers=h).json()
    while d["status"] == "in_progress":
        d = web.post(
            "/api/diagnosis/answer",
            json={"item_id": d["item"]["id"], "response": "dontknow"},
            headers=h,
        ).json()
    module_llm.enqueue(Script(chunks=['{"score": 0.8, "feedback": "讲到了多层网络和特征学习。"}']))
    r = web.post(
        "/api/diagnosis/open",
        json={"answer": "用多层神经网络从数据里自动学习特征的机器学习方法。"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["score"] == 0.8 and r.json()["method"] == "llm"
    page = web.get("/diagnosis").text
    assert 'id="open-result"' in page and "讲到了多层网络和特征学习。" in page


def test_quiz_answers_move_mastery_and_schedule_reviews(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("quiz")))
    topic = "dl.activation_functions"
    lesson = web.get(f"/course/{topic}")
    assert lesson.status_code == 200 and 'class="quiz-item"' in lesson.text
    assert 'id="learn-with-tutor"' in lesson.text and "<math" in lesson.text
    items = web.get(f"/api/topics/{topic}/quiz").json()
    assert items and all("answer" not in i for i in items)
    mcq = next(i for i in items if i["type"] == "mcq")
    # an option that does not exist is no answer (422), not a wrong one
    for bad in (-1, 10**30, len(mcq["options"]), 99, "zz"):
        r = web.post("/api/quiz/answer", json={"item_id": mcq["id"], "response": bad}, headers=h)
        assert r.status_code == 422, bad
    key = find_item(shipped_course(), mcq["id"]).key
    wrong_id = next(o["id"] for o in mcq["options"] if o["id"] != key)
    wrong = web.post(
        "/api/quiz/answer", json={"item_id": mcq["id"], "response": wrong_id}, headers=h
    ).json()
    assert wrong["correct"] is False and wrong["answer"] and wrong["mastery"] < 0.2
    # the right option, found by trying each (the API never tells it in advance)
    for option in mcq["options"]:
        right = web.post(
            "/api/quiz/answer", json={"item_id": mcq["id"], "response": option["id"]}, headers=h
        ).json()
        if right["correct"]:
            break
    assert right["correct"] and right["mastery"] > wrong["mastery"]
    assert (
        web.post(
            "/api/quiz/answer",
            json={"item_id": "dl.activation_functions/zz", "response": 0},
            headers=h,
        ).status_code
        == 404
    )
    # the topic has a review card now; nothing is due yet
    assert web.get("/api/reviews").json() == []
    assert "reviews" in web.get("/reviews").text


def make_due(url: str, learner_id: int, topics: list[str]) -> None:
    """Give the learner review cards for `topics` that fell due long ago."""
    from dltutor.learning import reviews
    from dltutor.store.db import session_scope
    from dltutor.tutor import record

    with session_scope(url) as db:
        rec = record.load_record(db, learner_id)
        past = datetime.now(UTC) - timedelta(days=60)
        for topic in topics:
            rec.cards[topic] = reviews.new_card(topic)
            reviews.review(rec.cards, topic, reviews.Rating.Good, past)
        record.save_record(db, rec, set(topics))


def _first_option(item: dict[str, Any]) -> str | int:
    """An answer to a quiz item: its first option's id (or, for a short answer, a word)."""
    return item["options"][0]["id"] if item.get("options") else "0"


def test_due_reviews_take_turns_between_quiz_items_and_check_questions(web: TestClient) -> None:
    from dltutor.store import repo
    from dltutor.store.db import session_scope
    from dltutor.web.deps import shipped_course

    user = signup(web, unique("rev"))
    h = as_user(web, user)
    topic = "dl.activation_functions"
    n_items = len(shipped_course()[topic].quiz)
    url = web.app.state.settings.db_url()  # type: ignore[attr-defined]
    seen_kinds = set()
    for turn in range(n_items + 1):  # every quiz item once, then a check question
        make_due(url, user.id, [topic])
        due = web.get("/api/reviews").json()
        assert [d["topic"] for d in due] == [topic]
        card = due[0]
        page = web.get("/reviews").text
        if card["item"] is not None:
            seen_kinds.add("item")
            assert 'class="quiz-item"' in page and turn < n_items
            r = web.post(
                "/api/quiz/answer",
                json={"item_id": card["item"]["id"], "response": _first_option(card["item"])},
                headers=h,
            )
        else:
            seen_kinds.add("check")
            assert 'class="check-question"' in page and turn == n_items and card["question"]
            r = web.post(
                f"/api/reviews/{topic}/answer",
                json={"answer": "I don't know", "index": card["index"]},
                headers=h,
            )
            assert 0 <= r.json()["score"] <= 1
        assert r.status_code == 200
        assert web.get("/api/reviews").json() == []  # answered: rescheduled into the future
    assert seen_kinds == {"item", "check"}
    with session_scope(url) as db:
        kinds = [e.kind for e in repo.list_events(db, learner_id=user.id)]
    assert kinds.count("quiz") == n_items and kinds.count("judged") == 1


def test_dashboard_charts_mastery_and_activity(web: TestClient) -> None:
    h = as_user(web, signup(web, unique("dash")))
    web.post(
        "/api/quiz/answer",
        json={"item_id": "dl.activation_functions/q1", "response": "a"},
        headers=h,
    )
    data = web.get("/api/progress").json()
    assert len(data["stages"]) == 8 and len(data["activity"]) == 28
    assert data["activity"][-1]["events"] >= 1 and data["events_7d"] >= 1
    page = web.get("/progress").text
    assert page.count("<svg") == 2 and 'id="stage-chart"' in page and 'id="activity-chart"' in page


def test_lesson_page_checks_the_prerequisites_not_yet_shown(web: TestClient) -> None:
    from dltutor.store.db import session_scope
    from dltutor.tutor import record
    from dltutor.web.deps import shipped_course

    user = signup(web, unique("pre"))
    course = shipped_course()
    topic = "dl.backpropagation"
    requires = course[topic].requires
    assert len(requires) >= 2
    page = web.get(f"/course/{topic}").text
    assert 'id="prereq-check"' in page
    assert page.count('class="prereq-item"') == len(requires)
    for r in requires:
        assert f'data-prereq="{r}"' in page and f'href="/course/{r}"' in page
    # the items are quiz items of the prerequisites, answered like any quiz item
    check = page.split('id="prereq-check"')[1].split('id="lesson"')[0]
    assert check.count('class="quiz-item"') == len(requires)
    # shown now: the first prerequisite is mastered, so it is no longer checked
    url = web.app.state.settings.db_url()  # type: ignore[attr-defined]
    with session_scope(url) as db:
        rec = record.load_record(db, user.id)
        rec.mastery.p[requires[0]] = 0.95
        record.save_record(db, rec, {requires[0]})
    page = web.get(f"/course/{topic}").text
    assert f'data-prereq="{requires[0]}"' not in page
    assert page.count('class="prereq-item"') == len(requires) - 1
    # bilingual
    web.get("/lang/en")
    assert "Before you start" in web.get(f"/course/{topic}").text
    web.get("/lang/zh")
    assert "开始之前" in web.get(f"/course/{topic}").text
    # a topic without prerequisites has no check
    assert 'id="prereq-check"' not in web.get(f"/course/{course.topological_order()[0]}").text
