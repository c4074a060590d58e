"""An Anki deck of what a learner should practise: one note per topic due for review (its
check question) and one per quiz item they have missed, in their language, math rendered as
MathML (Anki's card view is a Chromium web view, which shows it), tagged by topic and stage.

Re-exporting updates rather than duplicates: Anki matches notes by GUID, and each GUID is made
from a stable id (the topic's, or the quiz item's), never from the text or the language; the
note type and the deck have fixed ids for the same reason.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import genanki
from sqlalchemy.orm import Session

from dltutor.course.model import Course, QuizItem
from dltutor.course.render import render_markdown
from dltutor.store import repo
from dltutor.tutor import practice, record

# Fixed, random ids (genanki's advice: pick once, never change): a second export is the same
# note type and deck to Anki, so its notes update those of the first.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
DECK_NAME = "dltutor 深度学习导师"

LABELS = {
    "review": {"en": "Review", "zh": "复习"},
    "quiz": {"en": "Quiz item you missed", "zh": "答错过的测验题"},
    "answer": {"en": "Answer", "zh": "答案"},
    "good_answer": {"en": "A good answer covers", "zh": "好的回答应包括"},
}
CSS = """.card { font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: 18px;
  text-align: left; line-height: 1.5; }
.topic { color: #666; font-size: 14px; }
math { font-size: 1.1em; }
pre { background: #f4f4f4; padding: .5em; overflow-x: auto; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "dltutor card",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
    css=CSS,
)


@dataclass
class AnkiCard:
    guid: str
    front: str  # HTML
    back: str  # HTML
    source: str  # "review:<topic>" or "quiz:<item id>": what the card was made from
    tags: list[str] = field(default_factory=list)


def _tags(course: Course, topic: str) -> list[str]:
    # Anki tags cannot hold spaces; "::" makes a tag tree (dltutor::stage::2) in Anki's browser.
    return ["dltutor", f"dltutor::topic::{topic}", f"dltutor::stage::{course[topic].stage}"]


def _head(course: Course, topic: str, kind: str, lang: str) -> str:
    title = course.title(topic, lang)
    return f'<div class="topic">{LABELS[kind][lang]} · {title}</div>'


def review_card(course: Course, topic: str, lang: str) -> AnkiCard:
    question, rubric = course[topic].check_question(lang, 0)
    back = f"<p><b>{LABELS['good_answer'][lang]}</b></p>{render_markdown(rubric)}"
    return AnkiCard(
        guid=genanki.guid_for("dltutor", "review", topic),
        front=_head(course, topic, "review", lang) + render_markdown(question),
        back=back,
        source=f"review:{topic}",
        tags=_tags(course, topic),
    )


def quiz_card(course: Course, item: QuizItem, lang: str) -> AnkiCard:
    shown = practice.item_lang(item, lang)
    front = _head(course, item.topic, "quiz", lang) + render_markdown(item.question(shown))
    options = item.options(shown)
    if options:  # in file order, labelled by id: the card is the same on every export
        front += "<ol type='a'>" + "".join(
            f"<li>{render_markdown(t)}</li>" for t in options.values()
        )
        front += "</ol>"
    answer = item.answer_text(shown)
    if item.key is not None:
        answer = f"({item.key}) {answer}"
    back = f"<p><b>{LABELS['answer'][lang]}:</b></p>{render_markdown(answer)}"
    explanation = str(item.text[shown].get("explanation") or "")
    if explanation:
        back += render_markdown(explanation)
    return AnkiCard(
        guid=genanki.guid_for("dltutor", "quiz", item.id),
        front=front,
        back=back,
        source=f"quiz:{item.id}",
        tags=_tags(course, item.topic),
    )


def missed_items(db: Session, course: Course, learner_id: int) -> list[QuizItem]:
    """Every quiz item the learner has answered wrong at least once, oldest miss first."""
    seen: dict[str, QuizItem] = {}
    events = repo.list_events(db, learner_id=learner_id, kind="quiz", limit=5000)
    for ev in reversed(events):  # the store lists newest first
        item_id = str(ev.payload.get("item") or "")
        if ev.payload.get("correct") is False and item_id not in seen:
            try:
                seen[item_id] = practice.find_item(course, item_id)
            except KeyError:  # an item since removed from the course
                continue
    return list(seen.values())


def learner_cards(db: Session, course: Course, learner_id: int, lang: str) -> list[AnkiCard]:
    due = [t for t in record.due_reviews(db, learner_id) if t in course]
    cards = [review_card(course, t, lang) for t in due]
    cards += [quiz_card(course, item, lang) for item in missed_items(db, course, learner_id)]
    return cards


def write_apkg(cards: list[AnkiCard], path: Path) -> Path:
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    for c in cards:
        deck.add_note(
            genanki.Note(model=MODEL, fields=[c.front, c.back, c.source], guid=c.guid, tags=c.tags)
        )
    genanki.Package(deck).write_to_file(str(path))
    return path


def apkg_bytes(cards: list[AnkiCard]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="dltutor-anki-") as tmp:
        return write_apkg(cards, Path(tmp) / "deck.apkg").read_bytes()
