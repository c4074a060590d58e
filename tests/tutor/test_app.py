"""The application: one client, one admission control, whoever asks the model."""

from __future__ import annotations

import asyncio
import json

from dltutor.config import get_settings
from dltutor.llm.backend import Backend
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store import repo
from dltutor.store.db import session_scope
from dltutor.tutor.app import Tutor
from dltutor.tutor.judge import judge
from dltutor.verify.article import write_article
from dltutor.verify.blocks import extract_blocks
from dltutor.verify.repair import verify_blocks


async def test_every_generation_passes_one_admission_control() -> None:
    """Chat, the judge, a code repair and an article, all at once, with room for one: the
    model never runs two, and every one of them waited its turn in the same queue."""
    settings = get_settings().model_copy(update={"max_concurrent": 1})
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
    with FakeLLMServer(token_delay=0.02) as srv:
        app = Tutor(settings, Backend("fake", srv.base_url, model="fake-model"))
        assert app.chat.client is app.client and app.client is not None
        assert app.client.admission is app.admission
        seen: list[int] = []
        admitted = app.admission.slot

        def counting(key: str = "", on_position: object = None):  # type: ignore[no-untyped-def]
            seen.append(1)
            return admitted(key, on_position)  # type: ignore[arg-type]

        app.admission.slot = counting  # type: ignore[method-assign]
        srv.enqueue(
            Script(chunks=["Vectors ", "have ", "length."]),
            Script(chunks=[json.dumps({"score": 0.8, "feedback": "Good."})]),
            Script(chunks=["```python\nprint(1)\n```"]),
            Script(chunks=["# Article\n\n1. Background\n"]),
        )
        turn = app.chat.start(learner_id=me, text="What is a vector?", lang="en")

        async def chat() -> None:
            async for _ in app.chat.send(turn, lang="en"):
                pass

        async def judged() -> None:
            await judge(app.client, "What is a vector?", "a list of numbers", "numbers", "en")

        async def repaired() -> None:
            blocks = extract_blocks("```python\nx = [1]\nprint(x[5])\n```\n")
            await verify_blocks(blocks, lang="en", client=app.client, max_repairs=1)

        async def article() -> None:
            try:
                await write_article("math.vectors_dot_product", "en", client=app.client)
            except Exception:
                pass  # what the fake wrote is no article; only that it was asked counts

        await asyncio.gather(chat(), judged(), repaired(), article())
        await app.aclose()
    assert len(srv.requests) >= 4 and len(seen) == len(srv.requests)
    assert srv.max_active == 1
