"""The learner's profile: who they are, what they want, how much time they have.

Goals may be topic ids or plain words in Chinese or English ("LLM", "大模型", "LoRA",
"data science"); `resolve_goals` maps words to topic ids through a small synonym table, then
through the topic titles. A profile is written by hand or by the onboarding chat as YAML:

    name: 小李
    background: 三年 Python Web 开发
    goals: [大模型, LoRA]
    level: beginner          # beginner | intermediate | advanced
    hours_per_week: 5
    has_gpu: false
    framework: pytorch       # pytorch | tensorflow
    language: zh             # zh | en; default zh when the text above contains Chinese
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dltutor.course.model import Course
from dltutor.i18n import detect_lang

Level = Literal["beginner", "intermediate", "advanced"]

# Plain words -> topic ids. Keys are matched case-insensitively as whole words (en) or
# substrings (zh). A word naming a field maps to the topics that make up that field.
ML_BASICS = [
    "ml.evaluation_metrics",
    "ml.overfitting_regularization",
    "ml.feature_engineering",
    "ml.decision_trees_forests",
    "ml.svm",
    "python.numpy",
]
SYNONYMS: dict[str, list[str]] = {
    "ai": ["ai.what_is_ai"],
    "人工智能": ["ai.what_is_ai"],
    "llm": ["llm.what_is_llm"],
    "llms": ["llm.what_is_llm"],
    "large language model": ["llm.what_is_llm"],
    "large language models": ["llm.what_is_llm"],
    "大模型": ["llm.what_is_llm"],
    "大语言模型": ["llm.what_is_llm"],
    "大型语言模型": ["llm.what_is_llm"],
    "gpt": ["tf.bert_vs_gpt"],
    "chatgpt": ["ai.agents_and_chatgpt"],
    "lora": ["ft.peft_lora"],
    "qlora": ["ft.peft_lora"],
    "peft": ["ft.peft_lora"],
    "fine-tuning": ["ft.full_finetuning"],
    "finetuning": ["ft.full_finetuning"],
    "微调": ["ft.full_finetuning"],
    "data science": ML_BASICS,
    "数据科学": ML_BASICS,
    "数据分析": ML_BASICS,
    "machine learning": ML_BASICS,
    "机器学习": ML_BASICS,
    "deep learning": ["proj.mnist_mlp", "dl.regularization_dropout", "dl.training_speed"],
    "深度学习": ["proj.mnist_mlp", "dl.regularization_dropout", "dl.training_speed"],
    "neural network": ["dl.neural_network_basics"],
    "neural networks": ["dl.neural_network_basics"],
    "神经网络": ["dl.neural_network_basics"],
    "cnn": ["proj.cifar10_cnn", "cnn.classic_architectures"],
    "卷积神经网络": ["proj.cifar10_cnn", "cnn.classic_architectures"],
    "卷积网络": ["proj.cifar10_cnn", "cnn.classic_architectures"],
    "convolutional neural network": ["proj.cifar10_cnn", "cnn.classic_architectures"],
    "convolutional neural networks": ["proj.cifar10_cnn", "cnn.classic_architectures"],
    "循环神经网络": ["rnn.rnn_basics"],
    "recurrent neural network": ["rnn.rnn_basics"],
    "recurrent neural networks": ["rnn.rnn_basics"],
    "computer vision": ["proj.cifar10_cnn", "cnn.transfer_learning", "cnn.object_detection"],
    "计算机视觉": ["proj.cifar10_cnn", "cnn.transfer_learning", "cnn.object_detection"],
    "图像识别": ["proj.cifar10_cnn", "cnn.transfer_learning"],
    "nlp": ["proj.sentiment_rnn", "rnn.seq2seq", "tf.transformer_architecture"],
    "自然语言处理": ["proj.sentiment_rnn", "rnn.seq2seq", "tf.transformer_architecture"],
    "rnn": ["rnn.rnn_basics"],
    "lstm": ["rnn.lstm_gru"],
    "transformer": ["tf.transformer_architecture"],
    "transformers": ["tf.transformer_architecture"],
    "attention": ["attn.self_attention"],
    "注意力": ["attn.self_attention"],
    "rag": ["app.rag"],
    "agent": ["app.agents"],
    "agents": ["app.agents"],
    "智能体": ["app.agents"],
    "rlhf": ["ft.rlhf"],
    "pytorch": ["fw.pytorch_basics"],
    "tensorflow": ["fw.tensorflow_keras"],
    "keras": ["fw.tensorflow_keras"],
    "部署": ["app.model_serving"],
    "deployment": ["app.model_serving"],
    "prompt": ["prompt.prompt_engineering"],
    "提示词": ["prompt.prompt_engineering"],
}

_WORD = re.compile(r"[a-z0-9]+")


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    background: str = ""
    goals: list[str] = Field(default_factory=list)
    level: Level = "beginner"
    hours_per_week: float = Field(default=5.0, gt=0, le=168)  # a week has 168 hours
    has_gpu: bool = False
    framework: Literal["pytorch", "tensorflow"] = "pytorch"
    language: Literal["zh", "en"] = "en"

    @model_validator(mode="before")
    @classmethod
    def _default_language(cls, data: object) -> object:
        """Chinese when the learner wrote Chinese and did not say otherwise."""
        if isinstance(data, dict) and not data.get("language"):
            goals = [str(g) for g in data.get("goals") or []]
            text = " ".join([str(data.get("name", "")), str(data.get("background", "")), *goals])
            data = {**data, "language": detect_lang(text, default="en")}
        return data

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.model_validate(raw)

    def goal_topics(self, course: Course) -> list[str]:
        """The goals as topic ids (words that match nothing are dropped; see resolve_goals)."""
        return resolve_goals(course, self.goals)[0]


def resolve_goals(course: Course, goals: list[str]) -> tuple[list[str], list[str]]:
    """Map each goal to topic ids: an id as is, else the synonym table, else matching titles.

    Returns (topic ids in first-mention order without repeats, goals that matched nothing).
    """
    found: list[str] = []
    unmatched: list[str] = []
    for goal in goals:
        ids = _match_goal(course, goal.strip())
        if not ids:
            unmatched.append(goal)
        found.extend(t for t in ids if t not in found)
    return found, unmatched


def _match_goal(course: Course, goal: str) -> list[str]:
    if goal in course:
        return [goal]
    text = goal.lower()
    found = [key for key in SYNONYMS if _mentions(text, key)]
    # the longest phrase wins: "卷积神经网络" (CNNs) is not a goal of "神经网络" (basics)
    found = [k for k in found if not any(k != o and _mentions(o, k) for o in found)]
    by_synonym = [t for key in found for t in SYNONYMS[key]]
    if by_synonym:
        return [t for t in dict.fromkeys(by_synonym) if t in course]
    # Then titles: the goal inside a title ("反向传播" in "反向传播算法"), or a title inside the goal.
    out = []
    for t in course:
        for lang, title in t.title.items():
            title_l = title.lower()
            if (lang == "zh" and len(text) >= 2 and text in title_l) or (
                lang == "en" and len(text) >= 3 and _mentions(title_l, text)
            ):
                out.append(t.id)
                break
            if len(title_l) >= 4 and title_l in text:
                out.append(t.id)
                break
    return out


def _mentions(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text`: as whole words for Latin script, anywhere for Chinese."""
    if not _WORD.search(phrase):
        return phrase in text
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None
