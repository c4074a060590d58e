"""One hint ladder per learner and exercise, shared by the exercise page, the CLI and the chat.

The ladder is the exercise's hints (nudge, approach, key step or pitfall), then its worked
example on an input that is not the task's. Every rung a learner has been shown is a `hint`
event in the store (payload: exercise, level), so the page's button, `dltutor exercise hint`
and the teaching chat (`LoopState.hints_given`, synced by tutor/teacher.py) all continue from
the same place: two hints opened on the page mean the chat's next hint is the third.

The solution is never a rung. Only the teaching policy gives it, and only after three failed
attempts, every hint seen and a second request (learning/policy.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dltutor.store import repo

HINT_EVENT = "hint"
EXAMPLE_LABEL = {
    "en": "**Worked example** (on an input that is not the task's):",
    "zh": "**示例演算**（换一个输入，不是题目本身的）：",
}


def rungs(exercise: Any) -> int:
    """How many rungs the ladder has: the hints, plus the worked example if there is one."""
    return len(exercise.hints) + (1 if getattr(exercise, "example", None) else 0)


def seen(db: Session, learner_id: int, exercise_id: str) -> int:
    """How many rungs of this exercise's ladder the learner has been shown, anywhere."""
    levels = [
        int(ev.payload.get("level") or 0)
        for ev in repo.list_events(db, learner_id=learner_id, kind=HINT_EVENT, limit=5000)
        if ev.payload.get("exercise") == exercise_id
    ]
    # Older events carry no level: each counts as one more rung.
    return max([*levels, len(levels)], default=0)


def reveal(db: Session, learner_id: int, exercise: Any, up_to: int | None = None) -> int:
    """Show the next rung (or every rung up to `up_to`); returns how many are shown now.
    Past the last rung nothing changes: the worked example stays the last thing shown."""
    shown = seen(db, learner_id, exercise.id)
    target = min(rungs(exercise), shown + 1 if up_to is None else up_to)
    for level in range(shown + 1, target + 1):
        repo.log_event(
            db,
            learner_id=learner_id,
            kind=HINT_EVENT,
            topic=exercise.topic,
            exercise=exercise.id,
            level=level,
        )
    return max(shown, target)


def rung_text(exercise: Any, level: int, lang: str) -> str:
    """The text of rung `level` (1-based) in the learner's language, Markdown."""
    if level <= len(exercise.hints):
        hint = exercise.hints[level - 1]
        return str(hint.get(lang) or next(iter(hint.values()), ""))
    example = exercise.example or {}
    body = str(example.get(lang) or next(iter(example.values()), ""))
    return f"{EXAMPLE_LABEL.get(lang, EXAMPLE_LABEL['en'])}\n\n{body}"


def texts(exercise: Any, shown: int, lang: str) -> list[str]:
    """The rungs shown so far, in order."""
    return [rung_text(exercise, level, lang) for level in range(1, shown + 1)]


def chat_rung(
    db: Session, learner_id: int, exercise: Any, payload: dict[str, Any], lang: str
) -> str:
    """The teaching chat's `give_hint` move: record its rung on the shared ladder and phrase it
    (the worked example after the last hint; the last hint again if there is no example)."""
    from dltutor.tutor.texts import phrase

    rung = int(payload.get("rung") or payload.get("level") or 1)
    reveal(db, learner_id, exercise, up_to=rung)
    if rung > len(exercise.hints) and getattr(exercise, "example", None):
        text = rung_text(exercise, rung, lang)
    else:
        level = min(rung, len(exercise.hints))
        of = payload.get("of", len(exercise.hints))
        text = phrase("hint", lang, level=level, of=of, hint=rung_text(exercise, level, lang))
    if payload.get("worked_example") and payload.get("attempts_before_solution"):
        text += phrase("hint_more", lang, n=payload["attempts_before_solution"])
    return text
