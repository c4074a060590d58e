"""Terminology and Chinese typography of the zh lessons, quizzes and exercise texts, checked
against the glossary.

The glossary (`course_data/glossary.yaml`) is the one source of truth: it names the preferred
Chinese term for each concept and the banned variants (批归一化 for 批量规范化, 反向 Dropout for
倒置 Dropout, ...). `check_topic_terms` reports, as plain strings like the rest of
`dltutor course check`:

- a banned variant in zh prose, unless it is the one allowed alias per lesson, written right
  after an alias marker: “批量规范化（也常译作批量归一化）”;
- ASCII quotes around Chinese text ("梯度" instead of “梯度”); ASCII quotes around English
  phrases are fine;
- curly quotes inside code (`P[“W2”]`), which a careless quote conversion leaves behind.

Code (fenced and inline) and math ($...$, $$...$$) are never checked for terms or ASCII quotes:
they are not prose. Quiz `accept` lists are skipped, since learners may type any variant.

`python -m dltutor.course.check_terms --write-doc docs/glossary.md` regenerates the glossary
table in the docs from the YAML, so the two cannot drift apart (a test compares them).
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dltutor.course.model import Topic, data_dir

GLOSSARY_FILE = "glossary.yaml"
DOC_START, DOC_END = "<!-- glossary:start -->", "<!-- glossary:end -->"

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_QUOTED = re.compile(r'"([^"\n]*)"')
_CURLY = re.compile(r"[“”]")
# the zh fields of a quiz item that learners read; `accept` is deliberately absent
_QUIZ_FIELDS = ("question", "options", "answer", "why_wrong", "explanation")


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    banned: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Glossary:
    terms: list[Term]
    alias_markers: tuple[str, ...] = ("也常译作", "又称")
    quiz_exceptions: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path | None = None) -> Glossary:
        """The glossary of the course at `root`; a course without one uses the shipped glossary."""
        path = (root or data_dir()) / GLOSSARY_FILE
        if not path.exists():
            path = data_dir() / GLOSSARY_FILE
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        terms = [
            Term(
                en=str(t["en"]),
                zh=str(t["zh"]),
                banned=tuple(str(b) for b in t.get("banned") or ()),
                avoid=tuple(str(a) for a in t.get("avoid") or ()),
                note=str(t.get("note") or ""),
            )
            for t in raw.get("terms") or []
        ]
        return cls(
            terms=terms,
            alias_markers=tuple(raw.get("alias_markers") or cls.alias_markers),
            quiz_exceptions={
                k: set(v or ()) for k, v in (raw.get("quiz_exceptions") or {}).items()
            },
        )

    @property
    def banned(self) -> dict[str, str]:
        """banned variant -> the preferred term."""
        return {b: t.zh for t in self.terms for b in t.banned}


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based, within the text checked
    message: str
    variant: str = ""  # the glossary's banned variant, for a banned-term finding


def prose(text: str) -> str:
    """`text` with code and math blanked out (same length, newlines kept, so lines still count)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    text = re.sub(r"^```.*?^```[^\n]*$", blank, text, flags=re.S | re.M)
    text = re.sub(r"^```.*\Z", blank, text, flags=re.S | re.M)  # an unclosed fence runs to the end
    text = re.sub(r"\$\$.*?\$\$", blank, text, flags=re.S)
    text = re.sub(r"`[^`\n]*`", blank, text)
    return re.sub(r"\$[^$\n]+\$", blank, text)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _variant_pattern(variant: str) -> re.Pattern[str]:
    # "反向 Dropout" also matches "反向Dropout": spacing between Chinese and Latin varies
    return re.compile(r"\s*".join(re.escape(part) for part in variant.split()))


def banned_terms(text: str, glossary: Glossary, *, max_aliases: int | None = 1) -> list[Finding]:
    """Banned variants in the prose of `text`; `max_aliases` alias uses per variant are allowed."""
    body = prose(text)
    out: list[Finding] = []
    for variant, preferred in glossary.banned.items():
        aliases = 0
        for m in _variant_pattern(variant).finditer(body):
            before = body[: m.start()]
            if any(before.endswith(marker) for marker in glossary.alias_markers):
                aliases += 1
                if max_aliases is None or aliases <= max_aliases:
                    continue
                out.append(
                    Finding(
                        _line(body, m.start()),
                        f"'{variant}' given as an alias more than once (once per lesson is enough)",
                        variant,
                    )
                )
                continue
            out.append(
                Finding(
                    _line(body, m.start()),
                    f"banned term '{m.group(0)}': use '{preferred}' (see docs/glossary.md)",
                    variant,
                )
            )
    return out


def ascii_quotes_around_chinese(text: str) -> list[Finding]:
    """ASCII "..." pairs in the prose of `text` that enclose Chinese characters."""
    body = prose(text)
    out = []
    for m in _ASCII_QUOTED.finditer(body):
        if _CJK.search(m.group(1)):
            snippet = m.group(0) if len(m.group(0)) <= 24 else m.group(0)[:22] + '…"'
            out.append(
                Finding(
                    _line(body, m.start()),
                    f"ASCII quotes around Chinese {snippet}: use “…”",
                )
            )
    return out


def curly_quotes_in_code(text: str) -> list[Finding]:
    """Chinese quotation marks inside fenced or inline code, where code needs ASCII quotes.
    A comment (after `#` on its line) is Chinese prose again: quotes there are fine."""
    body = prose(text)

    def in_comment(i: int) -> bool:
        return "#" in text[text.rfind("\n", 0, i) + 1 : i]

    lines = sorted(
        {
            _line(text, i)
            for i, ch in enumerate(text)
            if _CURLY.fullmatch(ch) and body[i] == " " and not in_comment(i)
        }
    )
    return [Finding(n, "curly quotes “ ” inside code: code keeps ASCII quotes") for n in lines]


def check_zh_text(text: str, glossary: Glossary, *, max_aliases: int | None = 1) -> list[Finding]:
    found = (
        banned_terms(text, glossary, max_aliases=max_aliases)
        + ascii_quotes_around_chinese(text)
        + curly_quotes_in_code(text)
    )
    return sorted(found, key=lambda f: f.line)


def _quiz_strings(zh: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) of every zh string a learner reads; options and why_wrong are mappings
    from option id to text (a list in the old layout)."""
    out = []
    for key in _QUIZ_FIELDS:
        value = zh.get(key)
        if isinstance(value, dict):
            entries = [(f"{key}.{i}", v) for i, v in value.items()]
        elif isinstance(value, list):
            entries = [(f"{key}[{i}]", v) for i, v in enumerate(value)]
        else:
            entries = [(key, value)]
        out += [(where, v) for where, v in entries if isinstance(v, str)]
    return out


@functools.lru_cache(maxsize=8)
def _load_cached(root: Path | None) -> Glossary:
    return Glossary.load(root)


def check_topic_terms(t: Topic, glossary: Glossary | None = None) -> list[str]:
    """Glossary and typography problems in a topic's zh lesson and zh quiz texts."""
    if glossary is None:
        root = t.folder.parent.parent if t.folder is not None else None  # <root>/topics/<id>
        glossary = _load_cached(root)
    problems: list[str] = []
    lesson = t.lessons.get("zh")
    if lesson is not None:
        for f in check_zh_text(lesson.text, glossary):
            problems.append(f"{t.id}/zh: line {f.line}: {f.message}")
    tolerated = glossary.quiz_exceptions.get(t.id, set())
    for q in t.quiz:
        zh = q.text.get("zh")
        if not isinstance(zh, dict):
            continue
        for where, text in _quiz_strings(zh):
            for f in check_zh_text(text, glossary, max_aliases=None):
                if f.variant in tolerated:
                    continue  # pending the quiz rewrite (glossary.yaml: quiz_exceptions)
                problems.append(f"{q.id}/zh {where}: {f.message}")
    return problems


def check_exercise_terms(ex_id: str, texts: list[tuple[str, str]]) -> list[str]:
    """Glossary and typography problems in an exercise's zh texts, given as (what, text): its
    title, statement, hints and worked example, which learners read like a lesson."""
    glossary = _load_cached(None)
    return [
        f"{ex_id}/zh: {what}: {f.message}"
        for what, text in texts
        for f in check_zh_text(text, glossary, max_aliases=None)
    ]


def glossary_table(glossary: Glossary) -> str:
    """The Markdown table docs/glossary.md shows between its markers."""
    rows = [
        "| en | zh (use this) | banned in zh lessons and quizzes | note |",
        "|---|---|---|---|",
    ]
    for t in glossary.terms:
        banned = "、".join(t.banned)
        if t.avoid:
            banned = "; ".join(x for x in (banned, "avoid: " + "、".join(t.avoid)) if x)
        rows.append(f"| {t.en} | {t.zh} | {banned} | {t.note} |")
    return "\n".join(rows)


def write_doc(path: Path, glossary: Glossary | None = None) -> bool:
    """Replace the table between the markers in `path`; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(DOC_START) + len(DOC_START), text.index(DOC_END)
    new = text[:start] + "\n" + glossary_table(glossary or Glossary.load()) + "\n" + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m dltutor.course.check_terms --write-doc docs/glossary.md
    if len(sys.argv) != 3 or sys.argv[1] != "--write-doc":
        sys.exit("usage: python -m dltutor.course.check_terms --write-doc docs/glossary.md")
    changed = write_doc(Path(sys.argv[2]))
    print(f"{sys.argv[2]}: {'updated' if changed else 'already up to date'}")
