"""JSON API for coding exercises: the list, one exercise, submissions graded in the sandbox,
the hint ladder, and the learner's own grades."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dltutor.course.exercises import Exercise, get_exercise, load_exercises
from dltutor.course.render import render_markdown
from dltutor.grader.queue import GradingBusy, GradingFailed, grade_async
from dltutor.store import repo
from dltutor.store.models import Grade
from dltutor.tutor import hints, record
from dltutor.web.deps import (
    CSRF,
    CourseDep,
    CurrentLearner,
    ExercisePath,
    IdPath,
    SessionDep,
    page_lang,
)
from dltutor.web.ui import ui

router = APIRouter(prefix="/api", tags=["exercises"])


class ExerciseBrief(BaseModel):
    id: str
    kind: str  # "function" (ex.*) or "project" (proj.*: trains a real model, takes minutes)
    title: str
    topic: str
    topic_title: str
    difficulty: int
    passed: bool
    attempts: int


class TestOut(BaseModel):
    name: str
    passed: bool
    message: str
    seconds: float | None = None


class GradeOut(BaseModel):
    id: int
    exercise: str
    passed: bool
    tests: list[TestOut]
    error: str | None
    created_at: datetime | None
    code: str | None = None  # only when one grade is asked for


class ExerciseOut(BaseModel):
    id: str
    title: str
    topic: str
    topic_title: str
    difficulty: int
    statement: str
    statement_html: str
    functions: list[str]  # signatures
    starter: str
    hints_total: int
    hints: list[str]  # the rungs revealed so far (Markdown): hints, then a worked example
    hints_html: list[str]
    submissions: list[GradeOut]


class SubmitIn(BaseModel):
    code: str = Field(min_length=1, max_length=100_000)


class HintsOut(BaseModel):
    shown: int
    total: int
    hints: list[str]
    hints_html: list[str]


def _exercise(exercise_id: str) -> Exercise:
    try:
        return get_exercise(exercise_id)
    except KeyError:
        raise HTTPException(404, "no such exercise") from None


def grade_out(g: Grade, with_code: bool = False) -> GradeOut:
    return GradeOut(
        id=g.id,
        exercise=g.exercise_id,
        passed=g.passed,
        tests=[
            TestOut(
                name=str(t.get("name", "")),
                passed=bool(t.get("passed")),
                message=str(t.get("message") or ""),
                seconds=t.get("seconds"),
            )
            for t in g.tests or []
        ],
        error=g.error,
        created_at=g.created_at,
        code=g.code if with_code else None,
    )


def exercise_out(db: Session, course: Any, ex: Exercise, learner_id: int, lang: str) -> ExerciseOut:
    statement = ex.statement.get(lang) or next(iter(ex.statement.values()), "")
    shown = hints.seen(db, learner_id, ex.id)
    rungs = hints.texts(ex, shown, lang)
    return ExerciseOut(
        id=ex.id,
        title=ex.title.get(lang, ex.id),
        topic=ex.topic,
        topic_title=course.title(ex.topic, lang) if ex.topic in course else ex.topic,
        difficulty=ex.difficulty,
        statement=statement,
        statement_html=render_markdown(statement),
        functions=[f.signature for f in ex.functions],
        starter=ex.starter(),
        hints_total=hints.rungs(ex),
        hints=rungs,
        hints_html=[render_markdown(h) for h in rungs],
        submissions=[
            grade_out(g) for g in repo.list_grades(db, learner_id=learner_id, exercise_id=ex.id)
        ],
    )


@router.get("/exercises", response_model=list[ExerciseBrief])
def list_exercises(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> list[ExerciseBrief]:
    """Every exercise and project, with the learner's status on each."""
    lang = page_lang(request, me)
    grades = repo.list_grades(db, learner_id=me.id)
    out = []
    for ex in load_exercises(include_projects=True):
        mine = [g for g in grades if g.exercise_id == ex.id]
        out.append(
            ExerciseBrief(
                id=ex.id,
                kind=ex.kind,
                title=ex.title.get(lang, ex.id),
                topic=ex.topic,
                topic_title=course.title(ex.topic, lang) if ex.topic in course else ex.topic,
                difficulty=ex.difficulty,
                passed=any(g.passed for g in mine),
                attempts=len(mine),
            )
        )
    return out


@router.get("/exercises/{exercise_id}", response_model=ExerciseOut)
def read_exercise(
    exercise_id: ExercisePath,
    request: Request,
    db: SessionDep,
    course: CourseDep,
    me: CurrentLearner,
) -> ExerciseOut:
    """One exercise: statement, starter code, the hints revealed so far, past submissions."""
    ex = _exercise(exercise_id)
    return exercise_out(db, course, ex, me.id, page_lang(request, me))


@router.post(
    "/exercises/{exercise_id}/submissions",
    response_model=GradeOut,
    dependencies=[CSRF],
    responses={429: {"description": "Too many submissions waiting; see Retry-After"}},
)
async def submit(
    exercise_id: ExercisePath,
    body: SubmitIn,
    request: Request,
    course: CourseDep,
    me: CurrentLearner,
) -> GradeOut | JSONResponse:
    """Grade the learner's code against the hidden tests (in the sandbox, here or on a grader
    worker) and keep the result: mastery and the topic's review schedule move with it."""
    ex = _exercise(exercise_id)
    lang = page_lang(request, me)
    try:
        result = await grade_async(ex.id, body.code, lang=lang, settings=request.app.state.settings)
    except GradingBusy as e:
        return JSONResponse(
            {"detail": ui("err.grading_busy", lang, seconds=e.retry_after)},
            status_code=429,
            headers={"Retry-After": str(e.retry_after)},
        )
    except GradingFailed as e:
        raise HTTPException(503, ui("err.grading_failed", lang)) from e

    def store() -> GradeOut:
        with request.app.state.tutor.sessions() as db, db.begin():
            g = record.apply_grade(db, course, me.id, result, body.code)
            return grade_out(g)

    return await run_in_threadpool(store)


@router.post("/exercises/{exercise_id}/hints", response_model=HintsOut, dependencies=[CSRF])
def next_hint(
    exercise_id: ExercisePath, request: Request, db: SessionDep, me: CurrentLearner
) -> HintsOut:
    """Reveal the next rung of the hint ladder: the hints, then a worked example on another
    input; the last rung stays the last (the solution is never a rung)."""
    ex = _exercise(exercise_id)
    shown = hints.reveal(db, me.id, ex)
    rungs = hints.texts(ex, shown, page_lang(request, me))
    return HintsOut(
        shown=shown,
        total=hints.rungs(ex),
        hints=rungs,
        hints_html=[render_markdown(h) for h in rungs],
    )


@router.get("/grades/{grade_id}", response_model=GradeOut)
def read_grade(grade_id: IdPath, db: SessionDep, me: CurrentLearner) -> GradeOut:
    """One of the learner's graded submissions, with its code (404 unless it is theirs)."""
    g = db.get(Grade, grade_id)
    if g is None or g.learner_id != me.id:
        raise HTTPException(404, "grade not found")
    return grade_out(g, with_code=True)
