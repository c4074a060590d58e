"""The plan as the web shows it: weeks with links, and checkpoints a learner ticks off.

Checkpoints are the learning objectives of the topics a week finishes (as in the plan's
Markdown). Each has a key that does not depend on the language or the week it falls in
("<topic>#<n>"), so a tick survives re-planning and a switch of language. Ticks are stored as
`plan_check` events (the latest per key wins): no schema change, and the history is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.learning.plan_text import label
from dltutor.learning.planner import STAGE_NAMES, Plan
from dltutor.store import repo

CHECK_EVENT = "plan_check"


@dataclass
class Checkpoint:
    key: str
    text: str
    done: bool


@dataclass
class WeekView:
    week: int
    stage: int
    stage_name: str
    hours: float
    topics: list[dict[str, Any]]  # {id, title, hours, part, of}
    exercises: list[dict[str, str]]  # {id, title}
    checkpoints: list[Checkpoint] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.checkpoints) and all(c.done for c in self.checkpoints)


def checkpoint_keys(course: Course, topic: str, lang: str) -> list[tuple[str, str]]:
    """(key, text) of a topic's checkpoints: its objectives, or "can explain it" if none."""
    t = course[topic]
    objectives = t.objectives.get(lang) or next(iter(t.objectives.values()), [])
    if not objectives:
        return [(f"{topic}#0", label("explain", lang, title=course.title(topic, lang)))]
    return [(f"{topic}#{i}", text) for i, text in enumerate(objectives)]


def ticks(db: Session, learner_id: int) -> dict[str, bool]:
    """The learner's ticked checkpoints: key -> done (the latest event per key)."""
    out: dict[str, bool] = {}
    for ev in repo.list_events(db, learner_id=learner_id, kind=CHECK_EVENT, limit=20_000):
        key = str(ev.payload.get("key", ""))
        if key and key not in out:  # events come newest first
            out[key] = bool(ev.payload.get("done"))
    return out


def set_tick(db: Session, course: Course, learner_id: int, key: str, done: bool) -> None:
    topic, _, index = key.partition("#")
    if topic not in course or not index.isdigit():
        raise KeyError(key)
    repo.log_event(db, learner_id=learner_id, kind=CHECK_EVENT, topic=topic, key=key, done=done)


def weeks(
    plan: Plan, course: Course, lang: str, done: dict[str, bool], exercise_titles: dict[str, str]
) -> list[WeekView]:
    from dltutor.learning.plan_text import week_notes

    out = []
    for w in plan.weeks:
        view = WeekView(
            week=w.week,
            stage=w.stage,
            stage_name=STAGE_NAMES.get(w.stage, {}).get(lang, str(w.stage)),
            hours=w.hours,
            topics=[
                {
                    "id": p.topic,
                    "title": course.title(p.topic, lang),
                    "hours": p.hours,
                    "part": p.index,
                    "of": p.count,
                }
                for p in w.parts
            ],
            exercises=[{"id": e, "title": exercise_titles.get(e, e)} for e in w.exercises],
            notes=week_notes(plan, w, lang),
        )
        for p in w.parts:
            if p.last:
                view.checkpoints += [
                    Checkpoint(key, text, done.get(key, False))
                    for key, text in checkpoint_keys(course, p.topic, lang)
                ]
        out.append(view)
    return out


def progress(views: list[WeekView]) -> tuple[int, int]:
    """(ticked, total) checkpoints over the whole plan."""
    all_checks = [c for w in views for c in w.checkpoints]
    return sum(c.done for c in all_checks), len(all_checks)


def markdown(plan: Plan, views: list[WeekView], lang: str) -> str:
    """The plan's Markdown with the learner's ticked checkpoints shown as `- [x]`."""
    text = plan.to_markdown(lang)
    for c in (c for w in views for c in w.checkpoints if c.done):
        text = text.replace(f"- [ ] {c.text}\n", f"- [x] {c.text}\n", 1)
    return text
