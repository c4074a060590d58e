"""The question bank: seed 003's questions (as sent there, and in English) and the course's
Socratic check questions in both languages; or the learner's own file."""

from __future__ import annotations

import json
from pathlib import Path

SEED_PREFIX = {"zh": "请回答以下问题：", "en": "Please answer the following question: "}

# (zh, en): the questions seed 003's load test sent to a local reasoning model.
SEED_003: list[tuple[str, str]] = [
    (
        "什么是注意力机制？它在Transformer中是如何工作的？",
        "What is the attention mechanism, and how does it work in the Transformer?",
    ),
    (
        "如何使用Python实现一个简单的神经网络？",
        "How do you implement a simple neural network in Python?",
    ),
    (
        "如何优化深度学习模型的训练速度？",
        "How can you speed up the training of a deep learning model?",
    ),
    (
        "深度学习与传统机器学习有什么区别？",
        "How does deep learning differ from traditional machine learning?",
    ),
    ("多模态AI技术目前面临哪些挑战？", "What challenges does multimodal AI face today?"),
    ("请详细解释反向传播算法", "Explain the backpropagation algorithm in detail."),
    (
        "什么是数据增强？请给出几个具体的例子",
        "What is data augmentation? Give a few concrete examples.",
    ),
    (
        "量子计算对人工智能发展有什么影响？",
        "How does quantum computing affect the development of AI?",
    ),
    ("请解释一下卷积神经网络的结构", "Explain the structure of a convolutional neural network."),
    ("解释一下梯度消失和梯度爆炸问题", "Explain vanishing and exploding gradients."),
    (
        "解释一下PyTorch和TensorFlow的主要区别",
        "Explain the main differences between PyTorch and TensorFlow.",
    ),
    (
        "自动驾驶技术目前面临哪些主要挑战？",
        "What are the main challenges facing self-driving technology?",
    ),
    ("特征工程的主要方法有哪些？", "What are the main methods of feature engineering?"),
    (
        "机器学习在推荐系统中是如何工作的？",
        "How does machine learning work in recommender systems?",
    ),
    ("如何选择合适的机器学习算法？", "How do you choose a suitable machine learning algorithm?"),
    (
        "如何评估机器学习模型的性能？",
        "How do you evaluate the performance of a machine learning model?",
    ),
    (
        "如何解释机器学习模型的预测结果？",
        "How do you explain a machine learning model's predictions?",
    ),
    ("如何处理不平衡数据集？", "How do you handle an imbalanced dataset?"),
    ("什么是自然语言处理？", "What is natural language processing?"),
    ("什么是人工智能？", "What is artificial intelligence?"),
]


def seed_questions(lang: str = "zh") -> list[str]:
    i = 0 if lang == "zh" else 1
    return [SEED_PREFIX[lang] + q[i] for q in SEED_003]


def course_questions(lang: str) -> list[str]:
    from dltutor.course import Course

    out: list[str] = []
    for topic in Course.load():
        lesson = topic.lessons.get(lang)
        if lesson:
            out.extend(q.question for q in lesson.check_questions)
    return out


def builtin(lang: str = "both") -> list[str]:
    """Seed 003's questions first, then the course's check questions; zh, en or both."""
    langs = ["zh", "en"] if lang == "both" else [lang]
    out: list[str] = []
    for lg in langs:
        out.extend(seed_questions(lg))
    for lg in langs:
        out.extend(course_questions(lg))
    return out


def load(spec: str, lang: str = "both") -> list[str]:
    """`builtin`, `seed` (seed 003 only), or a file: one question per line, or JSON lines with
    a "prompt" (or "question") field."""
    if spec == "builtin":
        return builtin(lang)
    if spec == "seed":
        return (
            seed_questions("zh")
            if lang == "zh"
            else seed_questions("en")
            if lang == "en"
            else seed_questions("zh") + seed_questions("en")
        )
    path = Path(spec)
    if not path.exists():
        raise FileNotFoundError(
            f"question file not found: {spec} (use 'builtin', 'seed' or a path)"
        )
    out: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{spec}:{n}: not valid JSON ({e.msg})") from None
            text = obj.get("prompt") or obj.get("question")
            if not isinstance(text, str) or not text:
                raise ValueError(f'{spec}:{n}: a JSON line needs a "prompt" string')
            out.append(text)
        else:
            out.append(line)
    if not out:
        raise ValueError(f"{spec}: no questions in the file")
    return out
