"""`dltutor exercise grade` stores every result for the local learner and moves mastery."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dltutor.cli import app
from dltutor.config import get_settings
from dltutor.course.exercises import get_exercise
from dltutor.store import repo
from dltutor.store.db import session_scope


def test_cli_grade_is_stored_with_tests_and_timings(tmp_path: Path) -> None:
    ex = get_exercise("ex.relu")
    wrong, right = tmp_path / "wrong.py", tmp_path / "right.py"
    wrong.write_text(ex.wrong_solutions()[0].read_text())
    right.write_text(ex.reference_source())
    r1 = CliRunner().invoke(app, ["exercise", "grade", "ex.relu", str(wrong), "--json"])
    r2 = CliRunner().invoke(app, ["exercise", "grade", "ex.relu", str(right), "--json"])
    assert (r1.exit_code, r2.exit_code) == (1, 0)
    assert json.loads(r2.stdout.strip().splitlines()[-1])["passed"] is True
    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        grades = repo.list_grades(db, learner_id=me.id, exercise_id="ex.relu")
        assert [g.passed for g in grades] == [False, True]
        assert grades[0].tests and any(not t["passed"] for t in grades[0].tests)
        assert "total" in grades[1].timings and grades[1].code == ex.reference_source()
        state = repo.topic_states(db, learner_id=me.id)[ex.topic]
        assert state.mastery > 0.2 and state.due is not None
