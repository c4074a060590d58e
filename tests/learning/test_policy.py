from __future__ import annotations

import json

import pytest

from dltutor.course.model import Course
from dltutor.learning.knowledge import Evidence, Mastery
from dltutor.learning.policy import (
    Intent,
    LoopState,
    Step,
    classify,
    decide,
    evidence,
    next_topic,
)


def take(course: Course, m: Mastery, ev: Evidence | None) -> None:
    """Apply what an answer showed, if anything (as tutor.record does with the stored record)."""
    if ev is not None:
        m.take(course, ev)


TOPIC, PREREQ = "dl.activation_functions", "dl.forward_propagation"  # requires: [PREREQ]
EX = ["ex.sigmoid", "ex.relu"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("直接告诉我答案吧", Intent.SOLUTION_REQUEST),
        ("Can you show me the solution?", Intent.SOLUTION_REQUEST),
        ("不会", Intent.DONT_KNOW),
        ("I don't know", Intent.DONT_KNOW),
        ("为什么要除以 1-p？", Intent.QUESTION),
        ("what does stride mean", Intent.QUESTION),
        ("我不懂为什么要除以 1-p？", Intent.QUESTION),
        ("因为没有非线性，叠起来还是线性的", Intent.ANSWER),
        ("The gradient vanishes because sigmoid saturates.", Intent.ANSWER),
        ("好的", Intent.CONTINUE),
        ("", Intent.CONTINUE),
    ],
)
def test_classify(text: str, intent: Intent) -> None:
    assert classify(text) == intent


def test_an_uncertain_prerequisite_is_probed_before_building_on_it(course: Course) -> None:
    move, state = decide(course, {PREREQ: 0.5, TOPIC: 0.1}, LoopState(TOPIC))
    assert move.kind == "probe_prerequisite" and move.payload["prerequisite"] == PREREQ
    assert state.awaiting == "probe"
    # answered well: no second probe, the explanation comes, deep for a new topic
    move, state = decide(course, {PREREQ: 0.9, TOPIC: 0.1}, state, score=0.9)
    assert move.kind == "explain" and move.depth == "deep"


def test_a_known_prerequisite_is_not_probed(course: Course) -> None:
    move, _ = decide(course, {PREREQ: 0.95, TOPIC: 0.8}, LoopState(TOPIC))
    assert move.kind == "explain" and move.depth == "shallow"


def test_a_missing_prerequisite_is_recapped_then_taught_then_the_loop_comes_back(
    course: Course,
) -> None:
    m = Mastery({PREREQ: 0.5, TOPIC: 0.1, **dict.fromkeys(course.ancestors(PREREQ), 0.95)})
    move, state = decide(course, m, LoopState(TOPIC))
    assert move.payload["prerequisite"] == PREREQ
    take(course, m, evidence(state, intent=Intent.DONT_KNOW))  # "I don't know" scores 0
    assert m[PREREQ] < 0.4
    # first a short recap of its key idea with one check, not a whole lesson
    move, state = decide(course, m, state, intent=Intent.DONT_KNOW)
    assert (move.kind, move.topic, move.payload["prerequisite"]) == (
        "recap_prerequisite",
        TOPIC,
        PREREQ,
    )
    assert (state.awaiting, state.awaiting_topic) == ("recap", PREREQ)
    # the recap's check fails too: now it is taught, and the loop will come back
    take(course, m, evidence(state, intent=Intent.DONT_KNOW))
    move, state = decide(course, m, state, intent=Intent.DONT_KNOW)
    assert (move.kind, move.topic, move.payload["detour_from"]) == ("explain", PREREQ, TOPIC)
    assert state.return_to == [TOPIC]
    # ... PREREQ is taught; at its end the loop returns to TOPIC
    state.step = Step.NEXT
    move, state = decide(course, m, state)
    assert (move.kind, move.topic, state.topic) == ("advance", TOPIC, TOPIC)
    assert state.step == Step.PREREQUISITES and PREREQ in state.probed


def test_a_recap_answered_well_goes_straight_on_with_the_topic(course: Course) -> None:
    m = Mastery({PREREQ: 0.5, TOPIC: 0.1, **dict.fromkeys(course.ancestors(PREREQ), 0.95)})
    move, state = decide(course, m, LoopState(TOPIC))
    take(course, m, evidence(state, score=0.0))
    move, state = decide(course, m, state, score=0.0)
    assert move.kind == "recap_prerequisite"
    take(course, m, evidence(state, score=1.0))
    move, state = decide(course, m, state, score=1.0)
    assert (move.kind, move.topic, state.return_to) == ("explain", TOPIC, [])


def test_three_dont_knows_never_cascade_down_the_prerequisites(course: Course) -> None:
    """A new learner on a deep topic: "不知道" three times gives a probe, a recap and one
    detour one level down, and never a probe of a prerequisite's prerequisite."""
    m = Mastery({})
    state = LoopState(TOPIC)
    kinds, topics = [], []
    intent: Intent | None = None
    for _ in range(4):
        move, state = decide(course, m, state, intent=intent)
        kinds.append(move.kind)
        topics.append(move.payload.get("prerequisite", move.topic))
        take(course, m, evidence(state, intent=Intent.DONT_KNOW))
        intent = Intent.DONT_KNOW
        if move.kind == "explain":
            break
    assert kinds == ["probe_prerequisite", "recap_prerequisite", "explain"]
    assert topics[0] in course[TOPIC].requires and topics[2] == topics[0]
    assert state.return_to == [TOPIC] and len(state.probed) == 1


def test_check_questions_then_exercise_then_next(course: Course) -> None:
    m = {PREREQ: 0.95, TOPIC: 0.5}
    move, s = decide(course, m, LoopState(TOPIC))
    assert move.kind == "explain"
    move, s = decide(course, m, s)
    assert move.kind == "ask_check_question" and move.payload["index"] == 0
    move, s = decide(course, m, s, score=0.9)
    assert move.kind == "ask_check_question" and move.payload["index"] == 1
    move, s = decide(course, m, s, score=0.8, exercises=EX)
    assert move.kind == "give_exercise" and move.payload["exercise"] == "ex.sigmoid"
    move, s = decide(course, m, s, passed=True, exercises=EX)
    assert move.kind == "give_exercise" and move.payload["exercise"] == "ex.relu"
    move, s = decide(course, {**m, TOPIC: 0.9}, s, passed=True, exercises=EX)
    assert move.kind == "advance" and move.topic != TOPIC and s.topic == move.topic


def test_a_wrong_check_answer_brings_a_deeper_explanation(course: Course) -> None:
    m = {PREREQ: 0.95, TOPIC: 0.5}
    s = LoopState(TOPIC, step=Step.EXPLAIN)
    _, s = decide(course, m, s)
    _, s = decide(course, m, s)
    move, s = decide(course, m, s, score=0.2)
    assert (
        move.kind == "explain"
        and move.depth == "deep"
        and move.payload["focus_check_question"] == 0
    )


def exercise_state(**kw: object) -> LoopState:
    return LoopState(TOPIC, step=Step.EXERCISE, awaiting="exercise", exercise="ex.sigmoid", **kw)  # type: ignore[arg-type]


def test_a_solution_request_gets_the_next_hint(course: Course) -> None:
    ask = Intent.SOLUTION_REQUEST
    move, s = decide(course, {}, exercise_state(), intent=ask)
    assert (move.kind, move.payload["level"]) == ("give_hint", 1)
    move, s = decide(course, {}, s, intent=ask)
    assert (move.kind, move.payload["level"]) == ("give_hint", 2)


def test_the_solution_only_after_three_fails_all_hints_and_asking_again(course: Course) -> None:
    ask = Intent.SOLUTION_REQUEST
    s = exercise_state()
    for _ in range(3):
        move, s = decide(course, {}, s, passed=False)
        assert move.kind == "give_hint"
    assert (s.failed_attempts, s.hints_given) == (3, 3)
    move, s = decide(course, {}, s, intent=ask)  # the first request: the worked example
    assert move.kind == "give_hint" and move.payload["worked_example"]
    assert move.payload["rung"] == 4 and not move.payload["repeat"]
    move, s = decide(course, {}, s, intent=ask)  # asks again
    assert move.kind == "give_solution" and move.payload["exercise"] == "ex.sigmoid"


def test_after_the_last_hint_the_worked_example_repeats_never_the_solution(
    course: Course,
) -> None:
    s = exercise_state(hints_given=3)  # every hint seen (on the page, say), nothing failed yet
    for repeat in (False, True, True):
        move, s = decide(course, {}, s, intent=Intent.SOLUTION_REQUEST)
        assert move.kind == "give_hint" and move.payload["worked_example"]
        assert move.payload["repeat"] is repeat and move.payload["attempts_before_solution"] == 3


@pytest.mark.parametrize(("fails", "hints", "asked_before"), [(2, 3, 1), (3, 2, 1), (3, 3, 0)])
def test_no_solution_while_a_condition_is_missing(
    course: Course, fails: int, hints: int, asked_before: int
) -> None:
    s = exercise_state(failed_attempts=fails, hints_given=hints, solution_requests=asked_before)
    move, _ = decide(course, {}, s, intent=Intent.SOLUTION_REQUEST)
    assert move.kind == "give_hint"


def test_a_question_is_answered_and_the_loop_resumes(course: Course) -> None:
    s = exercise_state(hints_given=1)
    move, after = decide(course, {}, s, intent=Intent.QUESTION)
    assert move.kind == "answer_question" and move.payload["resume"] == Step.EXERCISE
    assert after == s
    move, _ = decide(course, {}, after, intent=Intent.DONT_KNOW)
    assert move.kind == "give_hint" and move.payload["level"] == 2


def test_due_reviews_come_before_the_next_topic(course: Course) -> None:
    s = LoopState(TOPIC, step=Step.NEXT)
    move, s = decide(course, {}, s, due_reviews=["math.matrices", "ml.svm"])
    assert (move.kind, move.topic) == ("review", "math.matrices")
    move, _ = decide(course, {}, s)
    assert move.kind == "advance"


def test_next_topic_skips_mastered(course: Course) -> None:
    order = ["math.vectors_dot_product", "math.matrices", "python.numpy"]
    assert next_topic(course, {"math.vectors_dot_product": 0.9}, order) == "math.matrices"
    assert next_topic(course, dict.fromkeys(order, 0.9), order) is None


def test_state_round_trips_through_json(course: Course) -> None:
    _, s = decide(course, {PREREQ: 0.5}, LoopState(TOPIC))
    again = LoopState.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s and again.step == Step.PREREQUISITES
