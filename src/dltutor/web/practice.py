"""Quiz items, review questions and exercise hints, as the web shows and records them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dltutor.course.model import CheckQuestion, Course, QuizItem
from dltutor.store import repo
from dltutor.tutor import record

HINT_EVENT = "hint"


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


def item_view(item: QuizItem, lang: str) -> dict[str, Any]:
    """What a page shows of an item (never the answer)."""
    t = item.text[item_lang(item, lang)]
    return {
        "id": item.id,
        "topic": item.topic,
        "type": item.type,
        "question": str(t["question"]),
        "options": [str(o) for o in t.get("options") or []],
    }


def feedback(item: QuizItem, response: str | int, correct: bool, lang: str) -> dict[str, Any]:
    """After an answer: the explanation, and why the chosen wrong option is wrong."""
    t = item.text[item_lang(item, lang)]
    out: dict[str, Any] = {"correct": correct, "explanation": str(t.get("explanation") or "")}
    if item.type == "mcq":
        options = t.get("options") or []
        answer = int(t["answer"])
        out["answer"] = str(options[answer]) if 0 <= answer < len(options) else str(answer)
        why = t.get("why_wrong") or []
        try:
            chosen = int(response)
        except (TypeError, ValueError):
            chosen = -1
        if not correct and 0 <= chosen < len(why) and why[chosen]:
            out["why_wrong"] = str(why[chosen])
    else:
        out["answer"] = str(t.get("answer", ""))
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
        n_checks = len(_check_questions(course, topic, lang)) or 1
        pick = turn % (len(items) + n_checks)
        if pick < len(items):
            cards.append(ReviewCard(topic, title, item_view(items[pick], lang), None))
        else:
            index = pick - len(items)
            question = check_question(course, topic, lang, index)[0]
            cards.append(ReviewCard(topic, title, None, question, index))
    return cards


def _check_questions(course: Course, topic: str, lang: str) -> list[CheckQuestion]:
    t = course[topic]
    lesson = t.lessons.get(lang) or next(iter(t.lessons.values()), None)
    return list(lesson.check_questions) if lesson else []


def check_question(course: Course, topic: str, lang: str, index: int = 0) -> tuple[str, str]:
    """(question, rubric): one of the lesson's check questions, else "explain it in your words"."""
    questions = _check_questions(course, topic, lang)
    if questions:
        q = questions[index % len(questions)]
        return q.question, q.rubric
    title = course.title(topic, lang)
    if lang == "zh":
        return f"用你自己的话说说：{title} 是什么？", title
    return f"In your own words: what is {title}?", title


# ---- exercise hints: a ladder, one rung at a time ------------------------------------------------


def hints_seen(db: Session, learner_id: int, exercise_id: str) -> int:
    return sum(
        ev.payload.get("exercise") == exercise_id
        for ev in repo.list_events(db, learner_id=learner_id, kind=HINT_EVENT, limit=5000)
    )


def reveal_hint(db: Session, learner_id: int, exercise: Any) -> int:
    """Show the next rung of the exercise's hint ladder; returns how many are now shown."""
    seen = hints_seen(db, learner_id, exercise.id)
    if seen >= len(exercise.hints):
        return seen
    repo.log_event(
        db,
        learner_id=learner_id,
        kind=HINT_EVENT,
        topic=exercise.topic,
        exercise=exercise.id,
        level=seen + 1,
    )
    return seen + 1
