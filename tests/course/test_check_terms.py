"""The glossary check: banned variants and ASCII quotes around Chinese fail, correct text passes."""

from __future__ import annotations

from pathlib import Path

from dltutor.course.check import check_topic
from dltutor.course.check_terms import (
    DOC_END,
    DOC_START,
    Glossary,
    check_topic_terms,
    check_zh_text,
    glossary_table,
    prose,
)
from dltutor.course.model import QuizItem, Topic, parse_lesson

GLOSSARY = Glossary.load()

BAD_LESSON = """\
# 参数初始化

## 直觉与比喻
批归一化让每层的输入尺度一致，"层归一化"则按样本计算。

## 准确的概念
训练时用反向Dropout，推理时关掉它。代码里写 `P[“W2”]`。

## 实例演练
无。

## 常见误区
- "梯度下降总能找到全局最小值。"不对。

## 检验问题
### Q1. 为什么？
好的回答：因为。

## 延伸阅读
- zh.d2l.ai
"""

GOOD_LESSON = """\
# 参数初始化

## 直觉与比喻
批量规范化（也常译作批量归一化）让每层的输入尺度一致，“层规范化”则按样本计算。

## 准确的概念
训练时用倒置 Dropout（inverted dropout），推理时关掉它。代码里写 `P["W2"]` 和 `"批归一化"`，
公式 $\\text{"层归一化"}$ 也不算正文。论文见 "Layer Normalization"（Ba 等，2016）。

```python
name = "批归一化"  # code is not prose
```

## 实例演练
无。

## 常见误区
- “梯度下降总能找到全局最小值。”不对。

## 检验问题
### Q1. 为什么？
好的回答：因为。

## 延伸阅读
- zh.d2l.ai
"""


def _topic(zh_lesson: str, quiz_zh: dict[str, object] | None = None) -> Topic:
    t = Topic(id="dl.example", stage=2, requires=[], title={"zh": "例", "en": "Example"})
    t.lessons["zh"] = parse_lesson(t.id, "zh", zh_lesson)
    if quiz_zh is not None:
        t.quiz.append(
            QuizItem(
                id="dl.example/q1",
                topic=t.id,
                type="short",
                difficulty=1,
                text={"zh": quiz_zh, "en": {"question": "?"}},
            )
        )
    return t


def test_banned_variants_and_ascii_quotes_fail() -> None:
    problems = check_topic_terms(_topic(BAD_LESSON), GLOSSARY)
    text = "\n".join(problems)
    assert "banned term '批归一化': use '批量规范化'" in text
    assert "banned term '层归一化': use '层规范化'" in text
    assert "banned term '反向Dropout'" in text  # matched without the space, too
    assert 'ASCII quotes around Chinese "层归一化"' in text
    assert "ASCII quotes around Chinese" in text and "梯度下降" in text
    assert "curly quotes “ ” inside code" in text
    assert all(p.startswith("dl.example/zh: line ") for p in problems)
    assert len(problems) == 6


def test_correct_text_passes_and_code_math_titles_are_not_prose() -> None:
    assert check_topic_terms(_topic(GOOD_LESSON), GLOSSARY) == []


def test_check_topic_reports_the_term_problems(tmp_path: Path) -> None:
    # the minimal call from check.py's check_topic reaches this module
    t = _topic(BAD_LESSON)
    t.folder = tmp_path / "topics" / t.id  # a course without a glossary uses the shipped one
    assert any("banned term '批归一化'" in p for p in check_topic(t))


def test_an_alias_is_allowed_once_per_lesson() -> None:
    twice = "批量规范化（也常译作批量归一化）……批量规范化（又称批量归一化）"
    found = check_zh_text(twice, GLOSSARY)
    assert [f.message for f in found] == [
        "'批量归一化' given as an alias more than once (once per lesson is enough)"
    ]
    assert check_zh_text("批量规范化（也常译作批量归一化）", GLOSSARY) == []


def test_quiz_texts_are_checked_but_accept_lists_are_not() -> None:
    quiz = {
        "question": "哪种层按样本计算？",
        "answer": "层规范化",
        "accept": ["层规范化", "层归一化", "layernorm"],  # learners may type any variant
        "explanation": '"层规范化"按样本计算，不是批归一化。',
    }
    problems = check_topic_terms(_topic(GOOD_LESSON, quiz), GLOSSARY)
    assert problems == [
        "dl.example/q1/zh explanation: banned term '批归一化': use '批量规范化' (see docs/glossary.md)",
        'dl.example/q1/zh explanation: ASCII quotes around Chinese "层规范化": use “…”',
    ]
    pending = Glossary(GLOSSARY.terms, GLOSSARY.alias_markers, {"dl.example": {"批归一化"}})
    assert len(check_topic_terms(_topic(GOOD_LESSON, quiz), pending)) == 1  # only the quotes


def test_quiz_options_and_why_wrong_by_option_id_are_checked() -> None:
    quiz = {
        "question": "推理时要切换什么？",
        "options": {"a": "把批归一化层切换到推理行为", "b": "学习率"},
        "why_wrong": {"b": "使用反向 Dropout 时也一样"},
        "explanation": "调用 model.eval()。",
    }
    problems = check_topic_terms(_topic(GOOD_LESSON, quiz), GLOSSARY)
    assert problems == [
        "dl.example/q1/zh options.a: banned term '批归一化': use '批量规范化' (see docs/glossary.md)",
        "dl.example/q1/zh why_wrong.b: banned term '反向 Dropout': use "
        "'倒置 Dropout（inverted dropout）' (see docs/glossary.md)",
    ]


def test_prose_blanks_code_and_math_but_keeps_lines() -> None:
    text = 'a `x = "中"` b\n$$\n"中"\n$$\n```\n"中"\n```\nc $"中"$ d'
    body = prose(text)
    assert len(body) == len(text) and body.count("\n") == text.count("\n")
    assert "中" not in body and body.startswith("a ") and body.rstrip().endswith("d")


def test_docs_glossary_table_is_generated_from_the_yaml() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")
    table = doc[doc.index(DOC_START) + len(DOC_START) : doc.index(DOC_END)].strip()
    assert table == glossary_table(GLOSSARY), (
        "docs/glossary.md is stale: python -m dltutor.course.check_terms --write-doc docs/glossary.md"
    )
    assert len(GLOSSARY.terms) >= 40 and "批量规范化" in GLOSSARY.banned.values()


def test_the_shipped_course_keeps_its_glossary() -> None:
    from dltutor.course import Course

    course = Course.load()
    problems = [p for t in course for p in check_topic_terms(t)]
    assert problems == []


def test_curly_quotes_in_a_code_comment_are_prose() -> None:
    lesson = BAD_LESSON.replace(
        "## 实例演练\n无。",
        "## 实例演练\n```python\nbaseline = 0.5  # 永远猜“圆外”\nd = {“a”: 1}\n```",
    )
    problems = [p for p in check_topic_terms(_topic(lesson), GLOSSARY) if "curly" in p]
    lines = sorted(int(p.split("line ")[1].split(":")[0]) for p in problems)
    assert len(lines) == 2  # the inline `P[“W2”]` and the dict, not the comment
    assert lesson.splitlines()[lines[1] - 1].startswith("d = {")
