from __future__ import annotations

from pathlib import Path

import pytest

from dltutor.course.model import Course
from dltutor.learning.planner import Plan, estimate_hours, make_plan, replan
from dltutor.learning.profile import Profile

EXAMPLES = Path(__file__).parents[2] / "examples" / "profiles"
PROFILES = ["beginner_llm", "web_dev_to_data_science", "expert_lora"]


def profile(name: str) -> Profile:
    return Profile.load(EXAMPLES / f"{name}.yaml")


def expert_mastery(course: Course) -> dict[str, float]:
    """What a CV expert knows: everything up to CNNs, and nothing about sequences or LLMs."""
    return {
        t.id: (0.95 if t.stage <= 3 and not t.id.startswith("fw.tensorflow") else 0.1)
        for t in course
    }


def check_plan(course: Course, plan: Plan, mastery: dict[str, float]) -> None:
    budget = plan.profile.hours_per_week
    placed: list[str] = []
    for w in plan.weeks:
        assert w.hours <= budget + 1e-9, (w.week, w.hours)
        for part in w.parts:
            if part.index == 1:
                # every prerequisite in the goals' closure was planned earlier or is mastered
                for r in course[part.topic].requires:
                    assert r in placed or mastery.get(r, 0.0) >= 0.8, (part.topic, r)
                placed.append(part.topic)
    assert len(placed) == len(set(placed))  # no topic twice
    assert [w.week for w in plan.weeks] == list(range(1, len(plan.weeks) + 1))
    stages = [w.stage for w in plan.weeks]
    assert stages == sorted(stages)  # phases follow the stages


@pytest.mark.parametrize("name", PROFILES)
def test_plans_respect_prerequisites_budget_and_goals(course: Course, name: str) -> None:
    prof = profile(name)
    mastery = expert_mastery(course) if name == "expert_lora" else {}
    plan = make_plan(course, prof, mastery)
    check_plan(course, plan, mastery)
    for goal in prof.goal_topics(course):
        assert goal in plan.topics
    for t in plan.topics:
        assert mastery.get(t, 0.0) < 0.8


def test_mastered_topics_are_skipped(course: Course) -> None:
    mastery = expert_mastery(course)
    plan = make_plan(course, profile("expert_lora"), mastery)
    assert "cnn.transfer_learning" in plan.skipped and "math.matrices" in plan.skipped
    assert not {"math.matrices", "dl.backpropagation", "cnn.transfer_learning"} & set(plan.topics)
    assert plan.topics[-1] == "ft.peft_lora"
    full = make_plan(course, profile("expert_lora"), {})
    assert len(plan.weeks) < len(full.weeks)


def test_a_topic_longer_than_a_week_is_split(course: Course) -> None:
    slow = Profile(goals=["math.vectors_dot_product"], hours_per_week=1, level="beginner")
    plan = make_plan(course, slow, {})
    hours = estimate_hours(course, "math.vectors_dot_product", "beginner")
    assert hours > 1
    parts = [p for w in plan.weeks for p in w.parts]
    assert len(parts) == len(plan.weeks) >= 2 and all(p.hours <= 1 for p in parts)
    assert sum(p.hours for p in parts) == pytest.approx(hours)
    assert [p.index for p in parts] == list(range(1, len(parts) + 1))
    assert plan.weeks[-1].exercises == ["ex.dot_product"] and plan.weeks[0].exercises == []


def test_topics_without_hours_get_an_estimate(bare_course: Course) -> None:
    plan = make_plan(bare_course, Profile(goals=["LLM"], hours_per_week=6), {})
    check_plan(bare_course, plan, {})
    assert all(w.hours > 0 for w in plan.weeks)


def test_no_goal_means_the_whole_course(course: Course) -> None:
    plan = make_plan(course, Profile(hours_per_week=20), {})
    assert set(plan.topics) == set(course.topics)


def test_json_shape(course: Course) -> None:
    data = make_plan(course, profile("web_dev_to_data_science"), {}).to_json()
    week = data["weeks"][0]
    assert {"week", "stage", "topics", "exercises", "hours"} <= set(week)
    assert week["week"] == 1 and isinstance(week["topics"][0], str)
    assert any(ex.startswith("ex.") for w in data["weeks"] for ex in w["exercises"])
    assert all(isinstance(c, str) for w in data["weeks"] for c in w["checkpoints"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_has_the_shape_of_a_study_plan(course: Course, lang: str) -> None:
    text = make_plan(course, profile("beginner_llm"), {}).to_markdown(lang)
    assert text.startswith("# ")
    assert text.count("\n### ") >= 2 and "\n#### " in text and "\n- [ ] " in text
    words = {
        "zh": ["学习内容", "实践任务", "第一阶段", "第1周"],
        "en": ["Learning content", "Practice", "Phase 1", "Week 1"],
    }
    for w in words[lang]:
        assert w in text
    other = {"zh": "Learning content", "en": "学习内容"}[lang]
    assert other not in text


def test_replanning_keeps_done_weeks_and_skips_their_topics(course: Course) -> None:
    prof = profile("web_dev_to_data_science")
    first = make_plan(course, prof, {})
    done = first.weeks[:3]
    learned = {t: 0.9 for w in done for t in w.topics}
    again = replan(first, learned, done_weeks=3)
    assert [w.done for w in again.weeks[:3]] == [True] * 3
    assert [w.topics for w in again.weeks[:3]] == [w.topics for w in done]
    later = {t for w in again.weeks[3:] for t in w.topics}
    assert not later & set(learned)
    assert [w.week for w in again.weeks] == list(range(1, len(again.weeks) + 1))
    # a better mastery estimate shortens the plan
    assert len(
        replan(first, {t: 0.95 for t in course.topics if course[t].stage <= 1}, 0).weeks
    ) < len(first.weeks)
