"""JSON API for learning: profile, diagnosis, plan and its checkpoints, quizzes, reviews, progress.

Every route reads and writes only the signed-in learner's own record (the learner id comes
from the session, never from the request).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.learning.planner import Plan
from dltutor.learning.profile import Profile
from dltutor.store.models import Learner
from dltutor.tutor import diagnosis, plans, practice, progress, record
from dltutor.tutor.judge import Judgement, judge
from dltutor.web.deps import CSRF, CourseDep, CurrentLearner, SessionDep, TopicPath, page_lang

router = APIRouter(prefix="/api", tags=["learning"])
log = logging.getLogger("dltutor.web")

ItemId = Annotated[
    str, Field(min_length=3, max_length=120, pattern=r"^[a-z0-9_.]+/[A-Za-z0-9_.-]+$")
]
# An option's id for a choice item (or a short answer's text); a number is no option at all.
Response = Annotated[
    Annotated[str, Field(max_length=2000)] | Annotated[int, Field(ge=0, le=50)],
    Field(description="an option's id (mcq) or the answer text"),
]


DONT_KNOW = "dontknow"  # the diagnosis's "I don't know" button: an answer, and a wrong one


def check_choice(course: Course, item_id: str, response: str | int) -> None:
    """422 when a multiple-choice answer names none of the item's options (−1, 10**30, "z"
    used to be graded as a wrong answer, and counted as evidence)."""
    try:
        item = practice.find_item(course, item_id)
    except KeyError:
        return  # not a quiz item (a diagnosis probe): its own flow checks it
    if item.key is None:
        return  # a short answer: any text is an answer
    ids = item.option_ids
    given = str(response).strip().lower()
    if given not in ids and given != DONT_KNOW:
        raise HTTPException(422, f"no such option: answer with one of {', '.join(ids)}")


class ProfileIn(BaseModel):
    name: str = Field(default="", max_length=100)
    background: str = Field(default="", max_length=2000)
    goals: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)
    level: Literal["beginner", "intermediate", "advanced"] = "beginner"
    # at least an hour: the planner packs topics into weeks of this many hours, so a tiny
    # budget would make a plan of millions of weeks
    hours_per_week: float = Field(default=5.0, ge=1, le=80)
    has_gpu: bool = False
    framework: Literal["pytorch", "tensorflow"] = "pytorch"
    language: Literal["zh", "en"] = "zh"

    def to_profile(self) -> Profile:
        return Profile(**self.model_dump())


class OptionOut(BaseModel):
    id: str  # answer with this id
    text: str


class ItemOut(BaseModel):
    id: str
    topic: str
    type: str
    question: str
    options: list[OptionOut]  # in this learner's order (seeded per learner, stable)


class StageOut(BaseModel):
    stage: int
    name: str
    mean: float
    mastered: int
    topics: int


class DiagnosisOut(BaseModel):
    status: Literal["not_started", "in_progress", "done"]
    answered: int
    max_items: int
    item: ItemOut | None = None
    last_correct: bool | None = None
    stages: list[StageOut] = Field(default_factory=list)
    open_question: str | None = None
    model_available: bool = False


class AnswerIn(BaseModel):
    item_id: ItemId
    response: Response


class OpenIn(BaseModel):
    answer: str = Field(min_length=1, max_length=4000)


class ReviewAnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=4000)
    index: int = Field(default=0, ge=0, le=50, description="which check question was shown")


class JudgementOut(BaseModel):
    score: float
    feedback: str
    method: str
    mastery: float | None = None


class CheckIn(BaseModel):
    key: str = Field(min_length=3, max_length=120, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+#\d{1,3}$")
    done: bool


class CheckpointOut(BaseModel):
    key: str
    text: str
    done: bool


class WeekOut(BaseModel):
    week: int
    stage: int
    stage_name: str
    hours: float
    topics: list[dict[str, Any]]
    exercises: list[dict[str, str]]
    checkpoints: list[CheckpointOut]
    notes: list[str]


class PlanOut(BaseModel):
    weeks: list[WeekOut]
    ticked: int
    total: int
    goals: list[str]
    unmatched_goals: list[str]
    skipped: list[str]


class TicksOut(BaseModel):
    ticked: int
    total: int


class FeedbackOut(BaseModel):
    correct: bool
    explanation: str
    answer: str
    why_wrong: str | None = None
    mastery: float


class ReviewOut(BaseModel):
    topic: str
    title: str
    item: ItemOut | None
    question: str | None
    index: int  # send it back with the answer to `question`


class ProgressOut(BaseModel):
    stages: list[StageOut]
    activity: list[dict[str, Any]]
    due_reviews: list[str]
    exercises_passed: int
    exercises_tried: int
    last_active: str | None
    events_7d: int


# ---- profile ----------------------------------------------------------------------------------


@router.get("/profile", response_model=Profile | None)
def read_profile(db: SessionDep, me: CurrentLearner) -> Profile | None:
    """The learner's profile (null before onboarding)."""
    return record.load_record(db, me.id).profile


@router.put("/profile", response_model=Profile, dependencies=[CSRF])
def write_profile(body: ProfileIn, request: Request, db: SessionDep, me: CurrentLearner) -> Profile:
    """Save the profile (onboarding); the learner's language becomes the UI language."""
    profile = body.to_profile()
    record.save_profile(db, me.id, profile)
    request.session["lang"] = profile.language
    return profile


# ---- diagnosis --------------------------------------------------------------------------------


def diagnosis_out(
    request: Request, db: Session, course: Course, me: Learner, attempt: diagnosis.Attempt | None
) -> DiagnosisOut:
    lang = page_lang(request, me)
    if attempt is None:
        return DiagnosisOut(status="not_started", answered=0, max_items=diagnosis.MAX_ITEMS)
    out = DiagnosisOut(
        status="done" if attempt.finished else "in_progress",
        answered=len(attempt.answers),
        max_items=diagnosis.MAX_ITEMS,
        model_available=request.app.state.tutor.client is not None,
    )
    if attempt.finished:
        rec = record.load_record(db, me.id)
        out.stages = [
            StageOut(**vars(s)) for s in progress.mastery_by_stage(course, rec.mastery, lang)
        ]
        out.open_question = diagnosis.OPEN_QUESTION[lang]
    elif attempt.next_item is not None:
        out.item = ItemOut(**practice.item_view(course, attempt.next_item, attempt.lang, me.id))
    return out


@router.get("/diagnosis", response_model=DiagnosisOut)
def read_diagnosis(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> DiagnosisOut:
    """The learner's latest diagnosis: the item to answer now, or the result."""
    attempt = diagnosis.current(db, course, me.id)
    if attempt and not attempt.finished and attempt.next_item is None:
        diagnosis.finish(db, me.id, attempt)
    return diagnosis_out(request, db, course, me, attempt)


@router.post("/diagnosis/start", response_model=DiagnosisOut, dependencies=[CSRF])
def start_diagnosis(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> DiagnosisOut:
    """Begin a new diagnosis (an earlier one is kept in the log)."""
    profile = record.load_record(db, me.id).profile
    diagnosis.start(db, me.id, page_lang(request, me), profile.level if profile else None)
    return diagnosis_out(request, db, course, me, diagnosis.current(db, course, me.id))


@router.post("/diagnosis/answer", response_model=DiagnosisOut, dependencies=[CSRF])
def answer_diagnosis(
    body: AnswerIn, request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> DiagnosisOut:
    """Answer the current item (409 if it is not the item being asked)."""
    check_choice(course, body.item_id, body.response)
    try:
        attempt = diagnosis.answer(db, course, me.id, body.item_id, body.response)
    except diagnosis.DiagnosisError as e:
        raise HTTPException(409, str(e)) from None
    out = diagnosis_out(request, db, course, me, attempt)
    out.last_correct = bool(attempt.answers[-1]["correct"])
    return out


@router.post("/diagnosis/open", response_model=JudgementOut, dependencies=[CSRF])
async def answer_open_question(
    body: OpenIn, request: Request, course: CourseDep, me: CurrentLearner
) -> JudgementOut:
    """The closing open question, judged by the model (409 when no model is configured)."""
    client = request.app.state.tutor.client
    if client is None:
        raise HTTPException(409, "no model configured: the open question is skipped")
    lang = page_lang(request, me)
    q, rubric = diagnosis.OPEN_QUESTION[lang], diagnosis.OPEN_RUBRIC[lang]
    j = await judge(client, q, rubric, body.answer, lang)
    after = await asyncio.to_thread(
        store_judgement, request, course, me.id, diagnosis.OPEN_TOPIC, j, q, body.answer
    )
    return JudgementOut(score=j.score, feedback=j.feedback, method=j.method, mastery=after)


def store_judgement(
    request: Request,
    course: Course,
    learner_id: int,
    topic: str,
    j: Judgement,
    question: str,
    answer: str,
) -> float:
    """Store a judged answer (a short session of its own: judging took the model's time)."""
    with request.app.state.tutor.sessions() as db, db.begin():
        return record.apply_judgement(
            db,
            course,
            learner_id,
            topic,
            j.score,
            question=question,
            answer=answer,
            feedback=f"[{j.method}] {j.feedback}",
        )


# ---- plan -------------------------------------------------------------------------------------


def _exercise_titles() -> dict[str, dict[str, str]]:
    """Exercise id -> title per language. The plan must show even when an exercise folder does
    not load: its id then stands in for its title (as in the plan's Markdown)."""
    from dltutor.course.exercises import ExerciseError, load_exercises

    try:
        return {e.id: e.title for e in load_exercises()}
    except ExerciseError:
        log.exception("an exercise does not load; the plan shows exercise ids")
        return {}


def plan_and_weeks(
    request: Request, db: Session, course: Course, me: Learner
) -> tuple[Plan, list[plans.WeekView]]:
    plan = record.plan_for(db, course, me.id)
    if plan is None:
        raise HTTPException(404, "no plan yet: fill in your profile first")
    lang = page_lang(request, me)
    titles = {e: t.get(lang, e) for e, t in _exercise_titles().items()}
    return plan, plans.weeks(plan, course, lang, plans.ticks(db, me.id), titles)


@router.get("/plan", response_model=PlanOut)
def read_plan(request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner) -> PlanOut:
    """The study plan from the profile and current mastery, with the learner's ticks."""
    plan, views = plan_and_weeks(request, db, course, me)
    ticked, total = plans.progress(views)
    return PlanOut(
        weeks=[
            WeekOut(
                week=w.week,
                stage=w.stage,
                stage_name=w.stage_name,
                hours=w.hours,
                topics=w.topics,
                exercises=w.exercises,
                checkpoints=[CheckpointOut(**vars(c)) for c in w.checkpoints],
                notes=w.notes,
            )
            for w in views
        ],
        ticked=ticked,
        total=total,
        goals=plan.goals,
        unmatched_goals=plan.unmatched_goals,
        skipped=plan.skipped,
    )


@router.get("/plan.md", response_class=PlainTextResponse)
def plan_markdown(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> PlainTextResponse:
    """The plan as Markdown (ticked checkpoints as `- [x]`), to download."""
    plan, views = plan_and_weeks(request, db, course, me)
    return PlainTextResponse(
        plans.markdown(plan, views, page_lang(request, me)),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="study-plan.md"'},
    )


@router.post("/plan/checkpoints", response_model=TicksOut, dependencies=[CSRF])
def tick_checkpoint(
    body: CheckIn, request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> TicksOut:
    """Tick (or untick) one of the plan's checkpoints."""
    try:
        plans.set_tick(db, course, me.id, body.key, body.done)
    except KeyError:
        raise HTTPException(404, "no such checkpoint") from None
    try:
        _plan_obj, views = plan_and_weeks(request, db, course, me)
    except HTTPException:
        return TicksOut(ticked=0, total=0)
    ticked, total = plans.progress(views)
    return TicksOut(ticked=ticked, total=total)


# ---- quizzes and reviews ----------------------------------------------------------------------


@router.get("/topics/{topic_id}/quiz", response_model=list[ItemOut])
def topic_quiz(
    topic_id: TopicPath, request: Request, course: CourseDep, me: CurrentLearner
) -> list[ItemOut]:
    """A topic's quiz items (questions and options, not answers)."""
    if topic_id not in course:
        raise HTTPException(404, "no such topic")
    lang = page_lang(request, me)
    return [ItemOut(**practice.item_view(course, i, lang, me.id)) for i in course[topic_id].quiz]


@router.post("/quiz/answer", response_model=FeedbackOut, dependencies=[CSRF])
def answer_quiz(
    body: AnswerIn, request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> FeedbackOut:
    """Answer a quiz item: mastery and the topic's review schedule are updated."""
    try:
        item = practice.find_item(course, body.item_id)
    except KeyError:
        raise HTTPException(404, "no such quiz item") from None
    check_choice(course, body.item_id, body.response)
    out = practice.answer_quiz(db, course, me.id, item, body.response, page_lang(request, me))
    return FeedbackOut(**out)


@router.get("/reviews", response_model=list[ReviewOut])
def read_reviews(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> list[ReviewOut]:
    """Topics due for review, each with a question to answer."""
    cards = practice.review_cards(db, course, me.id, page_lang(request, me))
    return [
        ReviewOut(
            topic=c.topic,
            title=c.title,
            item=ItemOut(**c.item) if c.item else None,
            question=c.question,
            index=c.index,
        )
        for c in cards
    ]


@router.post("/reviews/{topic_id}/answer", response_model=JudgementOut, dependencies=[CSRF])
async def answer_review_question(
    topic_id: TopicPath,
    body: ReviewAnswerIn,
    request: Request,
    course: CourseDep,
    me: CurrentLearner,
) -> JudgementOut:
    """Answer a topic's check question in words: judged (by the model if there is one)."""
    if topic_id not in course:
        raise HTTPException(404, "no such topic")
    lang = page_lang(request, me)
    q, rubric = course[topic_id].check_question(lang, body.index)
    j = await judge(request.app.state.tutor.client, q, rubric, body.answer, lang)
    after = await asyncio.to_thread(
        store_judgement, request, course, me.id, topic_id, j, q, body.answer
    )
    return JudgementOut(score=j.score, feedback=j.feedback, method=j.method, mastery=after)


@router.get("/progress", response_model=ProgressOut)
def read_progress(
    request: Request, db: SessionDep, course: CourseDep, me: CurrentLearner
) -> ProgressOut:
    """Mastery by stage, learning activity per day, due reviews, exercises passed."""
    return ProgressOut(**progress.summary(db, course, me.id, page_lang(request, me)).to_json())
