"""The order in which a learner sees a choice item's options: seeded, stable and fair.

- Seeded by the learner (and the stage), so one learner sees one order on the lesson page, in
  the diagnosis, in reviews, in the CLI and through the API, across reloads and processes.
  `random.Random` seeded with a str hashes it with SHA-512; Python's `hash()` is salted per
  process and would not do.
- Fair: within each stage, the learner's keys are spread over the positions as evenly as the
  items allow (each key goes to the least used position it can take, in a seeded order), so a
  learner who always picks the same position scores about 1/4 on every stage whatever the
  data's file order. The wrong options fill the other places in a seeded random order.

What a shuffle cannot fix is a key that gives itself away by its wording or length; `course
check` (check_assessment.py) holds the data to that.
"""

from __future__ import annotations

import random

from dltutor.course.model import Course, QuizItem


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join(["dltutor-options", *map(str, parts)]))


def key_positions(course: Course, stage: int, learner: int | str) -> dict[str, int]:
    """Item id -> the 0-based place of its key, for every choice item of one stage."""
    items = [q for t in course if t.stage == stage for q in t.quiz if q.key is not None]
    rng = _rng(learner, "stage", stage)
    rng.shuffle(items)
    used: dict[int, int] = {}
    out: dict[str, int] = {}
    for item in items:
        n = len(item.option_ids)
        if n == 0:
            continue
        fewest = min(used.get(p, 0) for p in range(n))
        pos = rng.choice([p for p in range(n) if used.get(p, 0) == fewest])
        used[pos] = used.get(pos, 0) + 1
        out[item.id] = pos
    return out


def option_order(course: Course, item: QuizItem, learner: int | str | None) -> list[str]:
    """The item's option ids in the order this learner sees them (file order without a
    learner, or for an item that is not in the course, such as a diagnosis probe)."""
    ids = item.option_ids
    if learner is None or item.key is None or item.key not in ids or item.topic not in course:
        return ids
    stage = course[item.topic].stage
    pos = key_positions(course, stage, learner).get(item.id)
    if pos is None:
        return ids
    others = [i for i in ids if i != item.key]
    _rng(learner, "item", item.id).shuffle(others)
    others.insert(pos, item.key)
    return others
