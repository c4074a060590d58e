"""Code checks in the terminal: badges and outputs under a chat answer, and `/run N`.

checker = CodeChecker(console, db_url)
await checker.after_reply(turn.reply.answer, lang, turn.assistant_message_id)
if checker.handles(text): await checker.command(text, lang)
"""

from __future__ import annotations

import asyncio

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from dltutor.grader.limits import Limits
from dltutor.verify.answers import rerun_block, run_answer, save_block_results, save_one_result
from dltutor.verify.blocks import BlockResult, extract_blocks
from dltutor.verify.text import say

SHOWN_LINES = 20  # of a block's output; the rest is summarised

STYLE = {
    "verified": "bold green",
    "failed": "bold red",
    "not_run": "bold yellow",
    "fragment": "bold blue",
}


def render_result(res: BlockResult, lang: str) -> Group:
    """One block's badge line, then its output (and error) in a panel."""
    run = res.run
    head = Text(res.badge(lang), style=STYLE.get(res.status, "bold"))
    head.append(f"  {say('block', lang, n=res.index + 1)}", style="bold")
    if res.verified:
        head.append(" · " + say("ran_in", lang, seconds=run.seconds), style="dim")
        checks = say("checks", lang, n=run.checks) if run.checks else say("no_checks", lang)
        head.append(" · " + checks, style="dim")
    parts: list[Text | Panel] = [head]
    if not res.verified:
        parts.append(Text(run.error(lang), style="red"))
    output = run.output_text(lang).rstrip()
    if output:
        lines = output.splitlines()
        if len(lines) > SHOWN_LINES:
            more = len(lines) - SHOWN_LINES
            lines = lines[:SHOWN_LINES] + [f"… (+{more})"]
        parts.append(
            Panel(
                Text("\n".join(lines)), title=say("output", lang), title_align="left", style="dim"
            )
        )
    return Group(*parts)


def print_results(console: Console, results: list[BlockResult], lang: str) -> None:
    for res in results:
        console.print(render_result(res, lang))
    if results:
        console.print(Text(say("run_again_cli", lang, n=results[0].index + 1), style="dim"))


class CodeChecker:
    """Keeps the last answer so `/run N` can run its block N again."""

    def __init__(
        self, console: Console, db_url: str | None = None, limits: Limits | None = None
    ) -> None:
        self.console = console
        self.db_url = db_url
        self.limits = limits
        self.answer = ""
        self.message_id: int | None = None

    async def after_reply(
        self, answer: str, lang: str, message_id: int | None = None
    ) -> list[BlockResult]:
        """Run the answer's Python blocks, print their badges, store them on the message."""
        self.answer, self.message_id = answer, message_id
        if not extract_blocks(answer):
            return []
        self.console.print(Text(say("checking", lang), style="dim italic"))
        results = await asyncio.to_thread(run_answer, answer, self.limits)
        print_results(self.console, results, lang)
        if message_id is not None and self.db_url:
            await asyncio.to_thread(self._save, results)
        return results

    def handles(self, text: str) -> bool:
        return text == "/run" or text.startswith("/run ")

    async def command(self, text: str, lang: str) -> BlockResult | None:
        """`/run N`: run block N of the last answer again (after the blocks before it)."""
        count = len(extract_blocks(self.answer))
        arg = text[len("/run") :].strip()
        if not arg.isdigit() or not 1 <= int(arg) <= count:
            self.console.print(Text(say("bad_run_command", lang, count=count), style="yellow"))
            return None
        res = await asyncio.to_thread(rerun_block, self.answer, int(arg) - 1, self.limits)
        self.console.print(render_result(res, lang))
        if self.message_id is not None and self.db_url:
            await asyncio.to_thread(self._save_one, res)
        return res

    def _save(self, results: list[BlockResult]) -> None:
        from dltutor.store.db import session_scope

        assert self.db_url and self.message_id is not None
        with session_scope(self.db_url) as db:
            save_block_results(db, self.message_id, results)

    def _save_one(self, res: BlockResult) -> None:
        from dltutor.store.db import session_scope

        assert self.db_url and self.message_id is not None
        with session_scope(self.db_url) as db:
            save_one_result(db, self.message_id, res)
