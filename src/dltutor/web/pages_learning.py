"""Pages for learning: onboarding, the diagnosis, the plan, the progress dashboard, reviews.

Forms post to page routes (which redirect, so a reload never posts twice); the plan's
checkboxes and the quizzes call the JSON API from plain JavaScript.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.store.models import Learner
from dltutor.tutor import diagnosis, plans, practice, progress, record, tokens
from dltutor.tutor.judge import judge
from dltutor.web import charts
from dltutor.web.api_learning import ProfileIn, plan_and_weeks, store_judgement
from dltutor.web.deps import CSRF, CourseDep, CurrentLearner, SessionDep, page_lang
from dltutor.web.ui import ui
from dltutor.web.views import render

router = APIRouter(include_in_schema=False)
GOAL_SPLIT = re.compile(r"[,，、;；\n]+")


# ---- onboarding -------------------------------------------------------------------------------


@router.get("/onboarding", response_class=HTMLResponse)
def onboarding_form(request: Request, db: SessionDep, me: CurrentLearner) -> HTMLResponse:
    return profile_page(request, db, me)


def profile_page(
    request: Request, db: Session, me: Learner, status: int = 200, **extra: Any
) -> HTMLResponse:
    """The profile page: the learner's profile form and their personal API tokens."""
    profile = record.load_record(db, me.id).profile
    values = profile.model_dump() if profile else {"language": page_lang(request, me)}
    if not profile:
        values["name"] = me.name if me.username != "local" else ""
    api_tokens = tokens.active_tokens(db, me.id)
    return render(
        request, "onboarding.html", me, status=status, values=values, api_tokens=api_tokens, **extra
    )


@router.post("/onboarding", dependencies=[CSRF])
def onboarding(
    request: Request,
    db: SessionDep,
    me: CurrentLearner,
    name: Annotated[str, Form(max_length=100)] = "",
    background: Annotated[str, Form(max_length=2000)] = "",
    goals: Annotated[str, Form(max_length=2000)] = "",
    level: Annotated[str, Form(max_length=20)] = "beginner",
    hours_per_week: Annotated[str, Form(max_length=10)] = "5",
    has_gpu: Annotated[str, Form(max_length=10)] = "",
    framework: Annotated[str, Form(max_length=20)] = "pytorch",
    language: Annotated[str, Form(max_length=5)] = "zh",
) -> Response:
    values = {
        "name": name.strip(),
        "background": background.strip(),
        "goals": [g.strip() for g in GOAL_SPLIT.split(goals) if g.strip()][:20],
        "level": level,
        "hours_per_week": hours_per_week,
        "has_gpu": bool(has_gpu),
        "framework": framework,
        "language": language,
    }
    try:
        profile = ProfileIn.model_validate(values).to_profile()
    except ValidationError as e:
        field = str(e.errors()[0]["loc"][0]) if e.errors() else ""
        return render(
            request, "onboarding.html", me, values=values, error=field or "profile", status=400
        )
    record.save_profile(db, me.id, profile)
    request.session["lang"] = profile.language
    return RedirectResponse("/diagnosis", status_code=303)


# ---- diagnosis --------------------------------------------------------------------------------


@router.get("/diagnosis", response_class=HTMLResponse)
def diagnosis_page(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> HTMLResponse:
    lang = page_lang(request, me)
    attempt = diagnosis.current(db, course, me.id)
    if attempt and not attempt.finished and attempt.next_item is None:
        diagnosis.finish(db, me.id, attempt)
    if attempt is None:
        return render(request, "diagnosis.html", me, state="intro")
    if not attempt.finished:
        assert attempt.next_item is not None
        item = practice.item_view(course, attempt.next_item, attempt.lang, me.id)
        return render(
            request,
            "diagnosis.html",
            me,
            state="item",
            item=item,
            number=len(attempt.answers) + 1,
            max_items=diagnosis.MAX_ITEMS,
        )
    rec = record.load_record(db, me.id)
    stages = progress.mastery_by_stage(course, rec.mastery, lang)
    chart = charts.bar_chart([(s.name, s.mean) for s in stages], title=ui("diag.chart_title", lang))
    return render(
        request,
        "diagnosis.html",
        me,
        state="result",
        chart=chart,
        stages=stages,
        answered=len(attempt.answers),
        correct=sum(bool(a["correct"]) for a in attempt.answers),
        open_question=diagnosis.OPEN_QUESTION[lang],
        open_answer=diagnosis.open_answer(db, me.id),
        model_available=request.app.state.tutor.client is not None,
        has_profile=rec.profile is not None,
    )


@router.post("/diagnosis/start", dependencies=[CSRF])
def diagnosis_start(request: Request, db: SessionDep, me: CurrentLearner) -> Response:
    profile = record.load_record(db, me.id).profile
    diagnosis.start(db, me.id, page_lang(request, me), profile.level if profile else None)
    return RedirectResponse("/diagnosis", status_code=303)


@router.post("/diagnosis/answer", dependencies=[CSRF])
def diagnosis_answer(
    db: SessionDep,
    course: CourseDep,
    me: CurrentLearner,
    item_id: Annotated[str, Form(max_length=120)],
    response: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        diagnosis.answer(db, course, me.id, item_id, response)
    except diagnosis.DiagnosisError:
        pass  # a stale form (reloaded, answered twice): show the current item again
    return RedirectResponse("/diagnosis", status_code=303)


@router.post("/diagnosis/open", dependencies=[CSRF])
async def diagnosis_open(
    request: Request,
    course: CourseDep,
    me: CurrentLearner,
    answer: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    client = request.app.state.tutor.client
    if client is not None and answer.strip():
        lang = page_lang(request, me)
        q, rubric = diagnosis.OPEN_QUESTION[lang], diagnosis.OPEN_RUBRIC[lang]
        j = await judge(client, q, rubric, answer, lang)
        from starlette.concurrency import run_in_threadpool

        await run_in_threadpool(
            store_judgement, request, course, me.id, diagnosis.OPEN_TOPIC, j, q, answer
        )
    return RedirectResponse("/diagnosis#open", status_code=303)


# ---- plan -------------------------------------------------------------------------------------


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner) -> Response:
    if record.load_record(db, me.id).profile is None:
        return RedirectResponse("/onboarding", status_code=303)
    plan, views = plan_and_weeks(request, db, course, me)
    ticked, total = plans.progress(views)
    return render(
        request,
        "plan.html",
        me,
        plan=plan,
        weeks=views,
        ticked=ticked,
        total=total,
        titles={t: course.title(t, page_lang(request, me)) for t in plan.skipped + plan.goals},
    )


# ---- progress and reviews ---------------------------------------------------------------------


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> HTMLResponse:
    lang = page_lang(request, me)
    s = progress.summary(db, course, me.id, lang)
    return render(request, "progress.html", me, **dashboard(s, course, lang))


def dashboard(s: progress.Summary, course: Course, lang: str) -> dict[str, Any]:
    """What the dashboard template shows of a summary (the class page shows the same)."""
    return {
        "summary": s,
        "stage_chart": charts.bar_chart(
            [(r.name, r.mean) for r in s.stages], title=ui("progress.by_stage", lang)
        ),
        "activity_chart": charts.activity_chart(
            s.activity,
            title=ui("progress.activity", lang),
            unit=ui("progress.events", lang),
            scale=ui("progress.scale", lang),
        ),
        "due": [(t, course.title(t, lang)) for t in s.due_reviews],
    }


@router.get("/reviews", response_class=HTMLResponse)
def reviews_page(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> HTMLResponse:
    cards = practice.review_cards(db, course, me.id, page_lang(request, me))
    return render(request, "reviews.html", me, cards=cards)


@router.get("/reviews/anki.apkg")
def reviews_anki(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> Response:
    """The due reviews and missed quiz items as an Anki deck (tutor/anki.py); importing it
    again updates the same notes."""
    from dltutor.tutor import anki

    cards = anki.learner_cards(db, course, me.id, page_lang(request, me))
    return Response(
        anki.apkg_bytes(cards),
        media_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="dltutor.apkg"'},
    )
