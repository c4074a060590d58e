"""Server-rendered pages (Jinja2). Thin: each route gathers data from plain modules and renders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dltutor.course.render import pygments_css, render_markdown
from dltutor.web.accounts import AccountError, sign_in, sign_up
from dltutor.web.app import templates
from dltutor.web.deps import CSRF, CurrentLearner, SessionDep, csrf_token, page_lang, single_user
from dltutor.web.ui import ui

router = APIRouter(include_in_schema=False)


def render(
    request: Request, name: str, me: Any = None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    lang = page_lang(request, me)
    service = getattr(request.app.state, "tutor", None)
    ctx.update(
        request=request,
        me=me,
        lang=lang,
        t=lambda key: ui(key, lang),
        csrf=csrf_token(request),
        single_user=single_user(request.app.state.settings),
        backend=service.backend if service else None,
        backend_error=service.backend_error if service else None,
    )
    return templates.TemplateResponse(request, name, ctx, status_code=status)


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, me: CurrentLearner) -> HTMLResponse:
    from dltutor.i18n import t as msg

    notice = (
        msg("engine.small_model", page_lang(request, me))
        if request.app.state.tutor.backend.embedded
        else ""
    )
    return render(request, "chat.html", me, notice=notice)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    return render(request, "signin.html")


@router.post("/signin", dependencies=[CSRF])
def signin(
    request: Request,
    db: SessionDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
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
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "learner",
    class_code: Annotated[str, Form()] = "",
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
    return RedirectResponse("/onboarding" if role == "learner" else "/", status_code=303)


@router.post("/signout", dependencies=[CSRF])
def signout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


@router.get("/lang/{lang}")
def switch_lang(lang: str, request: Request) -> Response:
    if lang in ("zh", "en"):
        request.session["lang"] = lang
    return RedirectResponse(request.headers.get("referer") or "/", status_code=303)


@router.get("/course", response_class=HTMLResponse)
def course_page(request: Request, me: CurrentLearner) -> HTMLResponse:
    from dltutor.course import Course

    course = Course.load()
    stages: dict[int, list[Any]] = {}
    for topic in course:
        stages.setdefault(topic.stage, []).append(topic)
    return render(request, "course.html", me, stages=stages)


@router.get("/course/{topic_id}", response_class=HTMLResponse)
def lesson_page(topic_id: str, request: Request, me: CurrentLearner) -> HTMLResponse:
    from dltutor.course import Course

    course = Course.load()
    if topic_id not in course:
        raise HTTPException(404)
    lang = page_lang(request, me)
    topic = course[topic_id]
    lesson = topic.lessons.get(lang) or next(iter(topic.lessons.values()), None)
    html = render_markdown(lesson.text) if lesson else ""
    prereqs = [(r, course.title(r, lang)) for r in topic.requires]
    return render(
        request,
        "lesson.html",
        me,
        topic=topic,
        title=course.title(topic_id, lang),
        lesson_html=html,
        prereqs=prereqs,
        objectives=topic.objectives.get(lang, []),
    )


@router.get("/static/pygments.css")
def code_css() -> Response:
    return Response(pygments_css(), media_type="text/css")


def teacher_only(me: CurrentLearner) -> Any:
    if me.role != "teacher":
        raise HTTPException(403)
    return me


TeacherDep = Annotated[Any, Depends(teacher_only)]
