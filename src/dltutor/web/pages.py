"""Server-rendered pages (Jinja2): chat, accounts, language, the course and its lessons.
Thin: each route gathers data from plain modules and renders. Other areas: pages_learning.py
(onboarding, diagnosis, plan, progress, reviews), pages_exercises.py, pages_class.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dltutor.course.render import pygments_css, render_markdown
from dltutor.tutor import record
from dltutor.web import practice
from dltutor.web.accounts import AccountError, sign_in, sign_up
from dltutor.web.deps import CSRF, CourseDep, CurrentLearner, PageName, SessionDep, page_lang
from dltutor.web.views import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, me: CurrentLearner) -> HTMLResponse:
    from dltutor.i18n import t as msg

    notice = (
        msg("engine.small_model", page_lang(request, me))
        if request.app.state.tutor.backend.embedded
        else ""
    )
    return render(request, "chat.html", me, notice=notice, needs_profile=not me.profile)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    return render(request, "signin.html")


@router.post("/signin", dependencies=[CSRF])
def signin(
    request: Request,
    db: SessionDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        learner = sign_in(db, username=username, password=password)
    except AccountError as e:
        return render(request, "signin.html", error=e.key, status=400)
    request.session.clear()
    request.session.update(learner_id=learner.id, lang=learner.lang)
    return RedirectResponse("/", status_code=303)


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> HTMLResponse:
    return render(request, "signup.html")


@router.post("/signup", dependencies=[CSRF])
def signup(
    request: Request,
    db: SessionDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=20)] = "learner",
    class_code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        learner = sign_up(
            db,
            username=username,
            password=password,
            name=name,
            lang=page_lang(request),
            role=role,
            class_code=class_code.strip() or None,
        )
    except AccountError as e:
        return render(request, "signup.html", error=e.key, status=400)
    request.session.clear()
    request.session.update(learner_id=learner.id, lang=learner.lang)
    return RedirectResponse("/onboarding" if role == "learner" else "/class", status_code=303)


@router.post("/signout", dependencies=[CSRF])
def signout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.get("/lang/{lang}")
def switch_lang(lang: str, request: Request) -> Response:
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    # Back to the page the learner was on, but only on this site.
    referer = request.headers.get("referer") or "/"
    base = str(request.base_url)
    target = "/" + referer[len(base) :] if referer.startswith(base) else "/"
    return RedirectResponse(target, status_code=303)


@router.get("/course", response_class=HTMLResponse)
def course_page(request: Request, course: CourseDep, me: CurrentLearner) -> HTMLResponse:
    stages: dict[int, list[Any]] = {}
    for topic in course:
        stages.setdefault(topic.stage, []).append(topic)
    from dltutor.learning.planner import STAGE_NAMES

    return render(request, "course.html", me, stages=stages, stage_names=STAGE_NAMES)


@router.get("/course/{topic_id}", response_class=HTMLResponse)
def lesson_page(
    topic_id: PageName, request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> HTMLResponse:
    if topic_id not in course:
        raise HTTPException(404)
    lang = page_lang(request, me)
    topic = course[topic_id]
    lesson = topic.lessons.get(lang) or next(iter(topic.lessons.values()), None)
    html = render_markdown(lesson.text) if lesson else ""
    prereqs = [(r, course.title(r, lang)) for r in topic.requires]
    from dltutor.learning.planner import exercises_by_topic

    return render(
        request,
        "lesson.html",
        me,
        topic=topic,
        title=course.title(topic_id, lang),
        lesson_html=html,
        prereqs=prereqs,
        objectives=topic.objectives.get(lang, []),
        quiz=[practice.item_view(course, i, lang, me.id) for i in topic.quiz],
        prereq_checks=practice.prerequisite_checks(
            course, record.load_record(db, me.id).mastery.p, topic_id, lang, me.id
        ),
        exercises=exercises_by_topic().get(topic_id, []),
    )


@router.get("/static/pygments.css")
def code_css() -> Response:
    return Response(pygments_css(), media_type="text/css")
