"""The course loader: sections, check questions, quiz judging, and damage limited to one topic."""

from __future__ import annotations

import shutil
from pathlib import Path

from dltutor.course import Course
from dltutor.course.check import check_course
from dltutor.course.model import QuizItem, data_dir, parse_lesson

LESSON = """# Dot product

## Intuition
Like a shopping bill.

## The idea
$a \\cdot b$

```python
## not a heading inside code
```

## Worked example
x

## Common misconceptions
y

## Check questions

### Q1. Why is it a scalar?
A good answer: sums products.

### Q2. What if perpendicular?
A good answer: zero.

## Further reading
d2l
"""


def test_parse_lesson_sections_and_questions() -> None:
    lesson = parse_lesson("t", "en", LESSON)
    assert lesson.title == "Dot product" and lesson.order_ok and not lesson.unknown_sections
    assert "## not a heading" in lesson.sections["idea"]
    assert [(q.number, q.rubric) for q in lesson.check_questions] == [
        (1, "sums products."),
        (2, "zero."),
    ]


def short(accept: list[str], answer: str = "x") -> QuizItem:
    return QuizItem(
        "t/q", "t", "short", 1, {"en": {"question": "?", "answer": answer, "accept": accept}}
    )


def test_short_answers_match_whole_words_and_numbers() -> None:
    assert short(["5"]).is_correct("it is 5", "en") and not short(["5"]).is_correct("25", "en")
    assert short(["0.5"]).is_correct("about 0.50", "en")
    assert short(["cos"]).is_correct("the cos of the angle") and not short(["cos"]).is_correct(
        "the cost"
    )
    assert short(["点积"]).is_correct("就是点积吧") and not short(["dot product"]).is_correct("")


def test_a_broken_topic_file_spoils_only_that_topic(tmp_path: Path) -> None:
    root = tmp_path / "course_data"
    shutil.copytree(data_dir(), root)
    victim = next(p for p in sorted((root / "topics").iterdir()) if (p / "quiz.yaml").exists())
    (victim / "quiz.yaml").write_text('items: [ "unclosed\n')
    course = Course.load(root)
    assert len(course) == 76 and course[victim.name].load_errors
    report = check_course(course, [victim.name], run_code=False)
    assert any("cannot load" in p for p in report.problems)
