"""Anki export: `dltutor export anki` and the reviews page's button write an .apkg (a zip
holding Anki's SQLite collection) with one note per due review and per missed quiz item, in
the learner's language, math as MathML, tagged by topic and stage; exporting again keeps
every note's GUID, so Anki updates the notes instead of adding copies."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dltutor.cli import app as cli
from dltutor.config import get_settings
from dltutor.course.model import Course, QuizItem
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.store.models import TopicState
from dltutor.tutor import anki, record
from dltutor.web.deps import shipped_course
from tests.web.conftest import as_user, signup, unique

MATH_TOPIC = "rnn.lstm_gru"  # its check question has an equation


def keyed(course: Course, n: int) -> list[QuizItem]:
    items = [i for t in course for i in t.quiz if i.key is not None and "zh" in i.text]
    return items[:n]


def wrong_option(item: QuizItem) -> str:
    return next(o for o in item.option_ids if o != item.key)


def make_due(db_url: str, learner_id: int, topic: str) -> None:
    with session_scope(db_url) as db:
        state = db.get(TopicState, (learner_id, topic))
        assert state is not None and state.card
        state.card = {**state.card, "due": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}


def read_notes(apkg: bytes | Path) -> dict[str, dict[str, object]]:
    """The notes of an .apkg, by GUID: fields, tags; and the ids of note type and deck."""
    data = apkg.read_bytes() if isinstance(apkg, Path) else apkg
    with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("collection.anki2") as f:
        raw = f.read()
    db = sqlite3.connect(":memory:")
    db.deserialize(raw)
    models, decks = db.execute("select models, decks from col").fetchone()
    assert str(anki.DECK_ID) in json.loads(decks)
    out = {}
    for guid, mid, flds, tags in db.execute("select guid, mid, flds, tags from notes"):
        assert mid == anki.MODEL_ID
        front, back, source = flds.split("\x1f")
        out[guid] = {"front": front, "back": back, "source": source, "tags": tags.split()}
    if out:  # genanki stores a note type with the notes that use it
        assert str(anki.MODEL_ID) in json.loads(models)
    return out


def test_cli_export_then_export_again(tmp_path: Path) -> None:
    course = shipped_course()
    url = get_settings().db_url()
    missed, right = keyed(course, 2)
    lstm = course[MATH_TOPIC].quiz[0]
    with session_scope(url) as db:
        me = repo.get_or_create_local_learner(db).id
        record.apply_quiz(db, course, me, missed, wrong_option(missed), "en")
        record.apply_quiz(
            db, course, me, missed, str(missed.key), "en"
        )  # right later: still missed
        record.apply_quiz(db, course, me, right, str(right.key), "en")
        record.apply_quiz(db, course, me, lstm, str(lstm.key or "x"), "en")
    make_due(url, me, MATH_TOPIC)

    first = tmp_path / "first.apkg"
    res = CliRunner().invoke(cli, ["export", "anki", "-o", str(first), "--lang", "en"])
    assert res.exit_code == 0, res.output
    notes = read_notes(first)
    by_source = {n["source"]: n for n in notes.values()}
    assert set(by_source) == {f"review:{MATH_TOPIC}", f"quiz:{missed.id}"}

    review = by_source[f"review:{MATH_TOPIC}"]
    assert "<math" in str(review["front"]) and "LSTM" in str(review["front"])
    assert f"dltutor::topic::{MATH_TOPIC}" in review["tags"]  # type: ignore[operator]
    assert f"dltutor::stage::{course[MATH_TOPIC].stage}" in review["tags"]  # type: ignore[operator]
    quiz = by_source[f"quiz:{missed.id}"]
    assert missed.question("en")[:20] in str(quiz["front"])
    assert missed.answer_text("en")[:20] in str(quiz["back"])

    # A second export, now in Chinese and with one more miss: the same notes keep their GUIDs
    # (Anki updates them in place), in the new language; the new miss is one new note.
    third = keyed(course, 3)[2]
    with session_scope(url) as db:
        record.apply_quiz(db, course, me, third, wrong_option(third), "zh")
    second = tmp_path / "second.apkg"
    res = CliRunner().invoke(cli, ["export", "anki", "-o", str(second), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    again = read_notes(second)
    assert set(notes) < set(again) and len(again) == len(notes) + 1
    for guid, note in notes.items():
        assert again[guid]["source"] == note["source"]
    zh_quiz = next(n for n in again.values() if n["source"] == f"quiz:{missed.id}")
    assert missed.question("zh")[:10] in str(zh_quiz["front"])


def test_reviews_page_button(web: TestClient) -> None:
    course = shipped_course()
    h = as_user(web, signup(web, unique("anki")))
    item = keyed(course, 1)[0]
    body = {"item_id": item.id, "response": wrong_option(item)}
    assert web.post("/api/quiz/answer", json=body, headers=h).json()["correct"] is False
    web.get("/lang/en")
    page = web.get("/reviews").text
    assert 'href="/reviews/anki.apkg"' in page
    r = web.get("/reviews/anki.apkg")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    notes = read_notes(r.content)
    assert [n["source"] for n in notes.values()] == [f"quiz:{item.id}"]
    # Another learner's deck has none of it.
    as_user(web, signup(web, unique("anki2")))
    assert read_notes(web.get("/reviews/anki.apkg").content) == {}
