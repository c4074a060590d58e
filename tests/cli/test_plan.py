from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating
from rich.console import Console
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.cli.plan import mastery_report
from dltutor.course.model import Course
from dltutor.learning.reviews import review

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples" / "profiles"


@pytest.fixture(autouse=True)
def course_loaded_once(monkeypatch: pytest.MonkeyPatch, course: Course) -> None:
    """Each command loads the course; parsing it takes seconds, so reuse the session's."""
    monkeypatch.setattr(Course, "load", classmethod(lambda cls, root=None: course))


def test_plan_markdown_and_json(tmp_path: Path) -> None:
    res = runner.invoke(app, ["plan", "--profile", str(EXAMPLES / "beginner_llm.yaml")])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# 小林的深度学习学习计划") and "- [ ] " in res.stdout
    assert "dltutor diagnose" in res.stderr  # the tip to diagnose first
    out = tmp_path / "plan.json"
    res = runner.invoke(
        app,
        ["plan", "-p", str(EXAMPLES / "expert_lora.yaml"), "--format", "json", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["weeks"][-1]["topics"][-1] == "ft.peft_lora"


def test_plan_uses_a_mastery_file(tmp_path: Path, course: Course) -> None:
    mastery = tmp_path / "mastery.json"
    mastery.write_text(json.dumps({t.id: 0.9 for t in course if t.stage <= 2}), encoding="utf-8")
    args = ["plan", "-p", str(EXAMPLES / "expert_lora.yaml"), "-f", "json"]
    full = json.loads(runner.invoke(app, args).stdout)
    short = json.loads(runner.invoke(app, [*args, "--mastery", str(mastery)]).stdout)
    assert len(short["weeks"]) < len(full["weeks"])
    assert "dl.backpropagation" in short["skipped"]


def test_plan_refuses_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("level: guru\n", encoding="utf-8")
    assert runner.invoke(app, ["plan", "-p", str(bad)]).exit_code == 2
    res = runner.invoke(app, ["plan", "-p", str(EXAMPLES / "expert_lora.yaml"), "-f", "pdf"])
    assert res.exit_code == 2


def test_diagnose_asks_and_prints_mastery(tmp_path: Path, course: Course) -> None:
    out = tmp_path / "m.json"
    res = runner.invoke(
        app, ["diagnose", "-n", "3", "--lang", "en", "--json", "--out", str(out)], input="1\n?\n2\n"
    )
    assert res.exit_code == 0, res.output
    mastery = json.loads(res.stdout)
    assert len(mastery) == len(course) and all(0 <= p <= 1 for p in mastery.values())
    assert json.loads(out.read_text(encoding="utf-8"))["p"] == mastery
    assert "Question 3" in res.stderr and "Question 4" not in res.stderr


def test_diagnose_table_in_chinese() -> None:
    res = runner.invoke(app, ["diagnose", "-n", "2", "--lang", "zh"], input="1\n1\n")
    assert res.exit_code == 0, res.output
    assert "第 1 题" in res.output and "各阶段掌握情况" in res.output


def test_mastery_report_shows_due_reviews(course: Course) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    cards: dict = {}
    review(cards, "ml.svm", Rating.Again, now)
    console = Console(record=True, width=120)
    console.print(mastery_report(course, {"ml.svm": 0.4}, "en", cards, now + timedelta(days=2)))
    text = console.export_text()
    assert "Mastery by stage" in text and "Support vector machines" in text
    console = Console(record=True, width=120)
    console.print(mastery_report(course, {}, "zh"))
    assert "各阶段掌握情况" in console.export_text()


def test_diagnose_shows_options_in_the_learners_order(course: Course) -> None:
    """The CLI shows a choice item's options in the order the web app shows the same learner
    (the local learner of a personal install), and judges the pick by option id."""
    from dltutor.config import get_settings
    from dltutor.learning.diagnostic import Diagnostic
    from dltutor.learning.shuffle import option_order
    from dltutor.store import repo
    from dltutor.store.db import session_scope
    from dltutor.tutor.practice import item_view

    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
    d, replies = Diagnostic(course, max_items=20, lang="en"), []
    while (first := d.next_item()) is not None and first.key is None:
        d.record(first.id, False)  # a short answer comes first: "I don't know"
        replies.append("?")
    assert first is not None and first.key is not None
    order = option_order(course, first, me)
    web_order = [o["id"] for o in item_view(course, first, "en", me)["options"]]
    assert order == web_order
    replies.append(str(order.index(first.key) + 1))
    res = runner.invoke(
        app,
        ["diagnose", "-n", str(len(replies)), "--lang", "en"],
        input="\n".join(replies) + "\n",
    )
    assert res.exit_code == 0, res.output
    texts = first.options("en")
    shown = [texts[i] for i in order]
    last = res.output[res.output.index(f"Question {len(replies)}") :]
    positions = [last.index(f"{n}. {t[:30]}") for n, t in enumerate(shown, 1)]
    assert positions == sorted(positions) and "✓ Right" in last
