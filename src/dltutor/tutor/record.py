"""A learner's record: profile, mastery per topic, review cards, grades — loaded from and saved
to the store, and updated by every piece of evidence (quiz answers, grades, judged answers).

Each `apply_*` function does one thing completely: update mastery (BKT, along the graph),
schedule the topic's review (FSRS), log the event, and save — so that the web app, the CLI and
tests all leave the same trail in the database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fsrs import Card, Rating
from sqlalchemy.orm import Session

from dltutor.course.model import Course, QuizItem
from dltutor.learning import reviews
from dltutor.learning.knowledge import Evidence, Mastery
from dltutor.learning.planner import Plan, make_plan
from dltutor.learning.profile import Profile
from dltutor.store import repo
from dltutor.store.models import Grade, Learner


@dataclass
class LearnerRecord:
    learner_id: int
    profile: Profile | None
    mastery: Mastery
    cards: dict[str, Card] = field(default_factory=dict)
    _saved: dict[str, float] = field(default_factory=dict, repr=False)

    def p(self, topic: str) -> float:
        return self.mastery[topic]


def load_record(db: Session, learner_id: int) -> LearnerRecord:
    learner = db.get(Learner, learner_id)
    if learner is None:
        raise LookupError(f"learner {learner_id} not found")
    profile = Profile.model_validate(learner.profile) if learner.profile else None
    states = repo.topic_states(db, learner_id=learner_id)
    mastery = Mastery({t: s.mastery for t, s in states.items()})
    cards = reviews.cards_from_dict({t: s.card for t, s in states.items() if s.card})
    return LearnerRecord(learner_id, profile, mastery, cards, dict(mastery.p))


def mastery_of(db: Session, learner_id: int, topics: Collection[str]) -> Mastery:
    """Mastery of `topics` only (the others read as the prior): what a chat turn needs to check
    a topic's prerequisites. One narrow query; `load_record` also builds the learner's profile
    and review cards, a third of the web server's CPU for a chat turn (profiled)."""
    return Mastery(repo.masteries(db, learner_id=learner_id, topics=topics))


def save_record(
    db: Session, rec: LearnerRecord, touched: set[str] | frozenset[str] = frozenset()
) -> None:
    """Write back every topic whose mastery changed, and the cards of `touched` topics."""
    changed = {t for t, v in rec.mastery.p.items() if rec._saved.get(t) != v} | set(touched)
    for topic in changed:
        card = rec.cards.get(topic)
        repo.upsert_topic_state(
            db,
            learner_id=rec.learner_id,
            topic=topic,
            mastery=rec.mastery[topic],
            **({"card": dict(card.to_dict()), "due": card.due} if card else {}),
        )
    rec._saved = dict(rec.mastery.p)


def save_profile(db: Session, learner_id: int, profile: Profile) -> None:
    learner = db.get(Learner, learner_id)
    if learner is None:
        raise LookupError(f"learner {learner_id} not found")
    learner.profile = profile.model_dump(mode="json")
    learner.lang = profile.language
    if profile.name:
        learner.name = profile.name
    repo.log_event(db, learner_id=learner_id, kind="profile", **learner.profile)


def apply_diagnostic(
    db: Session, learner_id: int, mastery: dict[str, float], answers: list[dict[str, Any]]
) -> LearnerRecord:
    """The diagnosis sets the starting mastery of every topic (evidence seen so far is kept)."""
    rec = load_record(db, learner_id)
    for topic, p in mastery.items():
        rec.mastery.p[topic] = float(p)
    save_record(db, rec)
    repo.log_event(db, learner_id=learner_id, kind="diagnosis", answers=answers, items=len(answers))
    return rec


def apply_evidence(
    db: Session,
    course: Course,
    learner_id: int,
    evidence: Evidence,
    rating: Rating,
    event: dict[str, Any],
    now: datetime | None = None,
) -> tuple[float, float]:
    """The one way an answer moves the record: mastery takes the evidence, the topic's review
    card the rating, both are saved, and the event is logged with mastery before and after.
    Returns (before, after)."""
    rec = load_record(db, learner_id)
    before = rec.p(evidence.topic)
    after = rec.mastery.take(course, evidence)
    reviews.review(rec.cards, evidence.topic, rating, now)
    save_record(db, rec, {evidence.topic})
    repo.log_event(
        db,
        learner_id=learner_id,
        topic=evidence.topic,
        **event,
        mastery_before=before,
        mastery_after=after,
    )
    return before, after


def apply_quiz(
    db: Session,
    course: Course,
    learner_id: int,
    item: QuizItem,
    response: str | int,
    lang: str = "zh",
    now: datetime | None = None,
) -> bool:
    correct = item.is_correct(response, lang)
    apply_evidence(
        db,
        course,
        learner_id,
        Evidence.quiz(item.topic, correct),
        reviews.rating_for_quiz(correct),
        {"kind": "quiz", "item": item.id, "response": str(response), "correct": correct},
        now,
    )
    return correct


def apply_grade(
    db: Session,
    course: Course,
    learner_id: int,
    result: Any,
    code: str,
    now: datetime | None = None,
) -> Grade:
    """Store a grading result (dltutor.grader.GradeResult) and let it move mastery and reviews."""
    from dltutor.course.exercises import get_exercise

    topic = get_exercise(result.exercise).topic
    earlier_fails = sum(
        not g.passed
        for g in repo.list_grades(db, learner_id=learner_id, exercise_id=result.exercise)
    )
    record = result.to_record()
    grade = repo.record_grade(
        db,
        learner_id=learner_id,
        exercise_id=result.exercise,
        code=code,
        passed=result.passed,
        tests=record["tests"],
        error=result.error,
        timings={**record.get("timings", {}), "isolation": record.get("isolation", "")},
    )
    apply_evidence(
        db,
        course,
        learner_id,
        Evidence.exercise(topic, result.passed),
        reviews.rating_for_grade(result.passed, earlier_fails),
        {
            "kind": "grade",
            "exercise": result.exercise,
            "passed": result.passed,
            "grade_id": grade.id,
        },
        now,
    )
    return grade


def apply_judgement(
    db: Session,
    course: Course,
    learner_id: int,
    topic: str,
    score: float,
    *,
    question: str,
    answer: str,
    feedback: str,
    now: datetime | None = None,
) -> float:
    _, after = apply_evidence(
        db,
        course,
        learner_id,
        Evidence.judged(topic, score),
        reviews.rating_for_score(score),
        {
            "kind": "judged",
            "score": score,
            "question": question,
            "answer": answer,
            "feedback": feedback,
        },
        now,
    )
    return after


def due_reviews(db: Session, learner_id: int, now: datetime | None = None) -> list[str]:
    return reviews.due(load_record(db, learner_id).cards, now or datetime.now(UTC))


def plan_for(db: Session, course: Course, learner_id: int) -> Plan | None:
    rec = load_record(db, learner_id)
    if rec.profile is None:
        return None
    return make_plan(course, rec.profile, rec.mastery.p)
