"""Server-rendered pages (Jinja2): chat, accounts, language, the course and its lessons.
Thin: each route gathers data from plain modules and renders. Other areas: pages_learning.py
(onboarding, diagnosis, plan, progress, reviews), pages_exercises.py, pages_class.py."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dltutor.course.render import pygments_css, render_markdown
from dltutor.tutor import practice, record
from dltutor.tutor.accounts import AccountError, end_all_sessions, end_session, start_session
from dltutor.web.deps import CSRF, CourseDep, CurrentLearner, PageName, SessionDep, page_lang
from dltutor.web.throttle import Throttled, address, throttled_sign_in, throttled_sign_up
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
    throttle = request.app.state.throttle
    try:
        learner = throttled_sign_in(
            db, throttle, address=address(request), username=username, password=password
        )
    except Throttled as e:
        return _throttled(request, "signin.html", e)
    except AccountError as e:
        return render(request, "signin.html", error=e.key, status=_status(e))
    request.session.clear()
    sid = start_session(db, learner)
    request.session.update(learner_id=learner.id, lang=learner.lang, sid=sid)
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
        learner = throttled_sign_up(
            db,
            request.app.state.throttle,
            address=address(request),
            username=username,
            password=password,
            name=name,
            lang=page_lang(request),
            role=role,
            class_code=class_code.strip() or None,
        )
    except Throttled as e:
        return _throttled(request, "signup.html", e)
    except AccountError as e:
        return render(request, "signup.html", error=e.key, status=_status(e))
    request.session.clear()
    sid = start_session(db, learner)
    request.session.update(learner_id=learner.id, lang=learner.lang, sid=sid)
    return RedirectResponse("/onboarding" if role == "learner" else "/class", status_code=303)


def _status(e: AccountError) -> int:
    return 503 if e.key == "err.busy" else 400


def _throttled(request: Request, template: str, e: Throttled) -> Response:
    args = {"seconds": e.retry_after}
    page = render(request, template, error="err.throttled", error_args=args, status=429)
    page.headers["Retry-After"] = str(e.retry_after)
    return page


@router.post("/signout", dependencies=[CSRF])
def signout(request: Request, db: SessionDep) -> Response:
    """End this session on the server too: a copy of the cookie no longer signs anyone in."""
    end_session(db, request.session.get("sid"))
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.post("/signout/everywhere", dependencies=[CSRF])
def signout_everywhere(request: Request, db: SessionDep, me: CurrentLearner) -> Response:
    """End every session of this learner, on every device (a lost phone, a shared computer)."""
    end_all_sessions(db, me.id)
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.get("/lang/{lang}")
def switch_lang(lang: str, request: Request) -> Response:
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    return RedirectResponse(same_site_path(request), status_code=303)


def same_site_path(request: Request) -> str:
    """The page the learner came from (Referer), as a path on this site; "/" for anything else.
    Only a path that cannot leave the site: `//host/x` or `/\\host` is another site to a
    browser, and so is a Referer from another origin."""
    ref = urlsplit(request.headers.get("referer") or "")
    here = urlsplit(str(request.base_url))
    if (ref.scheme, ref.netloc) != (here.scheme, here.netloc):
        return "/"
    path = ref.path or "/"
    if not path.startswith("/") or path.startswith(("//", "/\\")) or "\\" in path:
        return "/"
    return path + (f"?{ref.query}" if ref.query else "")


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
    lesson = topic.lesson(lang)
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
