"""The teacher's export: the class's progress as CSV and XLSX, read back; from the class page
and from `dltutor class export`; a learner outside the class never appears."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from dltutor.cli import app as cli
from dltutor.config import reset_settings
from dltutor.store.db import session_scope
from dltutor.store.models import Grade, Learner, TopicState
from dltutor.web.deps import shipped_course
from tests.web.conftest import as_user, signup, unique


def keyed_item() -> tuple[str, str, str]:
    """A multiple-choice item: (id, its topic, the right option)."""
    for topic in shipped_course():
        for item in topic.quiz:
            if item.key is not None:
                return item.id, item.topic, str(item.key)
    raise AssertionError("the course has no multiple-choice item")


def make_class(web: TestClient, db_url: str) -> dict[str, object]:
    teacher = signup(web, unique("teach"), role="teacher")
    code = web.get("/api/me").json()["class_code"]
    ann = signup(web, unique("ann"), class_code=code)
    ben = signup(web, unique("ben"), class_code=code)
    other_teacher = signup(web, unique("t2"), role="teacher")
    outsider = signup(web, unique("out"), class_code=web.get("/api/me").json()["class_code"])
    loner = signup(web, unique("loner"))
    item_id, topic, key = keyed_item()
    for u in (ann, outsider):
        h = as_user(web, u)
        r = web.post("/api/quiz/answer", json={"item_id": item_id, "response": key}, headers=h)
        assert r.status_code == 200 and r.json()["correct"], r.text
    with session_scope(db_url) as db:
        db.add(Grade(learner_id=ann.id, exercise_id="ex.softmax", code="x", passed=True))
        db.add(Grade(learner_id=ann.id, exercise_id="ex.sigmoid", code="x", passed=False))
        db.add(Grade(learner_id=ben.id, exercise_id="ex.softmax", code="x", passed=False))
        # Ann's review of the topic falls due (a day ago), and her name is a formula.
        state = db.get(TopicState, (ann.id, topic))
        assert state is not None and state.card
        state.card = {**state.card, "due": (datetime.now(UTC) - timedelta(days=1)).isoformat()}
        learner = db.get(Learner, ann.id)
        assert learner is not None
        learner.name = '=HYPERLINK("http://evil")'
    for u, name in ((outsider, "Outsider Olga"), (loner, "Loner Lou"), (ben, "Ben")):
        with session_scope(db_url) as db:
            row = db.get(Learner, u.id)
            assert row is not None
            row.name = name
    return {
        "teacher": teacher,
        "ann": ann,
        "ben": ben,
        "outsiders": (outsider, loner, other_teacher),
    }


def check_rows(header: list[str], rows: list[list[object]], cls: dict[str, object]) -> None:
    by_id = {int(str(r[0])): dict(zip(header, r, strict=True)) for r in rows}
    ann, ben = cls["ann"], cls["ben"]
    assert set(by_id) == {ann.id, ben.id}  # type: ignore[attr-defined]
    stage_cols = [h for h in header if h.startswith("Mastery, stage")]
    assert len(stage_cols) >= 5
    a, b = by_id[ann.id], by_id[ben.id]  # type: ignore[attr-defined]
    assert a["Name"] == '\'=HYPERLINK("http://evil")'  # text, not a formula
    assert int(str(a["Exercises passed"])) == 1 and int(str(a["Exercises tried"])) == 2
    assert int(str(b["Exercises passed"])) == 0 and int(str(b["Exercises tried"])) == 1
    assert int(str(a["Reviews due"])) == 1 and int(str(b["Reviews due"])) == 0
    assert a["Last activity (UTC)"] and not b["Last activity (UTC)"]
    # The right answer raised Ann's mastery in its stage above Ben's.
    assert any(float(str(a[c])) > float(str(b[c])) for c in stage_cols)


def test_csv_and_xlsx_from_the_class_page(web: TestClient, db_url: str) -> None:
    cls = make_class(web, db_url)
    as_user(web, cls["teacher"])  # type: ignore[arg-type]
    web.get("/lang/en")
    page = web.get("/class").text
    assert 'href="/class/export.csv"' in page and 'href="/class/export.xlsx"' in page

    r = web.get("/class/export.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    header, *rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    check_rows(header, [list(x) for x in rows], cls)
    for name in ("Outsider Olga", "Loner Lou"):
        assert name not in r.text

    r = web.get("/class/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    check_rows([str(h) for h in values[0]], values[1:], cls)
    assert ws["B2"].data_type == "s" or ws["B3"].data_type == "s"  # strings, no formula cells
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    flat = " ".join(str(v) for row in values for v in row)
    assert "Outsider Olga" not in flat and "Loner Lou" not in flat

    # Only teachers: a learner is refused.
    as_user(web, cls["ann"])  # type: ignore[arg-type]
    assert web.get("/class/export.csv").status_code == 403


def test_cli_class_export(
    web: TestClient, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = make_class(web, db_url)
    monkeypatch.setenv("DLTUTOR_DATABASE_URL", db_url)
    reset_settings()
    out = tmp_path / "class.xlsx"
    username = cls["teacher"].username  # type: ignore[attr-defined]
    res = CliRunner().invoke(
        cli, ["class", "export", "--teacher", username, "-o", str(out), "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    ws = load_workbook(out).active
    assert ws is not None
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    check_rows([str(h) for h in values[0]], values[1:], cls)

    zh = tmp_path / "class.csv"
    res = CliRunner().invoke(cli, ["class", "export", "-t", username, "-o", str(zh), "-l", "zh"])
    assert res.exit_code == 0 and "学生编号" in zh.read_text(encoding="utf-8-sig")

    res = CliRunner().invoke(cli, ["class", "export", "--teacher", "nobody_here"])
    assert res.exit_code == 2 and "nobody_here" in res.output
