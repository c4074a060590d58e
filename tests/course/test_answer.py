"""Offline answers (no model) and the context block given to models."""

from __future__ import annotations

import pytest

from dltutor.course import answer
from dltutor.course.answer import answer_offline, citation, excerpt, format_citations
from dltutor.course.search import SearchIndex


def test_offline_answer_quotes_and_cites_in_chinese(tiny_index: SearchIndex) -> None:
    ans = answer_offline("学习率太大会怎样？", index=tiny_index)
    assert ans.lang == "zh" and ans.confident
    assert ans.citations[0] == "[dl.gradient_descent · 直觉与比喻]"
    assert ans.citations[0] in ans.text
    assert "没有使用语言模型" in ans.note and ans.note in ans.text
    assert "越过谷底" in ans.text  # the section's own words
    assert "dltutor lesson dl.gradient_descent" in ans.text


def test_offline_answer_in_english_never_quotes_rubrics(tiny_index: SearchIndex) -> None:
    ans = answer_offline("what happens with a huge learning rate", index=tiny_index, k=3)
    assert ans.lang == "en" and "no language model" in ans.note
    assert ans.hits and all(h.key not in ("check", "reading") for h in ans.hits)
    assert "A good answer" not in ans.text
    d = ans.to_dict()
    assert d["citations"] == ans.citations and d["hits"][0]["topic"] == "dl.gradient_descent"


def test_offline_answer_with_nothing_found(tiny_index: SearchIndex) -> None:
    ans = answer_offline("zzzqqq", index=tiny_index)
    assert not ans.hits and not ans.citations and "Nothing in the course" in ans.text
    zh = answer_offline("区块链", lang="zh", index=tiny_index)
    assert not zh.confident or not zh.hits


def test_off_topic_question_is_not_confident(tiny_index: SearchIndex) -> None:
    ans = answer_offline("量子计算对注意力有什么影响", index=tiny_index)
    assert not ans.confident and "似乎没有直接回答" in ans.text


def test_excerpt_cuts_at_block_boundaries() -> None:
    text = "First paragraph.\n\n$$\nx = 1\n\ny = 2\n$$\n\n```python\na = 1\n\nb = 2\n```\n\nLast."
    assert excerpt(text, 20) == "First paragraph.\n\n…"
    full = excerpt(text, 1000)
    assert full.count("$$") == 2 and full.count("```") == 2 and full.endswith("Last.")
    assert excerpt("x" * 50, 10).endswith("…")


def test_excerpt_starts_at_the_relevant_part_of_a_long_section() -> None:
    text = "\n\n".join(
        ["Intro words here."] * 10 + ["### Learning rate", "Too large a step diverges."]
    )
    out = excerpt(text, 60, lambda block: float("diverges" in block))
    assert out.startswith("…\n\n**Learning rate**\n\nToo large a step diverges.")
    assert excerpt(text, 60).startswith("Intro words here.")  # no relevance: from the start
    near = excerpt("A.\n\nB diverges.\n\nC.", 100, lambda block: float("diverges" in block))
    assert near.startswith("A.")  # the relevant block fits from the start: keep the context


def test_ground_gives_context_and_citations(
    tiny_index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer, "get_index", lambda: tiny_index)
    sections, cites = answer.ground("学习率太大会怎样", "zh")
    assert cites and cites[0].startswith("[dl.gradient_descent · ") and len(sections) == len(cites)
    assert sections[0].startswith(cites[0]) and "学习率" in sections[0]


def test_format_citations_labels_each_block(tiny_index: SearchIndex) -> None:
    hits = tiny_index.search("attention softmax", k=2)
    block = format_citations(hits, max_chars=200)
    for h in hits:
        assert citation(h) in block
    assert block.startswith("[attn.attention_mechanism · ")
