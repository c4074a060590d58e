"""The JSON API (thin: each route calls plain modules). OpenAPI at /docs and /openapi.json."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field

from dltutor.course.render import render_markdown
from dltutor.export import conversation_markdown
from dltutor.i18n import detect_lang
from dltutor.llm.errors import Busy, LLMError
from dltutor.store import repo
from dltutor.store.models import Message
from dltutor.tutor.app import Tutor
from dltutor.web import streams
from dltutor.web.deps import (
    CSRF,
    CurrentLearner,
    IdPath,
    SessionDep,
    TutorDep,
    csrf_token,
    page_lang,
)
from dltutor.web.streams import SSEResponse

router = APIRouter(prefix="/api", tags=["api"])


class ChatIn(BaseModel):
    text: str = Field(min_length=1, max_length=8000)
    conversation_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    lang: str | None = Field(default=None, pattern="^(zh|en)$")


class TeachIn(BaseModel):
    topic: str = Field(max_length=100, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    lang: str | None = Field(default=None, pattern="^(zh|en)$")


class MeOut(BaseModel):
    id: int
    name: str
    username: str | None
    role: str
    lang: str
    class_code: str | None
    csrf_token: str


class ConversationOut(BaseModel):
    id: int
    title: str
    lang: str
    topic: str | None
    teaching: bool  # a teaching conversation: learner messages go through the teaching loop


class MessageOut(BaseModel):
    id: int
    role: str
    content: str
    thinking: str
    status: str
    finish_reason: str | None
    error: str | None
    output_tokens: int | None
    ttft_s: float | None
    meta: dict[str, Any]
    html: str  # the content rendered (Markdown, MathML, highlighted code)


@router.get("/me", response_model=MeOut)
def read_me(request: Request, me: CurrentLearner) -> MeOut:
    """The signed-in learner, and the CSRF token their requests must send."""
    return MeOut(
        id=me.id,
        name=me.name,
        username=me.username,
        role=me.role,
        lang=me.lang,
        class_code=me.class_code,
        csrf_token=csrf_token(request),
    )


@router.get("/conversations", response_model=list[ConversationOut])
def read_conversations(db: SessionDep, me: CurrentLearner) -> list[ConversationOut]:
    """The learner's conversations, newest first."""
    return [
        ConversationOut(
            id=c.id, title=c.title, lang=c.lang, topic=c.topic, teaching="loop" in (c.state or {})
        )
        for c in repo.list_conversations(db, learner_id=me.id)
    ]


@router.get("/conversations/{conversation_id}/messages", response_model=list[MessageOut])
def read_messages(conversation_id: IdPath, db: SessionDep, me: CurrentLearner) -> list[MessageOut]:
    """One conversation's messages (404 unless it is the learner's own)."""
    if repo.get_conversation(db, learner_id=me.id, conversation_id=conversation_id) is None:
        raise HTTPException(404, "conversation not found")
    return [
        _message_out(m)
        for m in repo.list_messages(db, learner_id=me.id, conversation_id=conversation_id)
    ]


@router.get("/messages/{message_id}", response_model=MessageOut)
def read_message(message_id: IdPath, db: SessionDep, me: CurrentLearner) -> MessageOut:
    """One message, with its content rendered to HTML (404 unless it is the learner's own)."""
    msg = db.get(Message, message_id)
    if msg is None or msg.learner_id != me.id:
        raise HTTPException(404, "message not found")
    return _message_out(msg)


def _message_out(m: Message) -> MessageOut:
    return MessageOut(
        id=m.id,
        role=m.role,
        content=m.content,
        thinking=m.thinking,
        status=m.status,
        finish_reason=m.finish_reason,
        error=m.error,
        output_tokens=m.output_tokens,
        ttft_s=m.ttft_s,
        meta=m.meta or {},
        html=render_markdown(m.content),
    )


@router.get("/conversations/{conversation_id}/export", response_class=PlainTextResponse)
def export_conversation(
    conversation_id: IdPath, request: Request, db: SessionDep, me: CurrentLearner
) -> PlainTextResponse:
    """The conversation as Markdown (`> ## question`, then the answer)."""
    conv = repo.get_conversation(db, learner_id=me.id, conversation_id=conversation_id)
    if conv is None:
        raise HTTPException(404, "conversation not found")
    msgs = [
        m
        for m in repo.list_messages(db, learner_id=me.id, conversation_id=conversation_id)
        if not (m.meta or {}).get("superseded")
    ]
    md = conversation_markdown(msgs, conv.title, page_lang(request, me))
    return PlainTextResponse(
        md,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="conversation-{conv.id}.md"'},
    )


@router.post("/chat", dependencies=[CSRF])
async def post_chat(body: ChatIn, app: TutorDep, me: CurrentLearner) -> StreamingResponse:
    """Ask the tutor; the answer streams back as server-sent events
    (turn, queue, thinking, answer, done | error). In a teaching conversation the message goes
    through the teaching loop (judged, graded, then the next move)."""
    lang = body.lang or detect_lang(body.text, me.lang)
    await admit(app, lang)
    if body.conversation_id is not None:
        conv_lang = _teaching_lang(app, me.id, body.conversation_id)
        if conv_lang is not None:
            return SSEResponse(
                streams.teaching_events(
                    app,
                    learner_id=me.id,
                    conversation_id=body.conversation_id,
                    text=body.text,
                    lang=detect_lang(body.text, conv_lang),
                )
            )
    if not app.backend.available:
        return _offline_stream(body.text, lang)
    try:
        # saved before anything can fail; in a thread, so other streams flow meanwhile
        turn = await asyncio.to_thread(
            app.chat.start,
            learner_id=me.id,
            text=body.text,
            conversation_id=body.conversation_id,
            lang=lang,
        )
    except LookupError:
        raise HTTPException(404, "conversation not found") from None
    return SSEResponse(streams.chat_events(app, turn, lang))


async def admit(app: Tutor, lang: str) -> None:
    """Refuse a request the model's queue is too full for: 429 with Retry-After, in the
    learner's language, before anything is saved or a stream opened. (A queue that fills
    between this and the slot ends the stream with a `busy` error event instead.)"""
    if not app.backend.available:
        return  # answered from the course: no model, no queue
    try:
        await app.admission.check()
    except Busy as e:
        headers = {"Retry-After": str(e.retry_after)}
        raise HTTPException(429, e.message(lang), headers=headers) from None
    except LLMError as e:  # the shared queue (Redis) cannot be reached: say so, save nothing
        raise HTTPException(503, e.message(lang), headers={"Retry-After": "10"}) from None


def _teaching_lang(app: Tutor, learner_id: int, conversation_id: int) -> str | None:
    """The language of a teaching conversation, or None for a plain one (404 if not theirs)."""
    with app.sessions() as db:
        conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conversation_id)
        if conv is None:
            raise HTTPException(404, "conversation not found")
        state = conv.state or {}
        return str(state.get("lang") or conv.lang) if "loop" in state else None


@router.post("/teach", dependencies=[CSRF])
async def post_teach(
    body: TeachIn, request: Request, app: TutorDep, me: CurrentLearner
) -> StreamingResponse:
    """Start a teaching conversation on a topic; the tutor's opening streams back as
    server-sent events (the `turn` event carries the new conversation's id)."""
    if body.topic not in app.course:
        raise HTTPException(404, "no such topic")
    lang = body.lang or page_lang(request, me)
    await admit(app, lang)
    teacher = app.teacher()
    conv = await asyncio.to_thread(teacher.begin, learner_id=me.id, topic=body.topic, lang=lang)
    return SSEResponse(
        streams.teaching_events(app, learner_id=me.id, conversation_id=conv, text=None, lang=lang)
    )


@router.post("/messages/{message_id}/regenerate", dependencies=[CSRF])
async def regenerate(message_id: IdPath, app: TutorDep, me: CurrentLearner) -> StreamingResponse:
    """Answer the same question again (the old answer is kept, marked superseded)."""
    if not app.backend.available:
        raise HTTPException(409, "no model configured")
    await admit(app, me.lang)
    try:
        turn = app.chat.restart(learner_id=me.id, assistant_message_id=message_id)
    except LookupError:
        raise HTTPException(404, "message not found") from None
    return SSEResponse(streams.chat_events(app, turn, me.lang))


def _offline_stream(text: str, lang: str) -> StreamingResponse:
    from dltutor.course.answer import answer_offline
    from dltutor.web.streams import sse
    from dltutor.web.ui import ui

    ans = answer_offline(text, lang)

    async def events() -> Any:
        yield sse("answer", {"text": ui("chat.no_model", lang) + "\n\n" + ans.text})
        yield sse(
            "done",
            {"status": "complete", "citations": [str(c) for c in getattr(ans, "citations", [])]},
        )

    return StreamingResponse(events(), media_type="text/event-stream")


@router.get("/search")
def search_course(
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[dict[str, Any]]:
    """Search the course lessons (Chinese or English)."""
    from dltutor.course.search import search

    return [
        {"topic": h.topic, "section": h.section, "score": h.score, "snippet": h.snippet}
        for h in search(q, k=k)
    ]
