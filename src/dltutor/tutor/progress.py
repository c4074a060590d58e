"""A learner's progress in numbers: mastery by stage, activity per day, exercises passed.

Plain functions over the store and the learner's record, shared by the dashboard, the JSON API
and the teacher's class page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.learning import reviews
from dltutor.learning.planner import STAGE_NAMES
from dltutor.store import repo
from dltutor.store.models import Event
from dltutor.tutor import record

MASTERED = 0.8
ACTIVITY_DAYS = 28
# Events that are learning (not bookkeeping such as a saved profile or a ticked checkbox).
LEARNING_KINDS = {"quiz", "grade", "judged", "diagnosis", "diagnosis_answer", "hint"}


@dataclass
class StageRow:
    stage: int
    name: str
    mean: float  # mean P(mastered) over the stage's topics
    mastered: int  # topics at P >= MASTERED
    topics: int


def mastery_by_stage(course: Course, mastery: Any, lang: str) -> list[StageRow]:
    """`mastery` maps a topic to P(mastered) (a Mastery reads unseen topics as its prior)."""
    by_stage: dict[int, list[float]] = {}
    for topic in course:
        by_stage.setdefault(topic.stage, []).append(float(mastery[topic.id]))
    rows = []
    for stage, values in sorted(by_stage.items()):
        name = STAGE_NAMES.get(stage, {}).get(lang) or f"{stage}"
        rows.append(
            StageRow(
                stage,
                name,
                round(sum(values) / len(values), 4),
                sum(v >= MASTERED for v in values),
                len(values),
            )
        )
    return rows


def activity_by_day(
    events: list[Event], days: int = ACTIVITY_DAYS, today: date | None = None
) -> list[tuple[date, int]]:
    """Learning events per day (UTC) for the last `days` days, oldest first, zeros included."""
    today = today or datetime.now(UTC).date()
    counts = Counter(
        _utc(e.created_at).date() for e in events if e.kind in LEARNING_KINDS and e.created_at
    )
    start = today - timedelta(days=days - 1)
    return [
        (start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)
    ]


def _utc(t: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones.
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@dataclass
class Summary:
    stages: list[StageRow]
    activity: list[tuple[date, int]]
    due_reviews: list[str]
    exercises_passed: int
    exercises_tried: int
    last_active: datetime | None
    events_7d: int

    def to_json(self) -> dict[str, Any]:
        return {
            "stages": [asdict(s) for s in self.stages],
            "activity": [{"day": d.isoformat(), "events": c} for d, c in self.activity],
            "due_reviews": self.due_reviews,
            "exercises_passed": self.exercises_passed,
            "exercises_tried": self.exercises_tried,
            "last_active": self.last_active.isoformat() if self.last_active else None,
            "events_7d": self.events_7d,
        }


def summary(db: Session, course: Course, learner_id: int, lang: str) -> Summary:
    rec = record.load_record(db, learner_id)
    events = repo.list_events(db, learner_id=learner_id, limit=5000)
    grades = repo.list_grades(db, learner_id=learner_id)
    week_ago = datetime.now(UTC) - timedelta(days=7)
    learning = [e for e in events if e.kind in LEARNING_KINDS]
    return Summary(
        stages=mastery_by_stage(course, rec.mastery, lang),
        activity=activity_by_day(events),
        due_reviews=[t for t in reviews.due(rec.cards) if t in course],
        exercises_passed=len({g.exercise_id for g in grades if g.passed}),
        exercises_tried=len({g.exercise_id for g in grades}),
        last_active=_utc(learning[0].created_at) if learning else None,
        events_7d=sum(_utc(e.created_at) >= week_ago for e in learning),
    )
