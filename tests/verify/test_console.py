"""The CLI chat's code check: badges and output after a reply, `/run N`, stored verdicts."""

from __future__ import annotations

from rich.console import Console

from dltutor.config import get_settings
from dltutor.grader.limits import Limits
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.store.models import Message
from dltutor.verify.answers import stored_results
from dltutor.verify.console import CodeChecker
from tests.verify.conftest import fenced

ANSWER = f"{fenced('n = 4')}\n\n{fenced('print(n ** 2)')}\n\n{fenced('print(n / 0)')}\n"


def saved_message(text: str) -> int:
    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        conv = repo.create_conversation(db, learner_id=me.id, title="t")
        return repo.add_message(db, conversation=conv, role="assistant", content=text).id


async def test_badges_output_and_run_again(limits: Limits) -> None:
    console = Console(record=True, width=100)
    msg_id = saved_message(ANSWER)
    checker = CodeChecker(console, get_settings().db_url(), limits)
    results = await checker.after_reply(ANSWER, "zh", msg_id)
    assert [r.status for r in results] == ["verified", "verified", "failed"]
    shown = console.export_text()
    assert "✓ 已验证" in shown and "✗ 运行失败" in shown and "16" in shown
    assert "ZeroDivisionError" in shown and "/run 1" in shown
    with session_scope(get_settings().db_url()) as db:
        msg = db.get(Message, msg_id)
        assert msg is not None
        stored = stored_results(msg)
        assert stored is not None and [r.status for r in stored] == [
            "verified",
            "verified",
            "failed",
        ]
        msg.content += "\nedited"  # verdicts belong to the content they were made for
        assert stored_results(msg) is None

    assert checker.handles("/run 2") and not checker.handles("/running")
    res = await checker.command("/run 2", "en")
    assert res is not None and res.verified and res.run.output == "16\n"
    assert await checker.command("/run 9", "en") is None
    assert "Usage: /run N" in console.export_text()


async def test_an_answer_without_code_prints_nothing(limits: Limits) -> None:
    console = Console(record=True)
    checker = CodeChecker(console, None, limits)
    assert await checker.after_reply("No code here.\n\n```bash\nls\n```", "en") == []
    assert console.export_text() == ""
