"""`dltutor exercise ...`: the commands and the grade command's JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.course.exercises import get_exercise

runner = CliRunner()


def test_list_and_show() -> None:
    out = runner.invoke(app, ["exercise", "list", "--json"])
    assert out.exit_code == 0
    rows = json.loads(out.stdout)
    assert "ex.dot_product" in [r["id"] for r in rows]
    shown = runner.invoke(app, ["exercise", "show", "ex.dot_product", "--lang", "zh"])
    assert shown.exit_code == 0 and "点积" in shown.stdout and "dot(a, b)" in shown.stdout
    assert runner.invoke(app, ["exercise", "show", "ex.nope"]).exit_code == 2


def test_start_writes_starter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["exercise", "start", "ex.dot_product"])
    assert out.exit_code == 0
    assert (tmp_path / "dot_product.py").read_text() == get_exercise("ex.dot_product").starter()
    assert runner.invoke(app, ["exercise", "start", "ex.dot_product"]).exit_code == 1  # exists


def test_hint_ladder() -> None:
    texts = []
    for level in (1, 2, 3, 4):
        out = runner.invoke(
            app, ["exercise", "hint", "ex.dot_product", "--level", str(level), "--json"]
        )
        assert out.exit_code == 0
        data = json.loads(out.stdout)
        assert data["level"] == level and data["levels"] == 4
        texts.append(data["hint"])
    assert len(set(texts)) == 4 and "-3.0" in texts[3]  # the worked example, last


def test_hint_without_level_is_the_next_rung_of_the_local_learners_ladder() -> None:
    from dltutor.config import get_settings
    from dltutor.store import repo
    from dltutor.store.db import session_scope
    from dltutor.tutor import hints

    levels = []
    for _ in range(5):
        out = runner.invoke(app, ["exercise", "hint", "ex.mse", "--json"])
        assert out.exit_code == 0, out.output
        levels.append(json.loads(out.stdout)["level"])
    assert levels == [1, 2, 3, 4, 4]  # the worked example stays the last rung
    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        assert hints.seen(db, me.id, "ex.mse") == 4


def grade_json(exercise: str, path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    out = runner.invoke(app, ["exercise", "grade", exercise, str(path), "--json", *extra])
    return out.exit_code, json.loads(out.stdout)


def test_grade_exit_codes_and_json(tmp_path: Path) -> None:
    ex = get_exercise("ex.dot_product")
    good = tmp_path / "good.py"
    good.write_text(ex.reference_source())
    code, data = grade_json(ex.id, good)
    assert code == 0
    assert list(data) == ["exercise", "passed", "tests", "error"]
    assert data["exercise"] == ex.id and data["passed"] is True and data["error"] is None
    for t in data["tests"]:  # type: ignore[attr-defined]
        assert list(t) == ["name", "passed", "message"]

    bad = tmp_path / "bad.py"
    bad.write_text(ex.wrong_solutions()[0].read_text())
    code, data = grade_json(ex.id, bad)
    assert code == 1 and data["passed"] is False and data["error"] is None

    broken = tmp_path / "broken.py"
    broken.write_text("def dot(a, b)\n    return 0\n")
    code, data = grade_json(ex.id, broken)
    assert code == 1 and "SyntaxError" in str(data["error"])

    code, data = grade_json("ex.nope", good)
    assert code == 2 and data["passed"] is False and data["error"]
    code, data = grade_json(ex.id, tmp_path / "missing.py")
    assert code == 2 and data["error"]
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert grade_json(ex.id, binary)[0] == 2


def test_failure_message_says_call_expectation_and_result(tmp_path: Path) -> None:
    path = tmp_path / "off.py"
    path.write_text("def dot(a, b):\n    return 1.0\n")
    code, data = grade_json("ex.dot_product", path, "--lang", "zh")
    assert code == 1
    first = data["tests"][0]  # type: ignore[index]
    assert first["message"].startswith("调用 dot(")
    assert "期望" in first["message"] and "实际得到 1.0" in first["message"]
    tests_source = (get_exercise("ex.dot_product").folder / "tests.py").read_text()
    assert "def test_" not in json.dumps(data) and tests_source[:40] not in json.dumps(data)


def test_human_output(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text("print('hello from the learner')\ndef dot(a, b):\n    return 1.0\n")
    out = runner.invoke(app, ["exercise", "grade", "ex.dot_product", str(path)])
    assert out.exit_code == 1
    assert "✗" in out.stdout and "hello from the learner" in out.stdout
