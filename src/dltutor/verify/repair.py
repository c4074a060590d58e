"""Verify a document's Python blocks in order; when a block fails, ask the model to repair it.

For each block: run it in the session (after the blocks before it). If it fails and a model is
given, send the model the code, the error and the earlier blocks, asking for the corrected
block only; run what comes back; repeat up to `max_repairs` times. A block that passes is shown
with the code that passed; a block that never passes keeps its original code and is marked,
with its error. Nothing the model says counts as a pass: only a run does.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import platform
from collections.abc import Callable
from functools import cache
from importlib import resources

from dltutor.grader.limits import Limits
from dltutor.llm.client import LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Message
from dltutor.verify.blocks import Attempt, Block, BlockResult, extract_blocks, fence, parser
from dltutor.verify.claims import claim_errors
from dltutor.verify.fragments import defined_by, free_names
from dltutor.verify.snippets import CodeSession, RunResult, flag, sandbox_packages, session_limits
from dltutor.verify.text import both

log = logging.getLogger("dltutor.verify")

DEFAULT_MAX_REPAIRS = 2
CONTEXT_CHARS = 3000  # of earlier blocks' code, shown to the model with a failing block

NOTES = {
    "no_code": {
        "en": "the model's reply had no code block",
        "zh": "模型的回复里没有代码块",
    },
    "same_code": {
        "en": "the model returned the same code",
        "zh": "模型返回了同样的代码",
    },
    "model_error": {"en": "the model failed: {error}", "zh": "模型出错：{error}"},
}

REQUEST = {
    "en": (
        "This block failed in the sandbox.\n\n{earlier}The failing block:\n\n{code}\n\n"
        "What happened:\n\n{error}\n\nReply with the corrected block only."
    ),
    "zh": (
        "这个代码块在沙箱中运行失败了。\n\n{earlier}失败的代码块：\n\n{code}\n\n"
        "运行结果：\n\n{error}\n\n只回复修复后的代码块。"
    ),
}
EARLIER = {
    "en": "Earlier blocks, already run in this session:\n\n{code}\n\n",
    "zh": "本会话中已经运行过的前置代码块：\n\n{code}\n\n",
}


@cache
def repair_prompt(lang: str) -> str:
    lang = lang if lang in ("zh", "en") else "en"
    path = resources.files("dltutor.verify") / "prompts" / f"repair.{lang}.md"
    return path.read_text(encoding="utf-8").strip()


def code_from_reply(text: str) -> str | None:
    """The code a repair reply holds: its first Python (or unlabelled) fence, or the whole
    reply when it has no fence and parses as Python."""
    for b in extract_blocks(text):
        return b.code
    for tok in parser().parse(text):
        if tok.type == "fence" and not tok.info.strip():
            return tok.content
    if "```" not in text and text.strip():
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        # a word or two of prose ("Sorry") parses too: demand a statement that does something
        trivial = (ast.Name, ast.Constant)
        if all(isinstance(n, ast.Expr) and isinstance(n.value, trivial) for n in tree.body):
            return None
        return text.strip() + "\n"
    return None


def repair_messages(
    code: str, run: RunResult, earlier: list[str], lang: str, limits: Limits
) -> list[Message]:
    system = repair_prompt(lang).format(
        python=platform.python_version(),
        packages=sandbox_packages(),
        seconds=f"{limits.wall_seconds:g}",
    )
    context = ""
    if earlier:
        joined = "\n\n".join(earlier)
        if len(joined) > CONTEXT_CHARS:  # keep the blocks nearest the failing one
            joined = "# …\n" + joined[-CONTEXT_CHARS:]
        context = EARLIER[_l(lang)].format(code=fence(joined, "python"))
    user = REQUEST[_l(lang)].format(
        earlier=context, code=fence(code, "python"), error=fence(run.for_model(lang), "text")
    )
    return [Message("system", system), Message("user", user)]


def _l(lang: str) -> str:
    return lang if lang in ("zh", "en") else "en"


async def verify_blocks(
    blocks: list[Block],
    *,
    lang: str,
    client: LLMClient | None = None,
    max_repairs: int = DEFAULT_MAX_REPAIRS,
    limits: Limits | None = None,
    on_result: Callable[[BlockResult], None] | None = None,
) -> list[BlockResult]:
    """Run `blocks` in order in one sandbox session, repairing failures with `client`."""
    limits = limits or session_limits()
    results: list[BlockResult] = []
    session = CodeSession(limits)
    defined: set[str] = set()  # what the program blocks so far define
    try:
        for block in blocks:
            free = free_names(block.code, defined)
            if free:
                res = fragment_result(block, free)
            else:
                earlier = [r.code for r in results if r.verified]
                res = await _verify_one(session, block, earlier, lang, client, max_repairs, limits)
                defined |= defined_by(res.code)
            results.append(res)
            if on_result is not None:
                on_result(res)
    finally:
        await asyncio.to_thread(session.close)
    return results


async def _verify_one(
    session: CodeSession,
    block: Block,
    earlier: list[str],
    lang: str,
    client: LLMClient | None,
    max_repairs: int,
    limits: Limits,
) -> BlockResult:
    run = await asyncio.to_thread(run_block, session, block, block.code)
    attempts = [Attempt(block.code, run)]
    tried = False
    while not run.ok and not run.not_run and client is not None and len(attempts) <= max_repairs:
        tried = True
        last = attempts[-1]
        try:
            reply = await client.complete(
                repair_messages(last.code, last.run, earlier, lang, limits)
            )
        except LLMError as e:
            log.warning("repair request failed: %s", e)
            note = NOTES["model_error"][_l(lang)].format(error=e.message(lang))
            attempts.append(Attempt("", last.run, "model", note))
            break  # the model is not answering: asking again will not help
        code = code_from_reply(reply.answer)
        if code is None:
            attempts.append(Attempt("", last.run, "model", NOTES["no_code"][_l(lang)]))
            continue
        if code.strip() == last.code.strip():
            attempts.append(Attempt(code, last.run, "model", NOTES["same_code"][_l(lang)]))
            continue
        run = await asyncio.to_thread(run_block, session, block, code)
        attempts.append(Attempt(code, run, "model"))
    return block_result(block, attempts, tried)


def run_block(session: CodeSession, block: Block, code: str) -> RunResult:
    """Run `code` (the block's, or a repair of it) in the session; a clean run whose code does
    not do what the text before the block says it does is marked suspicious (claims.py)."""
    run = session.run(code, f"<block {block.index + 1}>")
    if run.ok or run.kind == "suspicious":
        claimed = claim_errors(block.before, code)
        if claimed is not None:
            flag(run, claimed)
    return run


def block_result(block: Block, attempts: list[Attempt], repair_tried: bool) -> BlockResult:
    """The verdict on a block from its attempts: verified by the first version that passed."""
    passed = next((a for a in attempts if a.run.ok and a.code), None)
    if passed is not None:
        status, shown, shown_run = "verified", passed.code, passed.run
    else:
        first = attempts[0].run
        status = "not_run" if first.not_run else "failed"
        shown, shown_run = block.code, first
    return BlockResult(
        index=block.index,
        pre_index=block.pre_index,
        original=block.code,
        code=shown,
        status=status,
        run=shown_run,
        attempts=attempts,
        repair_tried=repair_tried,
    )


def run_blocks(blocks: list[Block], limits: Limits | None = None) -> list[BlockResult]:
    """Run `blocks` in order in one session, without repair (blocking: call it in a thread).
    Fragments are labelled, not run (fragments.py)."""
    out: list[BlockResult] = []
    defined: set[str] = set()
    with CodeSession(limits or session_limits()) as session:
        for b in blocks:
            free = free_names(b.code, defined)
            if free:
                out.append(fragment_result(b, free))
                continue
            run = run_block(session, b, b.code)
            out.append(block_result(b, [Attempt(b.code, run)], False))
            defined |= defined_by(b.code)
    return out


def fragment_result(block: Block, free: set[str]) -> BlockResult:
    """A block that only refers to context it does not define: not run, and said so."""
    names = ", ".join(f"`{n}`" for n in sorted(free)[:4])
    run = RunResult(
        ok=False,
        kind="fragment",
        exit_status=None,
        errors=both("fragment_note", names=names),
    )
    return BlockResult(
        index=block.index,
        pre_index=block.pre_index,
        original=block.code,
        code=block.code,
        status="fragment",
        run=run,
    )
