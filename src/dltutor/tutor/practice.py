"""Quiz items and review questions, as the web shows and records them (exercise hints:
tutor/hints.py, one ladder shared with the CLI and the chat)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dltutor.course.model import Course, QuizItem
from dltutor.learning.shuffle import option_order
from dltutor.store import repo
from dltutor.tutor import record


def find_item(course: Course, item_id: str) -> QuizItem:
    """The quiz item with this id ("<topic>/<local id>"); KeyError if there is none."""
    topic = item_id.split("/", 1)[0]
    if topic not in course:
        raise KeyError(item_id)
    for item in course[topic].quiz:
        if item.id == item_id:
            return item
    raise KeyError(item_id)


def item_lang(item: QuizItem, lang: str) -> str:
    """The language to show an item in: the learner's when written, else the other."""
    return lang if lang in item.text else next(iter(item.text))


def item_view(course: Course, item: QuizItem, lang: str, learner_id: int | None) -> dict[str, Any]:
    """What a page shows of an item (never the answer): the options in this learner's order
    (`learning/shuffle.py`), each with the id to answer with."""
    shown = item_lang(item, lang)
    options = item.options(shown)
    return {
        "id": item.id,
        "topic": item.topic,
        "type": item.type,
        "question": item.question(shown),
        "options": [
            {"id": oid, "text": options[oid]}
            for oid in option_order(course, item, learner_id)
            if oid in options
        ],
    }


def feedback(item: QuizItem, response: str | int, correct: bool, lang: str) -> dict[str, Any]:
    """After an answer: the explanation, and why the chosen wrong option is wrong."""
    shown = item_lang(item, lang)
    out: dict[str, Any] = {
        "correct": correct,
        "explanation": str(item.text[shown].get("explanation") or ""),
        "answer": item.answer_text(shown),
    }
    if item.key is not None and not correct:
        why = item.why_wrong(shown, str(response).strip().lower())
        if why:
            out["why_wrong"] = why
    return out


def answer_quiz(
    db: Session, course: Course, learner_id: int, item: QuizItem, response: str | int, lang: str
) -> dict[str, Any]:
    """Record an answer (mastery, review schedule, event) and say how it went."""
    shown = item_lang(item, lang)
    correct = record.apply_quiz(db, course, learner_id, item, response, shown)
    out = feedback(item, response, correct, shown)
    out["mastery"] = round(record.load_record(db, learner_id).p(item.topic), 4)
    return out


def prerequisite_checks(
    course: Course, mastery: dict[str, float], topic_id: str, lang: str, learner_id: int
) -> list[dict[str, Any]]:
    """One quick item per prerequisite of `topic_id` the learner has not shown (mastery below
    the teaching policy's bar for building on it), easiest first, with the topic to review."""
    from dltutor.learning.policy import SURE

    checks = []
    for r in course[topic_id].requires:
        if r not in course or mastery.get(r, 0.0) >= SURE or not course[r].quiz:
            continue
        items = sorted(course[r].quiz, key=lambda q: (q.key is None, q.difficulty, q.id))
        checks.append(
            {
                "topic": r,
                "title": course.title(r, lang),
                "item": item_view(course, items[0], lang, learner_id),
            }
        )
    return checks


@dataclass
class ReviewCard:
    topic: str
    title: str
    item: dict[str, Any] | None  # a quiz item to answer, or
    question: str | None  # a check question to answer in words (judged)
    index: int = 0  # which of the lesson's check questions


def review_cards(db: Session, course: Course, learner_id: int, lang: str) -> list[ReviewCard]:
    """The learner's due topics, each with something to answer. A topic's quiz items and its
    lesson's check questions take turns (by how often the topic was answered before), so a
    review is not the same question every time, and sometimes asks for an explanation."""
    due = [t for t in record.due_reviews(db, learner_id) if t in course]
    if not due:
        return []
    answered: dict[str, int] = {}
    for kind in ("quiz", "judged"):
        for ev in repo.list_events(db, learner_id=learner_id, kind=kind, limit=5000):
            if ev.topic:
                answered[ev.topic] = answered.get(ev.topic, 0) + 1
    cards = []
    for topic in due:
        title = course.title(topic, lang)
        turn = answered.get(topic, 0)
        items = course[topic].quiz
        n_checks = len(course[topic].check_questions(lang)) or 1
        pick = turn % (len(items) + n_checks)
        if pick < len(items):
            cards.append(
                ReviewCard(topic, title, item_view(course, items[pick], lang, learner_id), None)
            )
        else:
            index = pick - len(items)
            question = course[topic].check_question(lang, index)[0]
            cards.append(ReviewCard(topic, title, None, question, index))
    return cards
