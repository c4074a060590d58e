"""Python code blocks in Markdown: find them, and put each one's verdict and output under it.

Blocks are found with the same Markdown parser the web app renders with (markdown-it,
CommonMark), so a fence inside a list or a quote, an indented fence, or ``` inside a longer fence
is treated exactly as a reader sees it, and `pre_index` (the block's position among all rendered
`<pre>` elements) lets the web page put each badge under the right block.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from dltutor.verify.snippets import RunResult
from dltutor.verify.text import say

PYTHON_NAMES = frozenset({"python", "py", "python3", "py3", "pycon", "ipython"})
BEFORE_CHARS = 1000  # of the text before a block, kept to compare with what the code does


@dataclass(frozen=True)
class Block:
    index: int  # among the Python blocks, from 0
    pre_index: int  # among all code blocks (every rendered <pre>), from 0
    info: str  # the fence's info string
    code: str
    start: int  # line of the opening fence
    end: int  # line after the closing fence (or after the last line when unclosed)
    prefix: str  # what precedes the fence on its line: indentation, "> " in a quote
    before: str = ""  # the text between the previous code block (or the start) and this one


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    # The web's renderer (dltutor.course.render) in its block structure: same rules, so the
    # n-th code block here is the n-th <pre> there (tests/verify/test_blocks.py checks it).
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(dollarmath_plugin, allow_labels=False, double_inline=True)
    return md


def is_python(info: str) -> bool:
    words = info.strip().split()
    return bool(words) and words[0].lower().strip("{}.") in PYTHON_NAMES


def normalize(code: str) -> str:
    """Code as it would be typed into a file: `>>> ` sessions keep their input lines only."""
    lines = code.splitlines()
    if lines and lines[0].lstrip().startswith(">>>"):
        kept = [ln[4:] for ln in lines if ln.startswith((">>> ", "... "))]
        kept += [""]
        return "\n".join(kept)
    return code


def extract_blocks(markdown: str) -> list[Block]:
    """The fenced Python blocks of `markdown`, in order."""
    lines = markdown.splitlines()
    out: list[Block] = []
    pre = 0
    after_last = 0  # the line after the previous code block
    for tok in parser().parse(markdown):
        if tok.type not in ("fence", "code_block"):
            continue
        pre += 1
        last, after_last = after_last, tok.map[1] if tok.map else after_last
        if tok.type != "fence" or not is_python(tok.info) or tok.map is None:
            continue
        start, end = tok.map
        m = re.match(r"[ \t>]*", lines[start]) if start < len(lines) else None
        out.append(
            Block(
                index=len(out),
                pre_index=pre - 1,
                info=tok.info.strip(),
                code=normalize(tok.content),
                start=start,
                end=end,
                prefix=m.group(0) if m else "",
                before="\n".join(lines[last:start])[-BEFORE_CHARS:],
            )
        )
    return out


def fence(text: str, info: str = "") -> str:
    """`text` in a code fence longer than any run of backticks inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"


@dataclass
class Attempt:
    """One version of a block and how its run ended."""

    code: str
    run: RunResult
    by: str = "original"  # "original", or "model" for a repair the model wrote
    note: str = ""  # e.g. why a repair produced nothing to run


@dataclass
class BlockResult:
    """A block after verification. `code` is what is shown: the original, or the repair that
    passed. A block that never passed keeps its original code and shows its own error."""

    index: int
    pre_index: int
    original: str
    code: str
    status: str  # "verified" | "failed" | "not_run" | "fragment" (refers to context: not run)
    run: RunResult  # the run of the code shown
    attempts: list[Attempt] = field(default_factory=list)
    repair_tried: bool = False

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def repaired(self) -> bool:
        return self.verified and self.code != self.original

    def badge(self, lang: str, article: bool = False) -> str:
        if self.status == "verified":
            return say("badge_repaired" if self.repaired else "badge_verified", lang)
        if self.status == "not_run":
            return say("badge_not_run", lang)
        if self.status == "fragment":
            return say("badge_fragment", lang)
        return say("badge_unverified" if article or self.repair_tried else "badge_failed", lang)

    def to_dict(self) -> dict[str, Any]:
        """For storage (a message's meta) and the API: attempts without their output."""
        d = asdict(self)
        d["attempts"] = [
            {"code": a.code, "by": a.by, "note": a.note, "kind": a.run.kind, "error": a.run.errors}
            for a in self.attempts
        ]
        d["verified"], d["repaired"] = self.verified, self.repaired
        d["badge"] = {lang: self.badge(lang) for lang in ("zh", "en")}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BlockResult:
        run = RunResult.from_dict(d["run"])
        attempts = [
            Attempt(
                a["code"],
                RunResult(ok=a["kind"] == "ok", kind=a["kind"], exit_status=None,
                          errors=a.get("error") or {}),
                a.get("by", "original"),
                a.get("note", ""),
            )
            for a in d.get("attempts", [])
        ]  # fmt: skip
        return cls(
            index=d["index"],
            pre_index=d["pre_index"],
            original=d["original"],
            code=d["code"],
            status=d["status"],
            run=run,
            attempts=attempts,
            repair_tried=d.get("repair_tried", False),
        )


def verdict_markdown(res: BlockResult, lang: str, article: bool = False) -> str:
    """The badge, what the block printed and, when it failed, why: Markdown for under it."""
    run = res.run
    head = f"**{res.badge(lang, article)}**"
    if res.status == "verified":
        facts = [say("ran_in", lang, seconds=run.seconds)]
        facts.append(say("checks", lang, n=run.checks) if run.checks else say("no_checks", lang))
        if res.repaired:
            first = res.attempts[0].run.error(lang) if res.attempts else ""
            facts.append(say("repaired_from", lang, error=_one_line(first)))
        lines = [head + " · " + " · ".join(facts)]
    elif res.status == "fragment":
        return f"{head} · {run.error(lang)}"
    else:
        lines = [head + (" · " + say("do_not_copy", lang) if res.status == "failed" else "")]
        lines += ["", f"{say('error_label', lang)} {run.error(lang)}"]
        if res.repair_tried:
            lines[0] += " · " + say("attempts", lang, n=len(res.attempts) - 1)
    output = run.output_text(lang).rstrip()
    lines += ["", say("output_label", lang), ""]
    lines += [fence(output, "text") if output else say("no_output", lang)]
    return "\n".join(lines)


def annotate(markdown: str, results: list[BlockResult], lang: str, article: bool = False) -> str:
    """`markdown` with each verified block's code replaced by the code shown (a passing repair)
    and its verdict quoted under it."""
    blocks = {b.index: b for b in extract_blocks(markdown)}
    lines = markdown.splitlines()
    for res in sorted(results, key=lambda r: r.index, reverse=True):
        b = blocks.get(res.index)
        if b is None:
            continue
        new = lines[b.start : b.end]
        if res.code != b.code:
            new = _refence(lines, b, res.code)
        verdict = verdict_markdown(res, lang, article).splitlines()
        note = [b.prefix + ("> " + ln if ln else ">") for ln in verdict]
        blank = b.prefix.rstrip() if b.prefix.strip() else ""
        lines[b.start : b.end] = [*new, blank, *note, blank]
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


def _refence(lines: list[str], b: Block, code: str) -> list[str]:
    """The block rewritten around new code, with its own fence and indentation."""
    opening = lines[b.start]
    m = re.match(r"[ \t>]*(`{3,}|~{3,})", opening)
    ticks = m.group(1) if m else "```"
    longest = max((len(x) for x in re.findall(r"`+", code)), default=0)
    if ticks.startswith("`") and longest >= len(ticks):
        ticks = "`" * (longest + 1)
    body = [b.prefix + ln if ln else b.prefix.rstrip() for ln in code.rstrip("\n").splitlines()]
    return [f"{b.prefix}{ticks}{b.info}", *body, f"{b.prefix}{ticks}"]


def _one_line(text: str, limit: int = 200) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"
