"""`dltutor article`: a six-part tutorial article whose every Python block has been run.

The six parts are the familiar form of seed 002 (背景介绍 … 附录常见问题与解答). The model
writes the article from the topic's lesson (each section given under a citation label such as
`[proj.chatbot · 准确的概念]`) plus the closest sections of other topics; then every Python
block is run in the sandbox, in order, in one session, failures are sent back for repair
(`repair.py`), and the result is Markdown in which each block carries its verdict and output,
followed by a verification log and the sources the article actually cited. A draft (`draft=`)
skips the writing: that is how an existing article, seed 002's included, is checked.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from dltutor.course.answer import EXPLAINING, excerpt
from dltutor.course.model import Course, Lesson
from dltutor.grader.limits import Limits
from dltutor.llm.budget import PromptParts
from dltutor.llm.client import LLMClient
from dltutor.llm.types import Message
from dltutor.verify.blocks import BlockResult, annotate, extract_blocks
from dltutor.verify.repair import DEFAULT_MAX_REPAIRS, verify_blocks
from dltutor.verify.snippets import sandbox_packages, session_limits
from dltutor.verify.text import say

PARTS = {
    "zh": [
        "1. 背景介绍",
        "2. 核心概念与联系",
        "3. 核心算法原理和具体操作步骤以及数学模型公式详细讲解",
        "4. 具体代码实例和详细解释说明",
        "5. 未来发展趋势与挑战",
        "6. 附录常见问题与解答",
    ],
    "en": [
        "1. Background",
        "2. Core concepts and how they connect",
        "3. Core algorithm: principles, steps and the mathematics in detail",
        "4. Code examples, explained in detail",
        "5. Future trends and challenges",
        "6. Appendix: common questions and answers",
    ],
}

# Characters of course material per section: a real model reads the lesson in full, the
# embedded one (2k tokens per slot) only a taste of it.
BUDGET = {
    "full": {"section": 1800, "example": 4000, "related": 3},
    "small": {"section": 300, "example": 600, "related": 0},
}
ARTICLE_MAX_TOKENS = {"full": 4096, "small": 1024}

WORDS: dict[str, dict[str, str]] = {
    "by_model": {
        "en": "Written by {model} from the dltutor course.",
        "zh": "本文由 {model} 依据 dltutor 课程撰写。",
    },
    "draft": {
        "en": "A draft checked by dltutor: its code was run, not rewritten by hand.",
        "zh": "这是一篇经 dltutor 检查的草稿：其中的代码都实际运行过。",
    },
    "summary": {
        "en": "Every Python block below was run in a sandbox, in order: {verified} of {total} "
        "verified{repaired}{failed}.",
        "zh": "下文每个 Python 代码块都已在沙箱中按顺序运行：{total} 个中 {verified} 个已验证"
        "{repaired}{failed}。",
    },
    "repaired_n": {"en": " ({n} after repair)", "zh": "（其中 {n} 个经过修复）"},
    "failed_n": {
        "en": "; {n} did not work and are marked ✗ with their error: do not rely on them",
        "zh": "；{n} 个无法运行，已用 ✗ 标出并附上错误信息：请不要依赖它们",
    },
    "failed_blocks": {
        "en": "{n} code block(s) did not work; they are marked in the article.",
        "zh": "有 {n} 个代码块无法运行，已在文章中标出。",
    },
    "no_code": {
        "en": "This article has no Python code to run.",
        "zh": "这篇文章没有可运行的 Python 代码。",
    },
    "small_model": {
        "en": "It was written by the built-in small model (SmolLM2-135M), which often writes "
        "code that does not run and rarely manages to repair it; expect unverified blocks. A real "
        "model (e.g. Qwen2.5-7B via Ollama, or a cloud API) does much better.",
        "zh": "本文由内置的小模型（SmolLM2-135M）撰写。它写的代码常常无法运行，也很少能修好；"
        "出现未通过验证的代码块是预料之中的。接入真实模型（如通过 Ollama 运行 Qwen2.5-7B，"
        "或云端 API）效果会好得多。",
    },
    "no_repair": {
        "en": "No model was used to repair failing blocks.",
        "zh": "没有使用模型修复失败的代码块。",
    },
    "truncated": {
        "en": "The model's text was cut at the length limit: the article is incomplete.",
        "zh": "模型的输出达到了长度上限被截断：文章不完整。",
    },
    "missing_parts": {
        "en": "Parts the model left out: {parts}.",
        "zh": "模型遗漏的部分：{parts}。",
    },
    "log": {"en": "Code verification log", "zh": "代码验证记录"},
    "log_head": {
        "en": "| block | result | runs | time | checks | error |\n|---|---|---|---|---|---|",
        "zh": "| 代码块 | 结果 | 运行次数 | 用时 | 检查 | 错误 |\n|---|---|---|---|---|---|",
    },
    "attempt": {"en": "Attempt {n} ({who}): {what}", "zh": "第 {n} 次尝试（{who}）：{what}"},
    "by_original": {"en": "the article's code", "zh": "文章原来的代码"},
    "by_model_fix": {"en": "the model's repair", "zh": "模型的修复"},
    "passed": {"en": "passed", "zh": "通过"},
    "sources": {"en": "Sources", "zh": "参考来源"},
    "no_citations": {
        "en": "The model cited none of the course sections it was given.",
        "zh": "模型没有引用提供给它的任何课程章节。",
    },
    "lesson_ref": {
        "en": "{label}: the dltutor lesson, `dltutor lesson {topic}`",
        "zh": "{label}：dltutor 课程，`dltutor lesson {topic}`",
    },
}


def _w(key: str, lang: str, **kw: Any) -> str:
    return WORDS[key][lang if lang in ("zh", "en") else "en"].format(**kw)


class ArticleError(ValueError):
    """Bad input: an unknown topic, or no lesson to ground the article in."""


@dataclass
class Grounding:
    parts: list[str]  # the prompt's course material, each part under its citation label, best first
    labels: list[str]  # the labels given, in order
    title: str

    @property
    def context(self) -> str:
        return "\n\n".join(self.parts)


@dataclass
class Article:
    topic: str
    lang: str
    title: str
    markdown: str
    blocks: list[BlockResult] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    missing_parts: list[str] = field(default_factory=list)
    model: str = ""
    truncated: bool = False
    from_draft: bool = False

    @property
    def all_verified(self) -> bool:
        return all(b.verified for b in self.blocks)

    def problems(self) -> list[str]:
        """What keeps this from being a finished article whose code works, in its language:
        unverified blocks, and for a written one also no code, a cut-off text, missing parts."""
        out = []
        failed = sum(not b.verified for b in self.blocks)
        if failed:
            out.append(_w("failed_blocks", self.lang, n=failed))
        if not self.from_draft:
            if not self.blocks:
                out.append(_w("no_code", self.lang))
            if self.truncated:
                out.append(_w("truncated", self.lang))
            if self.missing_parts:
                out.append(_w("missing_parts", self.lang, parts="; ".join(self.missing_parts)))
        return out

    def summary(self) -> dict[str, Any]:
        """What `dltutor article --json` prints besides the Markdown."""
        return {
            "topic": self.topic,
            "lang": self.lang,
            "title": self.title,
            "model": self.model,
            "from_draft": self.from_draft,
            "truncated": self.truncated,
            "missing_parts": self.missing_parts,
            "cited": self.cited,
            "all_verified": self.all_verified,
            "problems": self.problems(),
            "blocks": [
                {
                    "index": b.index,
                    "status": b.status,
                    "repaired": b.repaired,
                    "runs": sum(1 for a in b.attempts if a.code),
                    "error": b.run.error(self.lang) if not b.verified else "",
                    "output": b.run.output,
                }
                for b in self.blocks
            ],
        }


@cache
def course_data() -> Course:
    """The shipped course, loaded once per process (loading parses every topic's files)."""
    return Course.load()


@cache
def article_prompt(lang: str) -> str:
    path = resources.files("dltutor.verify") / "prompts" / f"article.{lang}.md"
    return path.read_text(encoding="utf-8").strip()


def _lesson(course: Course, topic: str, lang: str) -> Lesson:
    if topic not in course:
        raise ArticleError(f"unknown topic: {topic}")
    lesson = course[topic].lesson(lang)
    if lesson is None:
        raise ArticleError(f"topic {topic} has no lesson yet")
    return lesson


def ground(topic: str, lang: str, small: bool = False, course: Course | None = None) -> Grounding:
    """The topic's lesson (and the nearest sections of other topics) as labelled material."""
    from dltutor.course.model import SECTIONS

    course = course or course_data()
    lesson = _lesson(course, topic, lang)
    budget = BUDGET["small" if small else "full"]
    parts, labels = [], []
    for key in EXPLAINING:
        body = lesson.sections.get(key, "")
        if not body:
            continue
        label = f"[{topic} · {SECTIONS[key][lesson.lang]}]"
        limit = budget["example"] if key == "example" else budget["section"]
        parts.append(f"{label}\n{excerpt(body, limit)}")
        labels.append(label)
    if budget["related"]:
        from dltutor.course.answer import citation
        from dltutor.course.search import search

        title = course[topic].title.get(lang, lesson.title)
        for hit in search(title, k=budget["related"] + 2, lang=lang):
            if hit.topic == topic or citation(hit) in labels:
                continue
            parts.append(f"{citation(hit)}\n{excerpt(hit.text, budget['section'] // 2)}")
            labels.append(citation(hit))
            if len(labels) >= len(EXPLAINING) + budget["related"]:
                break
    title = course[topic].title.get(lang) or lesson.title
    return Grounding(parts, labels, title)


def article_messages(g: Grounding, lang: str, limits: Limits) -> PromptParts:
    """The request: the instructions, then the course material (sections best first, so that
    fitting the model's window drops the related topics' sections before the lesson's own)."""
    prompt = (
        article_prompt(lang)
        .format(
            title=g.title,
            parts="\n".join(f"## {p}" for p in PARTS[lang]),
            example_label=g.labels[0] if g.labels else "[topic · section]",
            python=platform.python_version(),
            packages=sandbox_packages(),
            seconds=f"{limits.wall_seconds:g}",
            context="",
        )
        .rstrip()
    )
    ask = {"en": "Write the article now.", "zh": "现在请写这篇文章。"}[lang]
    return PromptParts(prompt, Message("user", ask), grounding=g.parts, lang=lang)


def unwrap(text: str) -> str:
    """The article itself when a model wrapped all of it in a ```markdown fence."""
    m = re.fullmatch(r"\s*(`{3,}|~{3,})\s*(?:markdown|md)\s*\n(.*)\n\1\s*", text, re.S | re.I)
    return m.group(2) + "\n" if m else text


def missing_parts(markdown: str, lang: str) -> list[str]:
    """The six parts whose heading (by its number) does not appear."""
    out = []
    for n, name in enumerate(PARTS[lang], start=1):
        if not re.search(rf"^#{{1,3}}\s*{n}\s*[.、．:：]", markdown, re.M):
            out.append(name)
    return out


def cited_labels(markdown: str, labels: list[str]) -> list[str]:
    """The given labels the text cites, in the order given (tolerant of spacing)."""
    squashed = re.sub(r"\s+", "", markdown)
    return [lab for lab in labels if re.sub(r"\s+", "", lab) in squashed]


async def write_article(
    topic: str,
    lang: str,
    *,
    client: LLMClient | None = None,
    draft: str | None = None,
    max_repairs: int = DEFAULT_MAX_REPAIRS,
    small_model: bool = False,
    model_name: str = "",
    limits: Limits | None = None,
    max_tokens: int | None = None,
    on_result: Callable[[BlockResult], None] | None = None,
    on_text: Callable[[int], None] | None = None,
) -> Article:
    """Write (or take `draft`), verify and annotate. Raises ArticleError on bad input and
    LLMError when the model cannot write the article."""
    if lang not in ("zh", "en"):
        raise ArticleError(f"unknown language: {lang}")
    limits = limits or session_limits()
    truncated = False
    labels: list[str] = []
    if draft is None:
        if client is None:
            raise ArticleError("writing an article needs a model (or give a draft)")
        g = ground(topic, lang, small=small_model)
        labels, title = g.labels, g.title
        size = "small" if small_model else "full"
        gen = client.stream(
            article_messages(g, lang, limits), max_tokens=max_tokens or ARTICLE_MAX_TOKENS[size]
        )
        async for _ in gen:
            if on_text is not None:
                on_text(len(gen.reply.answer))
        reply = gen.reply
        text, truncated = unwrap(reply.answer), reply.truncated
        model_name = model_name or reply.model
    else:
        text = draft
        course = course_data()
        if topic not in course:
            raise ArticleError(f"unknown topic: {topic}")
        title = course[topic].title.get(lang, topic)
    found = extract_blocks(text)
    results = await verify_blocks(
        found, lang=lang, client=client, max_repairs=max_repairs, limits=limits,
        on_result=on_result,
    )  # fmt: skip
    art = Article(
        topic=topic,
        lang=lang,
        title=title,
        markdown="",
        blocks=results,
        labels=labels,
        cited=cited_labels(text, labels),
        missing_parts=missing_parts(text, lang) if draft is None else [],
        model=model_name,
        truncated=truncated,
        from_draft=draft is not None,
    )
    art.markdown = compose(art, text, small_model=small_model, repaired_by_model=client is not None)
    return art


def compose(art: Article, text: str, *, small_model: bool, repaired_by_model: bool) -> str:
    """The final Markdown: title, an honest note, the annotated body, the log, the sources."""
    lang = art.lang
    body = annotate(text, art.blocks, lang, article=True).strip()
    title_line = f"# {art.title}"
    m = re.match(r"\s*# [^\n]+\n", body)
    if m:  # keep the article's own title
        title_line, body = m.group(0).strip(), body[m.end() :].strip()
    note = [_w("draft", lang) if art.from_draft else _w("by_model", lang, model=art.model or "?")]
    note.append(summary_line(art.blocks, lang))
    if small_model:
        note.append(_w("small_model", lang))
    if not repaired_by_model and not art.all_verified:
        note.append(_w("no_repair", lang))
    if art.truncated:
        note.append(_w("truncated", lang))
    if art.missing_parts:
        note.append(_w("missing_parts", lang, parts="; ".join(art.missing_parts)))
    parts = [title_line, "> " + "\n>\n> ".join(note), body]
    if art.blocks:
        parts.append(verification_log(art.blocks, lang))
    if not art.from_draft:
        parts.append(sources(art, lang))
    return "\n\n".join(parts).rstrip() + "\n"


def summary_line(blocks: list[BlockResult], lang: str) -> str:
    if not blocks:
        return _w("no_code", lang)
    verified = sum(b.verified for b in blocks)
    repaired = sum(b.repaired for b in blocks)
    failed = len(blocks) - verified
    return _w(
        "summary",
        lang,
        verified=verified,
        total=len(blocks),
        repaired=_w("repaired_n", lang, n=repaired) if repaired else "",
        failed=_w("failed_n", lang, n=failed) if failed else "",
    )


def verification_log(blocks: list[BlockResult], lang: str) -> str:
    """A table of every block's verdict, then each failed run's error, attempt by attempt."""
    rows = [f"## {_w('log', lang)}", "", _w("log_head", lang)]
    for b in blocks:
        runs = sum(1 for a in b.attempts if a.code)
        err = "" if b.verified else _cell(b.run.error(lang))
        checks = str(b.run.checks) if b.verified else "–"
        rows.append(
            f"| {b.index + 1} | {b.badge(lang, article=True)} | {runs} | {b.run.seconds:.2f} s "
            f"| {checks} | {err} |"
        )
    for b in blocks:
        if len(b.attempts) < 2:
            continue  # one run: its verdict and error are under the block already
        rows += ["", f"### {say('block', lang, n=b.index + 1)}", ""]
        for n, a in enumerate(b.attempts, start=1):
            who = _w("by_original" if a.by == "original" else "by_model_fix", lang)
            what = a.note or (_w("passed", lang) if a.run.ok else _cell(a.run.error(lang)))
            rows.append("- " + _w("attempt", lang, n=n, who=who, what=what))
    return "\n".join(rows)


def sources(art: Article, lang: str) -> str:
    rows = [f"## {_w('sources', lang)}", ""]
    if not art.cited:
        rows.append(_w("no_citations", lang))
    for label in art.cited:
        topic = label[1:].split(" · ")[0]
        rows.append("- " + _w("lesson_ref", lang, label=label, topic=topic))
    return "\n".join(rows)


def _cell(text: str, limit: int = 160) -> str:
    one = " ".join(text.split()).replace("|", "\\|")
    return one if len(one) <= limit else one[: limit - 1] + "…"
