"""JSON API for teachers: their class's progress. Learners get 403; a teacher sees only the
learners who joined with their class code (anyone else's id is a 404)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.store.models import Learner
from dltutor.tutor import progress
from dltutor.tutor.accounts import class_members
from dltutor.web.api_learning import ProgressOut
from dltutor.web.deps import CourseDep, CurrentTeacher, IdPath, SessionDep, page_lang

router = APIRouter(prefix="/api/class", tags=["class"])


class MemberOut(BaseModel):
    id: int
    name: str
    username: str | None
    progress: ProgressOut


class ClassOut(BaseModel):
    class_code: str | None
    learners: list[MemberOut]


def member_out(db: Session, course: Course, learner: Learner, lang: str) -> MemberOut:
    return MemberOut(
        id=learner.id,
        name=learner.name,
        username=learner.username,
        progress=ProgressOut(**progress.summary(db, course, learner.id, lang).to_json()),
    )


def class_member(db: Session, teacher: Learner, learner_id: int) -> Learner:
    """One learner of the teacher's class; 404 for anyone else (ids reveal nothing)."""
    for m in class_members(db, teacher=teacher):
        if m.id == learner_id:
            return m
    raise HTTPException(404, "no such learner in your class")


@router.get("", response_model=ClassOut)
def read_class(request: Request, db: SessionDep, course: CourseDep, me: CurrentTeacher) -> ClassOut:
    """The teacher's class code and each learner's progress."""
    lang = page_lang(request, me)
    return ClassOut(
        class_code=me.class_code,
        learners=[member_out(db, course, m, lang) for m in class_members(db, teacher=me)],
    )


@router.get("/learners/{learner_id}", response_model=MemberOut)
def read_member(
    learner_id: IdPath, request: Request, db: SessionDep, course: CourseDep, me: CurrentTeacher
) -> MemberOut:
    """One learner of the class, in detail."""
    return member_out(db, course, class_member(db, me, learner_id), page_lang(request, me))
