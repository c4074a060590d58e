from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from dltutor.course.model import Course
from dltutor.learning.profile import Profile, resolve_goals

EXAMPLES = Path(__file__).parents[2] / "examples" / "profiles"


@pytest.mark.parametrize(
    ("goal", "topic"),
    [
        ("LLM", "llm.what_is_llm"),
        ("大模型", "llm.what_is_llm"),
        ("LoRA", "ft.peft_lora"),
        ("lora", "ft.peft_lora"),
        ("data science", "ml.evaluation_metrics"),
        ("数据科学", "ml.evaluation_metrics"),
        ("反向传播", "dl.backpropagation"),  # by the Chinese title
        ("Backpropagation", "dl.backpropagation"),  # by the English title
        ("I want to build RAG apps", "app.rag"),
        ("cnn.pooling", "cnn.pooling"),  # an id as is
    ],
)
def test_goals_map_to_topics(course: Course, goal: str, topic: str) -> None:
    ids, unmatched = resolve_goals(course, [goal])
    assert topic in ids and not unmatched


@pytest.mark.parametrize(
    "goal", ["卷积神经网络", "我想学卷积神经网络做图像分类", "convolutional neural networks"]
)
def test_the_longest_phrase_wins(course: Course, goal: str) -> None:
    # "卷积神经网络" contains "神经网络": the goal is CNNs, not the basics of neural networks
    ids, _ = resolve_goals(course, [goal])
    assert "cnn.classic_architectures" in ids and "dl.neural_network_basics" not in ids


def test_unknown_goals_are_reported_and_short_words_do_not_match_inside_others(
    course: Course,
) -> None:
    ids, unmatched = resolve_goals(course, ["cooking", "gardening"])
    assert ids == [] and unmatched == ["cooking", "gardening"]
    # "rag" must not match inside "average" ("Pooling: max and average pooling")
    assert resolve_goals(course, ["rag"])[0] == ["app.rag"]


def test_language_defaults_from_the_text() -> None:
    assert Profile(name="小李").language == "zh"
    assert Profile.model_validate({"background": "三年 Python Web 开发"}).language == "zh"
    assert Profile.model_validate({"goals": ["大模型"]}).language == "zh"
    assert Profile.model_validate({"background": "web developer"}).language == "en"
    assert Profile.model_validate({"goals": ["大模型"], "language": "en"}).language == "en"


def test_profiles_are_validated() -> None:
    with pytest.raises(ValidationError):
        Profile.model_validate({"level": "guru"})
    with pytest.raises(ValidationError):
        Profile.model_validate({"hours_per_week": 0})
    with pytest.raises(ValidationError):
        Profile.model_validate({"hobby": "chess"})  # a typo'd key is an error, not ignored


def test_the_example_profiles_load(course: Course) -> None:
    profiles = {p.stem: Profile.load(p) for p in EXAMPLES.glob("*.yaml")}
    assert len(profiles) == 3
    beginner = profiles["beginner_llm"]
    assert beginner.language == "zh" and beginner.hours_per_week == 5
    assert beginner.goal_topics(course) == ["llm.what_is_llm"]
    assert "ml.evaluation_metrics" in profiles["web_dev_to_data_science"].goal_topics(course)
    assert profiles["expert_lora"].goal_topics(course) == ["ft.peft_lora"]
