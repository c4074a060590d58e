"""The study plan: from a profile and a mastery estimate to weeks of topics, practice and checks.

    plan = make_plan(course, profile, mastery)
    plan.to_json()         # {"weeks": [{"week", "stage", "topics", "exercises", "hours", ...}], ...}
    plan.to_markdown("zh")  # phases and weeks, in the shape of a hand-written study plan

The rules, in order:
1. what to learn: the goals and everything they build on (their prerequisite closure); no goal
   means the whole course;
2. what to skip: topics already mastered (P >= 0.8) and topics marked done;
3. order: by stage, then the course's topological order — a valid order, because a prerequisite
   never lies in a later stage — so no topic comes before its prerequisites;
4. packing: each stage starts a new week (a week belongs to one phase); topics fill a week up to
   `hours_per_week`; a topic that does not fit in what is left of a week starts the next one,
   unless it is longer than a week anyway: then it is split into parts at week ends.

Re-planning is calling `make_plan` again with the updated mastery; `replan` does that while
keeping the weeks already done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from dltutor.course.model import Course
from dltutor.learning.plan_text import (
    STAGE_NAMES,
    check_questions,
    checkpoints,
    plan_markdown,
    week_notes,
)
from dltutor.learning.profile import Profile, resolve_goals

SKIP_AT = 0.8  # P(mastered) from which a topic is left out of the plan
# Hours for a topic whose meta.yaml gives none yet, by stage (projects take longer).
DEFAULT_HOURS = {0: 3.0, 1: 4.0, 2: 5.0, 3: 5.0, 4: 5.0, 5: 6.0, 6: 6.0, 7: 5.0}
PROJECT_HOURS = 8.0
# A beginner takes longer over the same material than an experienced learner.
PACE = {"beginner": 1.25, "intermediate": 1.0, "advanced": 0.8}


@dataclass
class Part:
    """A topic's share of one week: the whole topic, or part `index` of `count` if it is long."""

    topic: str
    hours: float
    index: int = 1
    count: int = 1

    @property
    def last(self) -> bool:
        return self.index == self.count


@dataclass
class Week:
    week: int
    stage: int
    parts: list[Part] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)
    done: bool = False

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(p.topic for p in self.parts))

    @property
    def hours(self) -> float:
        return round(sum(p.hours for p in self.parts), 2)


@dataclass
class Plan:
    course: Course
    profile: Profile
    weeks: list[Week]
    goals: list[str]  # goal topic ids
    unmatched_goals: list[str]  # goal words that matched no topic
    skipped: list[str]  # topics of the closure left out as mastered or done

    @property
    def lang(self) -> str:
        return self.profile.language

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(t for w in self.weeks for t in w.topics))

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.lang
        return {
            "profile": self.profile.name,
            "lang": lang,
            "hours_per_week": self.profile.hours_per_week,
            "goals": self.goals,
            "unmatched_goals": self.unmatched_goals,
            "skipped": self.skipped,
            "total_hours": round(sum(w.hours for w in self.weeks if not w.done), 2),
            "weeks": [
                {
                    "week": w.week,
                    "stage": w.stage,
                    "stage_name": STAGE_NAMES.get(w.stage, {}).get(lang, str(w.stage)),
                    "topics": w.topics,
                    "exercises": w.exercises,
                    "hours": w.hours,
                    "done": w.done,
                    "parts": [
                        {"topic": p.topic, "hours": p.hours, "part": p.index, "of": p.count}
                        for p in w.parts
                    ],
                    "check_questions": check_questions(self.course, w, lang),
                    "checkpoints": checkpoints(self.course, w, lang),
                    "notes": week_notes(self, w, lang),
                }
                for w in self.weeks
            ],
        }

    def to_markdown(self, lang: str | None = None) -> str:
        return plan_markdown(self, lang or self.lang)


def estimate_hours(
    course: Course, topic: str, level: str = "intermediate", p: float = 0.0
) -> float:
    """Study hours for a topic: its meta.yaml figure or a default by stage, scaled by the
    learner's pace and cut by up to half when they already half-know it. Rounded to 0.5 h."""
    t = course[topic]
    base = t.hours or (PROJECT_HOURS if topic.startswith("proj.") else DEFAULT_HOURS[t.stage])
    hours = base * PACE.get(level, 1.0) * (1 - 0.5 * min(max(p, 0.0), 1.0))
    return max(0.5, round(hours * 2) / 2)


def exercises_by_topic() -> dict[str, list[str]]:
    """topic id -> exercise ids, from the contract table in exercises.md."""
    from dltutor.course.exercises import contract_rows

    out: dict[str, list[str]] = {}
    for row in contract_rows():
        out.setdefault(row["topic"], []).append(row["id"])
    return out


def study_topics(course: Course, profile: Profile) -> tuple[list[str], list[str], set[str]]:
    """(goal topic ids, unmatched goal words, the goals with all their prerequisites)."""
    goals, unmatched = resolve_goals(course, profile.goals)
    closure = set(goals)
    for g in goals:
        closure |= course.ancestors(g)
    if not goals:
        closure = set(course.topics)
    # The learner's framework is taught alongside PyTorch, which the projects are written in.
    if profile.framework == "tensorflow" and "fw.pytorch_basics" in closure:
        closure.add("fw.tensorflow_keras")
    return goals, unmatched, closure


def make_plan(
    course: Course,
    profile: Profile,
    mastery: Mapping[str, float] | None = None,
    *,
    done: Iterable[str] = (),
    spent: Mapping[str, float] | None = None,
    first_week: int = 1,
) -> Plan:
    """The plan for `profile` given P(mastered) per topic (see the module docstring).

    `done`: topics finished in earlier weeks; `spent`: hours already put into a topic that is
    not finished (a long topic half done), taken off its estimate.
    """
    mastery = mastery or {}
    spent = spent or {}
    goals, unmatched, closure = study_topics(course, profile)
    done_set = set(done)
    skipped = [t for t in closure if t in done_set or mastery.get(t, 0.0) >= SKIP_AT]
    todo = closure - set(skipped)
    order = course.topological_order()
    position = {t: i for i, t in enumerate(order)}
    ordered = sorted(todo, key=lambda t: (course[t].stage, position[t]))
    by_topic = exercises_by_topic()

    budget = profile.hours_per_week
    min_start = max(1.0, 0.25 * budget)  # a long topic starts in this week only if this is left
    weeks: list[Week] = []
    for stage, topics in groupby(ordered, key=lambda t: course[t].stage):
        week: Week | None = None  # each stage starts a fresh week
        for t in topics:
            hours = estimate_hours(course, t, profile.level, mastery.get(t, 0.0))
            hours = max(0.5, hours - spent.get(t, 0.0))
            room = budget - week.hours if week is not None else 0.0
            if hours <= room + 1e-9:
                assert week is not None
                week.parts.append(Part(t, hours))
            elif hours <= budget:  # fits in a week: keep it whole, in a new one
                week = Week(first_week + len(weeks), stage, [Part(t, hours)])
                weeks.append(week)
            else:  # longer than a week: split at week ends, starting here if enough is left
                shares = [room] if week is not None and room >= min_start else []
                left = hours - sum(shares)
                while left > 1e-9:
                    shares.append(min(budget, left))
                    left -= shares[-1]
                for i, share in enumerate(shares, 1):
                    if i > 1 or not (week is not None and room >= min_start):
                        week = Week(first_week + len(weeks), stage)
                        weeks.append(week)
                    assert week is not None
                    week.parts.append(Part(t, round(share, 2), i, len(shares)))
            assert week is not None
            week.exercises.extend(by_topic.get(t, []))  # with the topic's last part
    skipped.sort(key=lambda t: position[t])
    return Plan(course, profile, weeks, goals, unmatched, skipped)


def replan(plan: Plan, mastery: Mapping[str, float], done_weeks: int) -> Plan:
    """A new plan after `done_weeks` weeks: those weeks kept and marked done, the rest planned
    again from the updated mastery (a long topic part-way through keeps its remaining hours)."""
    kept = [replace(w, done=True) for w in plan.weeks[:done_weeks]]
    finished = {p.topic for w in kept for p in w.parts if p.last}
    spent: dict[str, float] = {}
    for w in kept:
        for p in w.parts:
            if p.topic not in finished:
                spent[p.topic] = spent.get(p.topic, 0.0) + p.hours
    rest = make_plan(
        plan.course,
        plan.profile,
        mastery,
        done=finished,
        spent=spent,
        first_week=len(kept) + 1,
    )
    rest.weeks = kept + rest.weeks
    return rest
