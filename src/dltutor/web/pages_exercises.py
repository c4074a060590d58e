"""Pages for coding exercises: the list, and one exercise with its editor. Submitting and
hints go through the JSON API (static/exercise.js)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from dltutor.course.exercises import get_exercise
from dltutor.learning.planner import STAGE_NAMES
from dltutor.store import repo
from dltutor.web.api_exercises import exercise_out, list_exercises
from dltutor.web.deps import CourseDep, CurrentLearner, PageName, SessionDep, page_lang
from dltutor.web.views import render

router = APIRouter(include_in_schema=False)


@router.get("/exercises", response_class=HTMLResponse)
def exercises_page(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> HTMLResponse:
    lang = page_lang(request, me)
    by_stage: dict[int, list[Any]] = {}
    for ex in list_exercises(request, db, course, me):
        stage = course[ex.topic].stage if ex.topic in course else 99
        by_stage.setdefault(stage, []).append(ex)
    names = {s: STAGE_NAMES.get(s, {}).get(lang, str(s)) for s in by_stage}
    return render(request, "exercises.html", me, by_stage=by_stage, stage_names=names)


@router.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise_page(
    exercise_id: PageName,
    request: Request,
    db: SessionDep,
    course: CourseDep,
    me: CurrentLearner,
) -> HTMLResponse:
    try:
        ex = get_exercise(exercise_id)
    except KeyError:
        raise HTTPException(404) from None
    view = exercise_out(db, course, ex, me.id, page_lang(request, me))
    grades = repo.list_grades(db, learner_id=me.id, exercise_id=ex.id)
    code = grades[-1].code if grades else view.starter  # carry on where the learner left off
    return render(request, "exercise.html", me, ex=view, code=code)
