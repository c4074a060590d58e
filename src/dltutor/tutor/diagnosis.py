"""The placement diagnosis over HTTP, one item per request.

`Diagnostic` lives in memory, but requests come one at a time (and may reach different
workers), so nothing is kept between them: an attempt is a `diagnosis_start` event, each answer
a `diagnosis_answer` event, and replaying the answers into a fresh `Diagnostic` restores its
posterior (`Diagnostic.to_dict` documents this). The item to ask next is then recomputed; it is
deterministic for the same answers. When no item is left, the mastery goes into the learner's
record (`record.apply_diagnostic`, which logs the `diagnosis` event that ends the attempt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dltutor.course.model import Course, QuizItem
from dltutor.learning.diagnostic import Diagnostic
from dltutor.store import repo
from dltutor.tutor import record

MAX_ITEMS = 15  # enough for 0.95+ mastery accuracy with per-item rates (bench/diagnosis_bench.py)
START, ANSWER, DONE = "diagnosis_start", "diagnosis_answer", "diagnosis"
# The closing open question, judged by the model when there is one.
OPEN_TOPIC = "ml.dl_vs_traditional_ml"
OPEN_QUESTION = {
    "zh": "用你自己的话解释什么是深度学习。",
    "en": "In your own words, explain what deep learning is.",
}
OPEN_RUBRIC = {
    "zh": "机器学习的一个分支；用多层神经网络从数据中自动学习特征/表示（层层抽象）；"
    "通过损失函数、反向传播与梯度下降训练参数；需要大量数据和算力；"
    "与传统机器学习相比不依赖手工特征。",
    "en": "a branch of machine learning; multi-layer neural networks learn features or "
    "representations from data automatically (layers of abstraction); trained by a loss, "
    "backpropagation and gradient descent; needs much data and compute; unlike traditional "
    "machine learning it does not rely on hand-made features.",
}


class DiagnosisError(ValueError):
    """An answer that does not fit the attempt (none in progress, unknown or repeated item)."""


@dataclass
class Attempt:
    start_id: int
    lang: str
    level: str | None
    answers: list[dict[str, Any]] = field(default_factory=list)  # {item, correct, response}
    finished: bool = False
    diagnostic: Diagnostic | None = None
    next_item: QuizItem | None = None


def start(db: Session, learner_id: int, lang: str, level: str | None) -> int:
    ev = repo.log_event(db, learner_id=learner_id, kind=START, lang=lang, level=level)
    return ev.id


def current(db: Session, course: Course, learner_id: int, *, replay: bool = True) -> Attempt | None:
    """The learner's latest attempt, replayed (with its next item) unless `replay` is False."""
    starts = repo.list_events(db, learner_id=learner_id, kind=START, limit=1)
    if not starts:
        return None
    s = starts[0]
    attempt = Attempt(s.id, str(s.payload.get("lang") or "zh"), s.payload.get("level"))
    answers = [
        e
        for e in repo.list_events(db, learner_id=learner_id, kind=ANSWER, limit=MAX_ITEMS * 3)
        if e.payload.get("attempt") == s.id
    ]
    attempt.answers = [
        {k: e.payload.get(k) for k in ("item", "correct", "response")} for e in reversed(answers)
    ]
    dones = repo.list_events(db, learner_id=learner_id, kind=DONE, limit=1)
    attempt.finished = bool(dones) and dones[0].id > s.id
    if replay and not attempt.finished:
        d = Diagnostic(course, max_items=MAX_ITEMS, lang=attempt.lang, level=attempt.level)
        for a in attempt.answers:
            d.record(str(a["item"]), bool(a["correct"]))
        attempt.diagnostic = d
        attempt.next_item = d.next_item()
    return attempt


def answer(
    db: Session, course: Course, learner_id: int, item_id: str, response: str | int
) -> Attempt:
    """Record one answer; finish the attempt when it was the last. Returns the attempt after."""
    attempt = current(db, course, learner_id)
    if attempt is None or attempt.finished or attempt.diagnostic is None:
        raise DiagnosisError("no diagnosis in progress")
    if any(a["item"] == item_id for a in attempt.answers):
        raise DiagnosisError("already answered")
    if attempt.next_item is None or attempt.next_item.id != item_id:
        raise DiagnosisError("not the current item")
    item = attempt.next_item
    correct = item.is_correct(response, attempt.lang if attempt.lang in item.text else "en")
    repo.log_event(
        db,
        learner_id=learner_id,
        kind=ANSWER,
        topic=item.topic,
        attempt=attempt.start_id,
        item=item.id,
        correct=correct,
        response=str(response)[:500],
    )
    d = attempt.diagnostic
    d.record(item.id, correct)
    attempt.answers.append({"item": item.id, "correct": correct, "response": str(response)})
    attempt.next_item = d.next_item()
    if attempt.next_item is None:
        finish(db, learner_id, attempt)
    return attempt


def finish(db: Session, learner_id: int, attempt: Attempt) -> None:
    """The posterior becomes the learner's starting mastery; the attempt is over."""
    assert attempt.diagnostic is not None
    record.apply_diagnostic(
        db,
        learner_id,
        attempt.diagnostic.mastery(),
        [{"item": a["item"], "correct": a["correct"]} for a in attempt.answers],
    )
    attempt.finished = True


def open_answer(db: Session, learner_id: int) -> dict[str, Any] | None:
    """The judged answer to the open question, if the learner gave one after the diagnosis."""
    dones = repo.list_events(db, learner_id=learner_id, kind=DONE, limit=1)
    if not dones:
        return None
    questions = set(OPEN_QUESTION.values())
    for ev in repo.list_events(db, learner_id=learner_id, kind="judged", limit=200):
        if ev.id < dones[0].id:
            break
        if ev.payload.get("question") in questions:
            out = dict(ev.payload)
            # stored as "[method] feedback" (record.apply_judgement keeps one text field)
            m = re.match(r"^\[(\w+)\]\s*", str(out.get("feedback", "")))
            if m:
                out["method"], out["feedback"] = m.group(1), out["feedback"][m.end() :]
            return out
    return None
