"""What the web app holds for its lifetime: the model backend, admission control, the chat."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from dltutor.chat import Chat, Turn, default_grounder
from dltutor.config import Settings
from dltutor.llm.admission import Admission
from dltutor.llm.backend import Backend, open_backend
from dltutor.llm.errors import LLMError

log = logging.getLogger("dltutor.web")


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class TutorService:
    def __init__(self, settings: Settings, open_model: bool = True) -> None:
        self.settings = settings
        self.backend_error: str | None = None
        try:
            self.backend = open_backend(settings) if open_model else Backend("none")
        except Exception as e:  # start in course-only mode rather than not at all
            log.error("model backend unavailable: %s", e)
            self.backend_error = str(e)
            self.backend = Backend("none")
        self.admission = Admission(settings.max_concurrent, settings.queue_timeout)
        self.chat = Chat(settings, self.backend, self.admission, grounder=default_grounder())

    async def aclose(self) -> None:
        await self.chat.aclose()
        self.backend.close()

    async def stream(self, turn: Turn, lang: str) -> AsyncIterator[str]:
        """SSE events for one turn: queue positions, thinking, answer pieces, then done or error.

        The model is read in its own task feeding a queue, so queue positions can be sent
        while the request waits for a slot. If the browser goes away, the task is cancelled
        and the chat service saves what had arrived.
        """
        yield sse(
            "turn",
            {
                "conversation_id": turn.conversation_id,
                "user_message_id": turn.user_message_id,
                "assistant_message_id": turn.assistant_message_id,
            },
        )
        events: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()

        async def produce() -> None:
            try:
                async for d in self.chat.send(
                    turn,
                    lang=lang,
                    on_position=lambda p: events.put_nowait(("queue", {"position": p})),
                ):
                    events.put_nowait((d.kind, {"text": d.text}))
                r = turn.reply
                events.put_nowait(
                    (
                        "done",
                        {
                            "status": r.status,
                            "finish_reason": r.finish_reason,
                            "output_tokens": r.output_tokens,
                            "tokens_estimated": r.tokens_estimated,
                            "ttft_s": r.first_token_s,
                            "total_s": r.total_s,
                            "queue_s": turn.queue_s,
                            "citations": turn.citations,
                            "model": r.model,
                        },
                    )
                )
            except LLMError as e:
                events.put_nowait(
                    (
                        "error",
                        {"kind": e.kind, "message": e.message(lang), "partial": turn.reply.answer},
                    )
                )
            finally:
                events.put_nowait(None)

        task = asyncio.create_task(produce())
        try:
            while (item := await events.get()) is not None:
                yield sse(*item)
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
