"""Code in chat answers: run an answer's Python blocks, store the verdicts, run one again.

The chat paths call `verify_answer` once an answer is complete (the CLI through
`console.CodeChecker`, the web through `routes_verify`), and `save_block_results` keeps the
verdicts in the assistant message's `meta["code_blocks"]`, with a hash of the content they
belong to, so a page that is opened again shows them without running anything.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from dltutor.grader.limits import Limits
from dltutor.llm.client import LLMClient
from dltutor.store.models import Message
from dltutor.verify.blocks import Attempt, BlockResult, extract_blocks
from dltutor.verify.repair import block_result, run_block, run_blocks, verify_blocks
from dltutor.verify.snippets import CodeSession, session_limits

META_KEY = "code_blocks"
CHECKED_KEY = "code_checked"


async def verify_answer(
    text: str,
    lang: str,
    client: LLMClient | None = None,
    *,
    max_repairs: int = 1,
    limits: Limits | None = None,
) -> list[BlockResult]:
    """Run the Python blocks of an answer in order; with `client`, try to repair failures (a
    passing repair is offered as the block's code, marked as repaired)."""
    blocks = extract_blocks(text)
    if not blocks:
        return []
    return await verify_blocks(
        blocks, lang=lang, client=client, max_repairs=max_repairs if client else 0, limits=limits
    )


def run_answer(text: str, limits: Limits | None = None) -> list[BlockResult]:
    """`verify_answer` without a model, blocking (for threads and sync routes)."""
    blocks = extract_blocks(text)
    return run_blocks(blocks, limits) if blocks else []


def rerun_block(text: str, index: int, limits: Limits | None = None) -> BlockResult:
    """Run block `index` of `text` again, after running the blocks before it (quietly), as a
    notebook's "run all above, then this". Raises IndexError for a block that is not there."""
    blocks = extract_blocks(text)
    if not 0 <= index < len(blocks):
        raise IndexError(index)
    with CodeSession(limits or session_limits()) as session:
        for b in blocks[:index]:
            session.run(b.code, f"<block {b.index + 1}>")
        target = blocks[index]
        run = run_block(session, target, target.code)
        return block_result(target, [Attempt(target.code, run)], False)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def stored_results(msg: Message) -> list[BlockResult] | None:
    """The verdicts stored on `msg`, if they belong to its current content."""
    meta = msg.meta or {}
    checked = meta.get(CHECKED_KEY) or {}
    if META_KEY not in meta or checked.get("hash") != content_hash(msg.content):
        return None
    try:
        return [BlockResult.from_dict(d) for d in meta[META_KEY]]
    except (KeyError, TypeError, ValueError):
        return None  # stored by an older version: run again


def save_block_results(db: Session, message_id: int, results: list[BlockResult]) -> None:
    """Store the verdicts in the message's meta (a new dict, so the JSON column is saved)."""
    msg = db.get(Message, message_id)
    if msg is None:
        raise LookupError(f"message {message_id} not found")
    msg.meta = {
        **(msg.meta or {}),
        META_KEY: [r.to_dict() for r in results],
        CHECKED_KEY: {"hash": content_hash(msg.content), "at": datetime.now(UTC).isoformat()},
    }
    db.flush()


def save_one_result(db: Session, message_id: int, result: BlockResult) -> list[dict[str, Any]]:
    """Replace one block's stored verdict (after "run again"); returns all stored verdicts."""
    msg = db.get(Message, message_id)
    if msg is None:
        raise LookupError(f"message {message_id} not found")
    stored = stored_results(msg) or []
    by_index = {r.index: r for r in stored}
    by_index[result.index] = result
    rows = [by_index[i].to_dict() for i in sorted(by_index)]
    msg.meta = {
        **(msg.meta or {}),
        META_KEY: rows,
        CHECKED_KEY: {"hash": content_hash(msg.content), "at": datetime.now(UTC).isoformat()},
    }
    db.flush()
    return rows
