"""Verified code: dltutor never shows Python it has not run.

Seed 002, a tutorial in the familiar six-part form, shows a chatbot whose code cannot work
(sentence labels from LabelEncoder fed to one sigmoid output, argmax over that one output). Here,
every Python block in a generated article or a chat answer is run in the grader's sandbox
(`dltutor.grader`: same isolation, limits and clean-up; its threat model applies unchanged), in
order, in one session, and carries a verdict:

- verified: it ran to its end without raising, within the limits, and no probe fired. Its own
  `assert`s passed (how many is reported; a block without any is said to be unchecked).
- failed / unverified: it raised, exited non-zero, ran out of time or memory, or did something
  that can only be wrong (np.argmax over one output). The error is shown; a model may have been
  asked to repair it, and a repair counts only if it runs.
- not run: the sandbox itself could not start; says nothing about the code.

A verdict is about honest code: a block can always "pass" by catching its own errors (or by
forging the stub's reply, which desynchronises the session, so later blocks are refused, see
tests/verify/test_hostile.py). What the sandbox guarantees is containment, not honesty.

Modules: snippets (run code in the sandbox), inside (the runner loaded in it), blocks (find and
annotate Markdown blocks), repair (the repair loop), article (`dltutor article`), answers (chat
answers, stored verdicts), console (the CLI chat's badges and /run), text (zh/en strings).
"""

from __future__ import annotations

from dltutor.verify.answers import (
    rerun_block,
    run_answer,
    save_block_results,
    save_one_result,
    verify_answer,
)
from dltutor.verify.blocks import Block, BlockResult, annotate, extract_blocks
from dltutor.verify.repair import verify_blocks
from dltutor.verify.snippets import CodeSession, RunResult, run_snippet, session_limits

__all__ = [
    "Block",
    "BlockResult",
    "CodeSession",
    "RunResult",
    "annotate",
    "extract_blocks",
    "rerun_block",
    "run_answer",
    "run_snippet",
    "save_block_results",
    "save_one_result",
    "session_limits",
    "verify_answer",
    "verify_blocks",
]
