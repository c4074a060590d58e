"""course check's assessment rules: they pass on the shipped course and catch what they guard
against: a position or length that gives the key away, a hint that hands over the solution,
formulas that do not render."""

from __future__ import annotations

import dataclasses

import pytest

from dltutor.course import Course
from dltutor.course.check_assessment import (
    MAX_KEY_SHARE,
    MAX_LONGEST_SHARE,
    MAX_STAGE_SHARE,
    assemblies,
    check_assessment,
    exercise_texts,
    hints_fail_the_tests,
    key_shares,
    length_rank_scores,
    longest_share,
    quiz_math,
    shuffled_shares,
    topic_keys,
)
from dltutor.course.exercises import get_exercise, load_exercises
from dltutor.course.model import QuizItem
from dltutor.course.render import code_spans
from dltutor.grader import passes


def choice(item_id: str, key: str, options: dict[str, str], topic: str = "t") -> QuizItem:
    why = {i: "because" for i in options if i != key}
    text = {"question": "?", "options": options, "why_wrong": why, "explanation": "."}
    return QuizItem(f"{topic}/{item_id}", topic, "mcq", 1, {"en": text, "zh": text}, key)


def test_the_shipped_quizzes_pass_and_no_gamer_can_score(course: Course) -> None:
    assert key_shares(course) == [] and shuffled_shares(course) == []
    assert [p for t in course for p in topic_keys(t.quiz, t.id)] == []
    items = [q for q in course.quiz_items() if q.key is not None]
    positions = [q.option_ids.index(str(q.key)) for q in items]
    assert max(positions.count(p) for p in range(4)) <= MAX_KEY_SHARE * len(items)
    for lang in ("zh", "en"):
        assert longest_share(items, lang) <= MAX_LONGEST_SHARE
        for stage in {t.stage for t in course}:
            group = [q for q in items if course[q.topic].stage == stage]
            assert max(length_rank_scores(group, lang)) <= MAX_STAGE_SHARE


def test_keys_given_away_by_place_or_length_are_caught() -> None:
    same = [choice(f"q{i}", "b", {"a": "x", "b": "y", "c": "z"}) for i in range(3)]
    assert topic_keys(same, "t") and not topic_keys([*same[:2], choice("q9", "a", {"a": "x"})], "t")
    longest = [
        choice(f"q{i}", "a", {"a": "a long right answer", "b": "no", "c": "nope"}) for i in range(4)
    ]
    assert longest_share(longest, "en") == 1.0
    assert length_rank_scores(longest, "en")[0] == 1.0
    # the key always second longest is as much of a cue as always longest
    second = [
        choice(f"q{i}", "a", {"a": "medium", "b": "much much longer", "c": "x"}) for i in range(4)
    ]
    assert length_rank_scores(second, "en")[1] == 1.0
    # a key tied for longest counts as a win for the longest-option gamer (the screen order
    # breaks the tie), and as half a win for the second-longest gamer
    tied = [choice("q1", "a", {"a": "same", "b": "same", "c": "x"})]
    assert length_rank_scores(tied, "en")[:2] == [1.0, 0.5]


def test_formulas_that_do_not_render_are_caught(course: Course) -> None:
    assert quiz_math(course, set(course.topics)) == []
    bad = dataclasses.replace(course["math.vectors_dot_product"])
    bad.quiz = [choice("q1", "a", {"a": "$\\frac{1}{$", "b": "y", "c": "z"}, bad.id)]
    broken = Course([bad], course.root)
    assert any("does not render" in p for p in quiz_math(broken, {bad.id}))


def test_the_shipped_hints_are_fragments_and_no_copy() -> None:
    for ex in load_exercises(include_projects=True):
        assert exercise_texts(ex) == [], ex.id


def test_an_exercise_off_the_glossary_is_caught() -> None:
    ex = get_exercise("ex.batchnorm")
    off = dataclasses.replace(
        ex,
        title={**ex.title, "zh": "批归一化"},
        hints=[*ex.hints[:2], {"en": ex.hints[2]["en"], "zh": '先算"均值"。'}],
    )
    assert exercise_texts(off) == [
        "ex.batchnorm/zh: title: banned term '批归一化': use '批量规范化' (see docs/glossary.md)",
        'ex.batchnorm/zh: hint 3: ASCII quotes around Chinese "均值": use “…”',
    ]


def test_a_hint_that_is_the_solution_is_caught() -> None:
    ex = get_exercise("ex.softmax")
    old_hint3 = (
        "`z = x - x.max(axis=axis, keepdims=True)`; `e = np.exp(z)`; "
        "`return e / e.sum(axis=axis, keepdims=True)`."
    )
    leaky = dataclasses.replace(ex, hints=[*ex.hints[:2], {"en": old_hint3, "zh": old_hint3}])
    assert any("`return`" in p or "return" in p for p in exercise_texts(leaky))
    assert any("reproduces" in p for p in exercise_texts(leaky))
    assert assemblies(leaky, code_spans(old_hint3))
    found = hints_fail_the_tests([leaky], passes)
    assert found and "hint 3" in found[0], found


def test_a_hint_whose_expression_alone_solves_it_is_caught() -> None:
    ex = get_exercise("ex.causal_mask")  # the old hint 3: a complete one-liner
    hint = "It is `np.tril(np.ones((T, T), dtype=bool))`."
    leaky = dataclasses.replace(ex, hints=[*ex.hints[:2], {"en": hint, "zh": hint}])
    assert exercise_texts(leaky) == []  # no def, no return: only the grader sees it
    assert any("hint 3" in p for p in hints_fail_the_tests([leaky], passes))


@pytest.mark.parametrize("exercise", ["ex.softmax", "ex.relu", "ex.dropout"])
def test_the_shipped_hints_fail_the_hidden_tests(exercise: str) -> None:
    assert hints_fail_the_tests([get_exercise(exercise)], passes) == []


def test_check_assessment_runs_from_course_check(course: Course) -> None:
    assert check_assessment(course, ["math.vectors_dot_product"], run_code=False) == []
