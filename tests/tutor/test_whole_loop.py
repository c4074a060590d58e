"""Issue "Adaptive learning", end to end against the fake LLM server and the real sandbox:
onboarding -> diagnosis -> plan -> a topic taught with a prerequisite check -> exercise graded
-> mastery updated -> review scheduled; all of it in the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dltutor import Course, Diagnostic
from dltutor.config import get_settings
from dltutor.learning.profile import Profile
from dltutor.llm.backend import Backend
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.tutor import record
from dltutor.tutor.app import Tutor
from dltutor.tutor.teacher import Teacher

TOPIC, PREREQ, EXERCISE = "dl.activation_functions", "dl.forward_propagation", "ex.sigmoid"


@pytest.fixture
def srv() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as s:
        yield s


def judged(score: float, feedback: str) -> Script:
    return Script(chunks=[json.dumps({"score": score, "feedback": feedback})])


async def run_turn(teacher: Teacher, me: int, conv: int, text: str | None) -> str:
    return "".join(
        [d.text async for d in teacher.turn(learner_id=me, conversation_id=conv, text=text)]
    )


async def test_onboarding_to_review(srv: FakeLLMServer) -> None:
    settings = get_settings()
    course = Course.load()
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
        # onboarding
        profile = Profile(
            background="3 年 Python Web 开发", goals=["激活函数"], hours_per_week=6, language="zh"
        )
        record.save_profile(db, me, profile)
    # diagnosis: a learner who knows the basics but not activations
    d = Diagnostic(course, max_items=20)
    answers = []
    while (item := d.next_item()) is not None:
        correct = course[item.topic].stage <= 1
        d.record(item.id, correct)
        answers.append({"item": item.id, "correct": correct})
    with session_scope(settings.db_url()) as db:
        record.apply_diagnostic(db, me, d.mastery(), answers)
        plan = record.plan_for(db, course, me)
        assert plan is not None and TOPIC in plan.topics
        # make the prerequisite uncertain, so the tutor must check it first
        rec = record.load_record(db, me)
        rec.mastery.p[PREREQ], rec.mastery.p[TOPIC] = 0.5, 0.1
        record.save_record(db, rec)

    tutor = Tutor(settings, Backend("fake", srv.base_url, model="fake-model"), course=course)
    teacher = tutor.teacher()
    conv = teacher.begin(learner_id=me, topic=TOPIC, lang="zh")

    first = await run_turn(teacher, me, conv, None)
    assert teacher.last.moves[0].kind == "probe_prerequisite"
    assert teacher.last.moves[0].payload["prerequisite"] == PREREQ and "前置知识" in first

    srv.enqueue(judged(0.9, "很好。"), Script(chunks=["激活函数就像", "开关。"]))
    second = await run_turn(
        teacher, me, conv, "前向传播就是把输入一层层乘权重加偏置再过激活函数，算出输出。"
    )
    kinds = [m.kind for m in teacher.last.moves]
    assert teacher.last.judgement is not None and teacher.last.judgement.method == "llm"
    assert kinds[:2] == ["explain", "ask_check_question"], kinds
    assert "得分 90%" in second and "激活函数就像开关。" in second and "检验问题" in second

    for _ in range(3):  # answer check questions until the exercise comes
        srv.enqueue(judged(0.95, "完全正确。"))
        await run_turn(
            teacher, me, conv, "因为没有非线性，多层线性变换叠起来还是线性的，所以需要激活函数。"
        )
        if teacher.last.moves[-1].kind == "give_exercise":
            break
    assert teacher.last.moves[-1].kind == "give_exercise"
    exercise = teacher.last.moves[-1].payload["exercise"]

    hint = await run_turn(teacher, me, conv, "直接告诉我答案吧")
    assert teacher.last.moves[-1].kind == "give_hint" and "提示 1/" in hint

    from dltutor.course.exercises import get_exercise

    code = get_exercise(exercise).reference_source()
    graded = await run_turn(teacher, me, conv, f"```python\n{code}\n```")
    assert teacher.last.grade is not None and teacher.last.grade.passed, graded
    assert "✅" in graded
    await tutor.aclose()

    with session_scope(settings.db_url()) as db:
        kinds = [e.kind for e in reversed(repo.list_events(db, learner_id=me))]
        assert (
            kinds[:2] == ["profile", "diagnosis"]
            and kinds.count("judged") >= 2
            and "grade" in kinds
        )
        grades = repo.list_grades(db, learner_id=me, exercise_id=exercise)
        assert len(grades) == 1 and grades[0].passed and grades[0].code.strip() == code.strip()
        states = repo.topic_states(db, learner_id=me)
        assert states[TOPIC].mastery > 0.5 and states[PREREQ].mastery > 0.5
        due = states[TOPIC].due
        assert due is not None and due.replace(tzinfo=due.tzinfo or UTC) > datetime.now(
            UTC
        )  # review scheduled
        msgs = repo.list_messages(db, learner_id=me, conversation_id=conv)
        assert (
            [m.role for m in msgs].count("user") == len([m for m in msgs if m.role == "user"]) >= 5
        )
        conv_row = repo.get_conversation(db, learner_id=me, conversation_id=conv)
        assert conv_row is not None and conv_row.state["loop"]["exercises_done"]
