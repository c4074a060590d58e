"""The teacher's pages: the class at a glance, and one learner's progress (learners: 403)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dltutor.tutor import class_export as class_export_
from dltutor.tutor import progress
from dltutor.tutor.accounts import class_members
from dltutor.web import charts
from dltutor.web.api_class import class_member
from dltutor.web.deps import CourseDep, CurrentTeacher, IdPath, SessionDep, page_lang
from dltutor.web.pages_learning import dashboard
from dltutor.web.ui import ui
from dltutor.web.views import render

router = APIRouter(include_in_schema=False)


@router.get("/class", response_class=HTMLResponse)
def class_page(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentTeacher
) -> HTMLResponse:
    lang = page_lang(request, me)
    rows = []
    for m in class_members(db, teacher=me):
        s = progress.summary(db, course, m.id, lang)
        mini = charts.bar_chart(
            [(r.name, r.mean) for r in s.stages],
            title=ui("progress.by_stage", lang),
            width=420,
            label_width=170,
            bar_height=10,
            gap=4,
            compact=True,
        )
        rows.append((m, s, mini))
    return render(request, "class.html", me, rows=rows)


@router.get("/class/export.{fmt}")
def class_export(
    fmt: Literal["csv", "xlsx"],
    request: Request,
    db: SessionDep,
    course: CourseDep,
    me: CurrentTeacher,
) -> Response:
    """The class's progress as a spreadsheet, one row per learner (tutor/class_export.py)."""
    table = class_export_.class_table(db, course, me, page_lang(request, me))
    name = f"dltutor-class-{me.class_code or me.id}.{fmt}"
    return Response(
        class_export_.export(table, fmt),
        media_type=class_export_.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/class/{learner_id}", response_class=HTMLResponse)
def class_member_page(
    learner_id: IdPath, request: Request, db: SessionDep, course: CourseDep, me: CurrentTeacher
) -> HTMLResponse:
    lang = page_lang(request, me)
    member = class_member(db, me, learner_id)
    s = progress.summary(db, course, member.id, lang)
    return render(request, "progress.html", me, member=member, **dashboard(s, course, lang))
