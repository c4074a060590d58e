"""`dltutor search` and `dltutor lesson` on the shipped course."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.course import Course
from dltutor.course import search as search_mod
from dltutor.course.model import data_dir
from dltutor.course.search import SearchIndex

runner = CliRunner()


@pytest.fixture(autouse=True)
def shared_index(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the session's index rather than building one per test."""
    monkeypatch.setitem(search_mod._default, str(data_dir()), index)


def _a_topic(course: Course) -> str:
    for t in course:
        if "en" in t.lessons and "zh" in t.lessons:
            return t.id
    pytest.skip("no topic with both lessons yet")


def test_search_json(course: Course) -> None:
    topic = _a_topic(course)
    title = course[topic].title["en"]
    res = runner.invoke(app, ["search", title, "--k", "3", "--json"])
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert 1 <= len(hits) <= 3
    assert set(hits[0]) >= {"topic", "section", "score", "snippet"}
    assert hits[0]["lang"] == "en"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    zh = json.loads(runner.invoke(app, ["search", title, "--json", "--lang", "zh"]).output)
    assert zh[0]["lang"] == "zh"


def test_search_text_and_bad_lang(course: Course) -> None:
    topic = _a_topic(course)
    res = runner.invoke(app, ["search", course[topic].title["zh"]])
    assert res.exit_code == 0 and "1." in res.output
    assert runner.invoke(app, ["search", "x", "--lang", "fr"]).exit_code == 2


def test_lesson_renders_in_both_languages(course: Course) -> None:
    topic = _a_topic(course)
    for lang in ("en", "zh"):
        res = runner.invoke(app, ["lesson", topic, "--lang", lang])
        assert res.exit_code == 0, res.output
        assert course[topic].lessons[lang].title.split()[0] in res.output
    # a unique id suffix also works
    res = runner.invoke(app, ["lesson", topic.split(".", 1)[1], "--lang", "en"])
    assert res.exit_code == 0
