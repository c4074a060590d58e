"""Answers from the course alone, and retrieved course context for model prompts.

`answer_offline` is what `dltutor ask --llm none` says: no model at all, just the sections that
search finds, quoted (trimmed at paragraph boundaries) with a citation each, and a note in the
learner's language saying so. `format_citations` turns the same hits into a context block for
a model's prompt, with the citation labels the model is asked to repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dltutor.course.search import Hit, SearchIndex, get_index, query_lang, trim
from dltutor.course.search_tokens import Analyzer

# Sections that explain; check questions (their rubrics give answers away) and reading lists
# are not quoted as answers.
EXPLAINING = ("intuition", "idea", "example", "misconceptions")

# How much of each quoted section to keep (characters): Chinese says more per character.
BUDGET = {"zh": 450, "en": 900}

# Below this IDF-weighted share of the question's words found in the best topic, say the course
# may not cover the question, rather than pretend.
MIN_COVERAGE = 0.5

NOTES = {
    "zh": (
        "以下内容摘自课程，没有使用语言模型，所以不是针对你的问题专门写的回答。"
        "接入一个模型（如 Ollama、vLLM 或云端 API）可以获得真正的辅导。"
    ),
    "en": (
        "This answer is quoted from the course; no language model was used, so it is not "
        "written for your exact question. Connect a model (Ollama, vLLM, a cloud API) for "
        "real tutoring."
    ),
}
WEAK = {
    "zh": "课程里似乎没有直接回答这个问题的内容，下面是最接近的部分。",
    "en": "The course does not seem to answer this directly; these are the closest parts.",
}
NOTHING = {
    "zh": "课程里没有找到与这个问题相关的内容。换个说法试试，或用 `dltutor search` 搜索关键词。",
    "en": "Nothing in the course matches this question. Try other words, or `dltutor search`.",
}
MORE = {"zh": "完整课程：", "en": "Full lesson: "}

# One short line for a question the configured model cannot answer in the learner's language
# (the embedded SmolLM2-135M writes no usable Chinese): the course answers instead.
UNSPOKEN = {
    "zh": "（内置的小模型只会英文，以下直接引用课程内容；接入更大的模型可获得对话式辅导。）",
    "en": "(The configured model cannot answer in this language; these are the course's own words.)",
}

# What a question asks for, by its words: an analogy question gets the lesson's analogy, a
# formula question its precise idea. The first matching intent wins; none: all explaining ones.
INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "intuition",
        re.compile(
            r"比喻|类比|打个比方|通俗|直观|形象|大白话|举个生活|analog|intuiti|metaphor|"
            r"in simple terms|plain words|eli5|like i'?m five",
            re.I,
        ),
    ),
    ("example", re.compile(r"例子|举例|实例|算一下|演示|example|worked|walk me through", re.I)),
    ("misconceptions", re.compile(r"误区|误解|容易错|坑|mistake|misconception|pitfall", re.I)),
    (
        "idea",
        re.compile(
            r"公式|推导|定义|数学|严格|formula|derive|derivation|definition|equation|math", re.I
        ),
    ),
)


def intent_sections(question: str) -> tuple[str, ...]:
    """The lesson sections that answer what `question` asks for, best first."""
    for key, pattern in INTENTS:
        if pattern.search(question):
            return (key,)
    return EXPLAINING


def citation(hit: Hit) -> str:
    """The label the tutor cites: `[math.vectors_dot_product · Intuition]`."""
    return f"[{hit.topic} · {hit.section}]"


@dataclass
class OfflineAnswer:
    question: str
    lang: str
    text: str  # Markdown: note, then each excerpt followed by its citation
    note: str
    citations: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    confident: bool = False  # the best section shares enough words with the question

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (hits without their full section text)."""
        return {
            "question": self.question,
            "lang": self.lang,
            "text": self.text,
            "note": self.note,
            "citations": self.citations,
            "confident": self.confident,
            "hits": [h.to_dict() for h in self.hits],
        }


_FENCE_OPEN = re.compile(r"^```")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)


def _blocks(markdown: str) -> list[str]:
    """Blank-line separated blocks, keeping fenced code and display math in one piece."""
    blocks: list[str] = []
    buf: list[str] = []
    in_fence = in_math = False
    for line in markdown.splitlines():
        if _FENCE_OPEN.match(line.strip()):
            in_fence = not in_fence
        elif not in_fence and line.strip() == "$$":
            in_math = not in_math
        if not line.strip() and not in_fence and not in_math:
            if buf:
                blocks.append("\n".join(buf))
                buf = []
            continue
        buf.append(line)
    if buf:
        blocks.append("\n".join(buf))
    return blocks


def excerpt(markdown: str, budget: int, relevance: Callable[[str], float] | None = None) -> str:
    """Blocks of a section up to `budget` characters, cut at a block boundary.

    From the start of the section, unless `relevance` (a score per block) finds the best prose
    block beyond the budget: then from that block (and the heading just before it), after an
    ellipsis. The first block is always kept (trimmed at a sentence end if it alone is too
    long); a block that would overflow ends the excerpt with an ellipsis rather than being cut
    mid-formula.
    """
    # Headings inside a quoted section would outrank the answer's own; make them bold text.
    blocks = [
        _HEADING.sub(r"**\1**", b) if not b.startswith("```") else b for b in _blocks(markdown)
    ]
    if not blocks:
        return ""
    start = 0
    if relevance is not None:
        scores = [relevance(b) if _is_prose(b) else 0.0 for b in blocks]
        best = max(range(len(blocks)), key=lambda i: scores[i])  # the first among equals
        if scores[best] > 0 and sum(len(b) for b in blocks[: best + 1]) > budget:
            start = best - 1 if best > 0 and _is_heading(blocks[best - 1]) else best
    out = ["…"] if start > 0 else []
    first = blocks[start]
    out.append(first if len(first) <= budget else trim(first, budget))
    used = len(out[-1])
    for block in blocks[start + 1 :]:
        if used + len(block) > budget:
            out.append("…")
            break
        out.append(block)
        used += len(block)
    return "\n\n".join(out)


def _is_prose(block: str) -> bool:
    return not block.startswith(("```", "$$", "|")) and not _is_heading(block)


def _is_heading(block: str) -> bool:
    return block.startswith("**") and block.endswith("**") and "\n" not in block


def answer_offline(
    question: str,
    lang: str | None = None,
    k: int = 3,
    index: SearchIndex | None = None,
    note: dict[str, str] | None = None,
) -> OfflineAnswer:
    """The course's own answer: the k best sections for what the question asks for (its
    intent: an analogy, a formula, an example), quoted, each cited. `note` replaces the
    default note about having no model."""
    index = index or get_index()
    lang = lang or query_lang(question)
    hits = index.search(question, k=k, lang=lang, sections=intent_sections(question))
    if not hits:
        hits = index.search(question, k=k, lang=lang, sections=EXPLAINING)
    if not hits:
        return OfflineAnswer(question, lang, NOTHING[lang], NOTHING[lang])
    best_topic_text = "\n".join(d.text for d in index.docs if d.topic == hits[0].topic)
    confident = index.coverage(question, best_topic_text) >= MIN_COVERAGE
    said = (note or NOTES)[lang]
    line = said if confident else WEAK[lang] + said
    relevance = relevance_to(question, index)
    parts = [f"> {line}"]
    for n, hit in enumerate(hits):
        title = index.title(hit.topic, hit.lang)
        budget = BUDGET[hit.lang] if n == 0 else BUDGET[hit.lang] // 2
        parts.append(f"### {title} · {hit.section}")
        parts.append(excerpt(hit.text, budget, relevance))
        parts.append(citation(hit))
    parts.append(MORE[lang] + ", ".join(f"`dltutor lesson {h.topic}`" for h in hits))
    return OfflineAnswer(
        question=question,
        lang=lang,
        text="\n\n".join(parts),
        note=line,
        citations=[citation(h) for h in hits],
        hits=hits,
        confident=confident,
    )


def citation_blocks(
    hits: list[Hit], max_chars: int = 1200, relevance: Callable[[str], float] | None = None
) -> list[str]:
    """Retrieved sections as prompt context, best first: each headed by the label to cite.

    The model is meant to answer from these and cite the labels it used, e.g.
    "... [attn.self_attention · The idea]". `relevance` picks the part of a long section to
    quote, as in `excerpt`. Kept apart (not joined) so that fitting a prompt to the model's
    window can drop the lowest-ranked first.
    """
    blocks = []
    for hit in hits:
        body = excerpt(hit.text, max_chars, relevance) if hit.text else hit.snippet
        blocks.append(f"{citation(hit)}\n{body}")
    return blocks


def format_citations(
    hits: list[Hit], max_chars: int = 1200, relevance: Callable[[str], float] | None = None
) -> str:
    """`citation_blocks` as one context block."""
    return "\n\n".join(citation_blocks(hits, max_chars, relevance))


def relevance_to(question: str, index: SearchIndex) -> Callable[[str], float]:
    """How many of the question's (cheap) tokens a block of text shares."""
    q_tokens = set(index.analyzer.light(question))

    def relevance(block: str) -> float:
        return len(q_tokens & _block_tokens(index.analyzer, block))

    return relevance


@lru_cache(maxsize=16384)
def _block_tokens(analyzer: Analyzer, block: str) -> frozenset[str]:
    """A lesson block's tokens. Blocks are course text, the same for every question: segmenting
    them again for each one was a third of grounding a question."""
    return frozenset(analyzer.light(block))


def ground(
    question: str, lang: str, k: int = 3, max_chars: int = 1200
) -> tuple[list[str], list[str]]:
    """The chat's grounder: (context sections for the prompt, best first; their citation
    labels), from course search: the `k` best sections, each cut at `max_chars`."""
    index = get_index()
    hits = index.search(question, k=k, lang=lang, sections=EXPLAINING)
    return citation_blocks(hits, max_chars, relevance_to(question, index)), [
        citation(h) for h in hits
    ]
