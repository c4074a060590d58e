"""The shipped course passes its own validator (graph, lessons, quizzes, runnable code)."""

from __future__ import annotations

from dltutor.course import Course
from dltutor.course.check import check_course, check_graph
from dltutor.grader import passes


def test_topic_graph_is_the_contract() -> None:
    course = Course.load()
    assert len(course) >= 76
    assert check_graph(course) == []
    order = course.topological_order()
    pos = {t: i for i, t in enumerate(order)}
    assert all(pos[r] < pos[t.id] for t in course for r in t.requires)


def test_every_written_topic_is_complete_and_its_code_runs() -> None:
    course = Course.load()
    written = [t.id for t in course if t.folder is not None]
    assert written, "no topic content found"
    report = check_course(course, written, run_code=True, passes=passes)
    assert report.problems == []
    assert report.blocks_run > 0
