from __future__ import annotations

import json

import pytest

from dltutor.course.model import Course
from dltutor.learning.knowledge import QUIZ, BKTParams, Mastery, bkt_update


def test_bkt_update_is_the_closed_form() -> None:
    prm = BKTParams(prior=0.3, learn=0.1, guess=0.2, slip=0.1)
    # right: 0.3*0.9 / (0.3*0.9 + 0.7*0.2) = 0.27/0.41; then learning
    post = 0.27 / 0.41
    assert bkt_update(0.3, 1.0, prm) == pytest.approx(post + (1 - post) * 0.1)
    # wrong: 0.3*0.1 / (0.3*0.1 + 0.7*0.8) = 0.03/0.59
    post = 0.03 / 0.59
    assert bkt_update(0.3, 0.0, prm) == pytest.approx(post + (1 - post) * 0.1)


def test_a_judged_score_lies_between_wrong_and_right() -> None:
    wrong, half, right = (bkt_update(0.4, e, QUIZ) for e in (0.0, 0.5, 1.0))
    assert wrong < half < right


def test_evidence_moves_mastery_and_propagates_along_the_graph(course: Course) -> None:
    m = Mastery({"dl.backpropagation": 0.3, "dl.forward_propagation": 0.2, "dl.optimizers": 0.6})
    after = m.quiz(course, "dl.backpropagation", True)
    assert after > 0.3
    # a learner who masters backprop masters what it builds on: at least as likely
    for a in course.ancestors("dl.backpropagation"):
        assert m[a] >= after
    before = m["dl.optimizers"]
    low = m.exercise(course, "dl.backpropagation", False)
    assert low < after
    for d in course.descendants("dl.backpropagation"):
        assert m[d] <= low
    assert m["dl.optimizers"] < before


def test_a_passing_program_is_stronger_evidence_than_a_right_mcq(course: Course) -> None:
    quiz, exercise = Mastery(), Mastery()
    assert exercise.exercise(course, "ml.svm", True) > quiz.quiz(course, "ml.svm", True)


def test_mastery_round_trips_through_json() -> None:
    m = Mastery({"ml.svm": 0.25, "math.matrices": 0.9})
    again = Mastery.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again == m
    assert Mastery.from_dict({"ml.svm": 0.5}).p == {"ml.svm": 0.5}  # a plain mapping reads too
    assert Mastery()["ml.svm"] == BKTParams().prior
