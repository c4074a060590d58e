"""The server-drawn SVG charts and the numbers behind them (pure functions, no app)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from types import SimpleNamespace

from dltutor.tutor.progress import activity_by_day, mastery_by_stage
from dltutor.web.charts import activity_chart, bar_chart
from dltutor.web.deps import shipped_course

NS = "{http://www.w3.org/2000/svg}"


def test_bar_chart_draws_one_bar_per_row_to_scale_and_escapes_labels() -> None:
    svg = bar_chart([("<script>x</script>", 0.5), ("B & C", 1.2), ("D", 0.001)], title="t<")
    root = ET.fromstring(svg)  # well-formed: every label was escaped
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    bars = [r for r in root.iter(f"{NS}rect") if "bar" in r.get("class", "")]
    widths = [float(r.get("width", "0")) for r in bars]
    track = float(
        next(r for r in root.iter(f"{NS}rect") if r.get("class") == "track").get("width", "0")
    )
    assert widths == [track * 0.5, track, 0.0]  # clamped to 1; no sliver for ~0
    assert [r.get("class") for r in bars] == ["bar mid", "bar good", "bar low"]
    assert "50%" in svg and "100%" in svg


def test_activity_chart_scales_to_the_busiest_day() -> None:
    days = [(date(2026, 1, d), c) for d, c in ((1, 0), (2, 4), (3, 2))]
    root = ET.fromstring(activity_chart(days, title="a", unit="events"))
    heights = [float(r.get("height", "0")) for r in root.iter(f"{NS}rect")]
    assert heights[0] == 0 and heights[1] == 2 * heights[2] > 0
    assert "2026-01-01" in ET.tostring(root, encoding="unicode")
    zh = activity_chart(days, title="a", unit="条记录", scale="最多 {n}")
    assert "最多 4 条记录" in zh and "max" not in zh


def test_activity_by_day_counts_learning_events_per_utc_day() -> None:
    def ev(kind: str, day: int, hour: int = 12) -> SimpleNamespace:
        return SimpleNamespace(kind=kind, created_at=datetime(2026, 3, day, hour, tzinfo=UTC))

    events = [ev("quiz", 10), ev("grade", 10, 23), ev("profile", 10), ev("hint", 9), ev("quiz", 1)]
    days = activity_by_day(events, days=3, today=date(2026, 3, 10))  # type: ignore[arg-type]
    assert days == [(date(2026, 3, 8), 0), (date(2026, 3, 9), 1), (date(2026, 3, 10), 2)]


def test_mastery_by_stage_averages_every_topic_of_the_course() -> None:
    course = shipped_course()
    rows = mastery_by_stage(course, {t.id: 1.0 if t.stage == 0 else 0.0 for t in course}, "zh")
    assert [r.stage for r in rows] == sorted({t.stage for t in course})
    assert rows[0].mean == 1.0 and rows[0].mastered == rows[0].topics and rows[1].mean == 0.0
    assert sum(r.topics for r in rows) == len(course) and rows[0].name == "数学与计算基础"
