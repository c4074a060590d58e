"""Fixtures for course tests: the shipped course's search index (built once), a tiny course."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dltutor.course import Course
from dltutor.course.search import SearchIndex

LESSONS = {
    ("attn.attention_mechanism", "en"): """\
        # What attention is

        ## Intuition
        A librarian mixes books by how well their labels match your question: attention is a
        soft lookup over keys and values.

        ## The idea
        Scores $a(q, k_i)$ go through softmax to weights $\\alpha_i$; the output is
        $\\sum_i \\alpha_i v_i$.

        ## Worked example
        ```python run
        print(1)
        ```

        ## Common misconceptions
        - "Attention is only for Transformers." No: it began with seq2seq translation.

        ## Check questions
        ### Q1. Why softmax?
        A good answer: weights are positive and sum to one.

        ## Further reading
        - d2l.ai chapter 11
        """,
    ("attn.attention_mechanism", "zh"): """\
        # 什么是注意力机制

        ## 直觉与比喻
        图书馆管理员按标签与问题的匹配程度混合多本书：注意力机制（attention）就是对键和值的软查找。

        ## 准确的概念
        评分 $a(q, k_i)$ 经过 softmax 得到权重 $\\alpha_i$，输出是加权和。

        ## 实例演练
        算一个三词的例子。

        ## 常见误区
        - “注意力只属于 Transformer。”不对：它最早用于序列到序列的机器翻译。

        ## 检验问题
        ### Q1. 为什么用 softmax？
        好的回答：权重非负且和为一。

        ## 延伸阅读
        - zh.d2l.ai 第 10 章
        """,
    ("dl.gradient_descent", "en"): """\
        # Gradient descent

        ## Intuition
        Walking downhill in fog: take a step against the slope. The learning rate is the step
        size; too large a learning rate overshoots and the loss diverges.

        ## The idea
        $w \\leftarrow w - \\eta \\nabla L(w)$. Mini-batch gradient descent averages the gradient
        over a batch of examples.

        ## Worked example
        Minimize $x^2$ from $x = 3$.

        ## Common misconceptions
        - "A bigger learning rate is always faster." It can diverge.

        ## Check questions
        ### Q1. What happens with a huge learning rate?
        A good answer: it overshoots.

        ## Further reading
        - d2l.ai chapter 12
        """,
    ("dl.gradient_descent", "zh"): """\
        # 梯度下降

        ## 直觉与比喻
        在雾中下山：每一步都朝坡度相反的方向走。学习率就是步长；学习率太大会越过谷底，损失发散。

        ## 准确的概念
        $w \\leftarrow w - \\eta \\nabla L(w)$。小批量梯度下降在一批样本上平均梯度。

        ## 实例演练
        从 $x = 3$ 开始最小化 $x^2$。

        ## 常见误区
        - “学习率越大越快。”不对，可能发散。

        ## 检验问题
        ### Q1. 学习率特别大会怎样？
        好的回答：越过最低点。

        ## 延伸阅读
        - zh.d2l.ai 第 11 章
        """,
}

TOPICS_YAML = """\
topics:
  - {id: attn.attention_mechanism, zh: 什么是注意力机制, en: What attention is, stage: 5, requires: []}
  - {id: dl.gradient_descent, zh: 梯度下降, en: Gradient descent, stage: 2, requires: []}
  - {id: adv.nas, zh: 神经架构搜索, en: Neural architecture search, stage: 7, requires: []}
"""


@pytest.fixture
def tiny_course_root(tmp_path: Path) -> Path:
    """A three-topic course: two with lessons in both languages, one without any lesson."""
    root = tmp_path / "course"
    (root / "topics").mkdir(parents=True)
    (root / "topics.yaml").write_text(TOPICS_YAML, encoding="utf-8")
    for (topic, lang), text in LESSONS.items():
        folder = root / "topics" / topic
        folder.mkdir(exist_ok=True)
        (folder / f"lesson.{lang}.md").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tiny_index(tiny_course_root: Path) -> SearchIndex:
    return SearchIndex.build(Course.load(tiny_course_root))
