"""Server-sent events: a chat turn or a teaching turn streamed to the browser, and stopped
cleanly when the browser goes away (Stop, a closed tab)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import anyio
from starlette.responses import StreamingResponse
from starlette.types import Send

from dltutor.chat import Turn
from dltutor.llm.errors import LLMError

if TYPE_CHECKING:
    from dltutor.tutor.app import Tutor

log = logging.getLogger("dltutor.web")

Event = tuple[str, dict[str, Any]]

# At most this often a write to the browser: 10 updates a second still read as a flowing
# stream, and every write costs a trip through the middleware and a syscall (at 20 a second,
# 4 ms more CPU per chat at 10 chats at once: bench/web_cpu.py). The first piece is not held.
FLUSH_EVERY_S = 0.1


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class SSEResponse(StreamingResponse):
    """Server-sent events. When the response ends, however it ends, its generator is closed at
    once, shielded: Starlette leaves a generator it was cancelled out of to the garbage
    collector, and closing it is what stops the turn (the model's stream, the slot, the save)."""

    media_type = "text/event-stream"

    def __init__(self, content: AsyncIterator[str]) -> None:
        super().__init__(content, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        finally:
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()


async def chat_events(app: Tutor, turn: Turn, lang: str) -> AsyncIterator[str]:
    """SSE events for one turn: queue positions, thinking, answer pieces, then done or error.

    The model is read in its own task feeding a queue, so queue positions can be sent
    while the request waits for a slot. If the browser goes away, the task is stopped
    and the chat saves what had arrived.
    """
    yield sse(
        "turn",
        {
            "conversation_id": turn.conversation_id,
            "user_message_id": turn.user_message_id,
            "assistant_message_id": turn.assistant_message_id,
        },
    )

    async def produce(put: Callable[[Event], None]) -> None:
        try:
            async for d in app.chat.send(
                turn, lang=lang, on_position=lambda p: put(("queue", {"position": p}))
            ):
                put((d.kind, {"text": d.text}))
            r = turn.reply
            put(
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
                        "citations": turn.kept_citations(),
                        "model": r.model,
                    },
                )
            )
        except LLMError as e:
            err = {"kind": e.kind, "message": e.message(lang), "partial": turn.reply.answer}
            put(("error", err))

    async for chunk in _pump(produce):
        yield chunk


async def teaching_events(
    app: Tutor, *, learner_id: int, conversation_id: int, text: str | None, lang: str
) -> AsyncIterator[str]:
    """SSE events for one turn of a teaching conversation (`Teacher.turn`): the same events
    as a plain turn; `done` says `reload`, because a turn may write several messages."""
    yield sse("turn", {"conversation_id": conversation_id, "teaching": True})

    async def produce(put: Callable[[Event], None]) -> None:
        teacher = app.teacher(lambda p: put(("queue", {"position": p})))
        try:
            async for d in teacher.turn(
                learner_id=learner_id, conversation_id=conversation_id, text=text
            ):
                put((d.kind, {"text": d.text}))
            last = teacher.last
            put(
                (
                    "done",
                    {
                        "status": "complete",
                        "reload": True,
                        "moves": [m.kind for m in last.moves],
                        "message_ids": last.message_ids,
                        "passed": None if last.grade is None else bool(last.grade.passed),
                        "score": None if last.judgement is None else last.judgement.score,
                    },
                )
            )
        except LLMError as e:
            put(("error", {"kind": e.kind, "message": e.message(lang), "reload": True}))
        except LookupError:
            put(("error", {"kind": "not_found", "message": "conversation not found"}))

    async for chunk in _pump(produce):
        yield chunk


async def _pump(produce: Callable[[Callable[[Event], None]], Any]) -> AsyncIterator[str]:
    """Run `produce` in its own task and yield what it puts as SSE. If the client goes away,
    the task is stopped, and waited for while it closes the model's stream and saves the reply."""
    events: asyncio.Queue[Event | None] = asyncio.Queue()
    # Stopping is an anyio cancel scope, not one `task.cancel()`: a scope cancels again at
    # every await until the turn has ended (a single cancellation can be lost, e.g. by a
    # `wait_for` whose result arrives at the same moment, and the model then ran to its end),
    # while the turn's cleanup shields itself (`despite_cancel`).
    stop = anyio.CancelScope()

    async def run() -> None:
        try:
            with stop:
                await produce(events.put_nowait)
        except Exception:  # never a silent hang: the learner gets an error event
            log.exception("a streamed turn failed")
            events.put_nowait(("error", {"kind": "internal", "message": "internal error"}))
        finally:
            events.put_nowait(None)

    task = asyncio.create_task(run())
    loop = asyncio.get_running_loop()
    try:
        done = False
        sent_at = -FLUSH_EVERY_S
        while not done and (item := await events.get()) is not None:
            # Pieces that arrive within FLUSH_EVERY_S of the last write wait for the next one
            # and go together (fewer syscalls and trips through the middleware: a token a write
            # was a fifth of the server's CPU per chat). The first piece after a pause goes at
            # once, so the first token is never held back.
            if (wait := sent_at + FLUSH_EVERY_S - loop.time()) > 0:
                # ... unless the turn ends meanwhile: its last pieces and `done` go at once
                await asyncio.wait([task], timeout=wait)
            chunk = [sse(*item)]
            while not events.empty():
                more = events.get_nowait()
                if more is None:
                    done = True
                    break
                chunk.append(sse(*more))
            yield "".join(chunk)
            sent_at = loop.time()
    finally:
        # The learner pressed Stop or left. The wait is shielded: Starlette's own cancel scope
        # would otherwise end it at once (and `gather` passed each of its cancellations on to
        # the task, cutting the turn's cleanup short).
        if not task.done():
            stop.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([task])
