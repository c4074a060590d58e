"""A teacher's class as a table: one row per learner (mastery by stage, exercises passed, last
activity, reviews due), written as CSV or XLSX for a spreadsheet or an LMS import.

The rows come from `progress.summary`, the numbers the class page shows, and only for the
learners `class_members` gives: a learner outside the class cannot appear.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dltutor.course.model import Course
from dltutor.store.models import Learner
from dltutor.tutor import progress
from dltutor.tutor.accounts import class_members

HEADERS = {
    "id": {"en": "Learner id", "zh": "学生编号"},
    "name": {"en": "Name", "zh": "称呼"},
    "username": {"en": "Username", "zh": "用户名"},
    "stage": {"en": "Mastery, stage {stage}: {name}", "zh": "掌握程度·阶段 {stage}：{name}"},
    "passed": {"en": "Exercises passed", "zh": "通过的练习"},
    "tried": {"en": "Exercises tried", "zh": "尝试过的练习"},
    "last": {"en": "Last activity (UTC)", "zh": "最近学习（UTC）"},
    "due": {"en": "Reviews due", "zh": "待复习"},
}
FORMATS = ("csv", "xlsx")
Cell = str | int | float | None


@dataclass
class ClassTable:
    header: list[str]
    rows: list[list[Cell]]


def class_table(db: Session, course: Course, teacher: Learner, lang: str) -> ClassTable:
    """The teacher's learners, one row each, in the language's column names."""
    lang = lang if lang in ("zh", "en") else "en"
    rows: list[list[Cell]] = []
    stage_cols: list[str] = []
    for m in class_members(db, teacher=teacher):
        s = progress.summary(db, course, m.id, lang)
        stage_cols = [HEADERS["stage"][lang].format(stage=r.stage, name=r.name) for r in s.stages]
        rows.append(
            [
                m.id,
                m.name,
                m.username,
                *[r.mean for r in s.stages],
                s.exercises_passed,
                s.exercises_tried,
                s.last_active.strftime("%Y-%m-%d %H:%M") if s.last_active else None,
                len(s.due_reviews),
            ]
        )
    if not stage_cols:  # an empty class still gets its columns
        stages = progress.mastery_by_stage(course, {t.id: 0.0 for t in course}, lang)
        stage_cols = [HEADERS["stage"][lang].format(stage=r.stage, name=r.name) for r in stages]
    header = [HEADERS[k][lang] for k in ("id", "name", "username")]
    header += stage_cols + [HEADERS[k][lang] for k in ("passed", "tried", "last", "due")]
    return ClassTable(header, rows)


def _safe(value: Cell) -> Cell:
    """A learner's own name as text, never a formula: a spreadsheet runs a cell that starts
    with = + - @ (CSV injection), and openpyxl writes such a string as a formula too."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(table: ClassTable) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel reads the Chinese names as mojibake."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(table.header)
    for row in table.rows:
        w.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: ClassTable, title: str = "class") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]  # Excel's limit on sheet names
    ws.append(table.header)
    for row in table.rows:
        ws.append([_safe(v) for v in row])
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(table: ClassTable, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return to_csv(table) if fmt == "csv" else to_xlsx(table)


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
