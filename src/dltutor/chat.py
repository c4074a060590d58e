"""One learner message, end to end: save it, ground it, stream the reply, save as it streams.

The assistant message row exists from the first moment (status "streaming") and is updated at
most every `SAVE_EVERY_S` seconds and at the end, so a crash, a dropped connection or a dead
backend leaves in the database exactly what the learner saw, with how and why it ended.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
from sqlalchemy.orm import Session

from dltutor import prompts
from dltutor.config import Settings
from dltutor.course.model import Course
from dltutor.i18n import detect_lang
from dltutor.llm.backend import Backend
from dltutor.llm.budget import PromptParts
from dltutor.llm.client import Generation, LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Delta, Message, Reply
from dltutor.store import instances, repo
from dltutor.store.db import session_factory
from dltutor.store.models import Conversation
from dltutor.store.models import Message as StoredMessage

log = logging.getLogger("dltutor.chat")
SAVE_EVERY_S = 1.0
HISTORY_TURNS = 12

T = TypeVar("T")
# (question, lang, sections, characters per section) -> (course sections for the prompt, best
# first; their citation labels)
Grounder = Callable[[str, str, int, int], tuple[list[str], list[str]]]
# How much course text grounds an answer: a large model uses three sections; the embedded 135M
# one gets two short ones (a long context only slows its first token and confuses it more).
GROUNDING = {"default": (3, 1200), "embedded": (2, 600)}


@dataclass
class Turn:
    """What one call to `Chat.send` produced; filled in while streaming."""

    conversation_id: int
    user_message_id: int
    assistant_message_id: int
    reply: Reply = field(default_factory=Reply)
    citations: list[str] = field(default_factory=list)
    queue_s: float = 0.0
    generation: Generation | None = None
    # The conversation so far, when the code that made the turn had it at hand: `send` then
    # need not read it again (a read on the event loop, a sixth of its CPU for a chat).
    history: list[StoredMessage] | None = None
    # The citations and source last merged into the stored message's metadata: a save with
    # nothing new for it is one UPDATE, with no read (chat._save).
    saved_meta: dict[str, Any] | None = None

    def kept_citations(self) -> list[str]:
        """The citations of the course sections that were sent: fitting the prompt to the
        model's window drops the lowest-ranked sections first, and with them their labels."""
        fitted = self.generation.fitted if self.generation else None
        dropped = fitted.grounding_dropped if fitted else 0
        return self.citations[: len(self.citations) - dropped]


def default_grounder() -> Grounder:
    """Course search: the top sections become context the answer cites."""
    from dltutor.course.answer import ground

    return ground


class Chat:
    """Conversations in the store, and streaming a reply into one. The model client (with its
    admission control) and the store's sessions are given by the application (tutor/app.py);
    made here only when used alone."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        client: LLMClient | None = None,
        grounder: Grounder | None = None,
        sessions: Callable[[], Session] | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.grounder = grounder
        self.sessions = sessions or session_factory(settings.db_url())
        self.client = client or (backend.client(settings) if backend.available else None)

    async def aclose(self) -> None:
        """Close the model client's connections (a chat used alone; the app closes its own)."""
        if self.client is not None:
            await self.client.aclose()

    def start(
        self,
        *,
        learner_id: int,
        text: str,
        conversation_id: int | None = None,
        lang: str | None = None,
    ) -> Turn:
        """Save the learner's message (and an empty assistant message) before anything can fail."""
        with self.sessions() as db, db.begin():
            conv = None
            if conversation_id is not None:
                conv = repo.get_conversation(
                    db, learner_id=learner_id, conversation_id=conversation_id
                )
                if conv is None:
                    raise LookupError(f"conversation {conversation_id} not found")
            new = conv is None
            if conv is None:
                conv = repo.create_conversation(
                    db,
                    learner_id=learner_id,
                    title=text[:80],
                    lang=lang or detect_lang(text, "zh"),
                    flush=False,
                )
            # The rows go in one flush, with the empty reply (a flush per row was 40% of this)
            user = repo.add_message(db, conversation=conv, role="user", content=text, flush=False)
            bot = self._empty_reply(db, conv)
            history = (
                [user, bot]
                if new
                else repo.list_messages(db, learner_id=learner_id, conversation_id=conv.id)
            )
            return Turn(conv.id, user.id, bot.id, history=history)

    def post(
        self,
        *,
        learner_id: int,
        conversation_id: int,
        text: str,
        meta: dict[str, Any] | None = None,
    ) -> int:
        """Save an assistant message written by dltutor itself (course text, a question, a hint)."""
        with self.sessions() as db, db.begin():
            conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conversation_id)
            if conv is None:
                raise LookupError(f"conversation {conversation_id} not found")
            msg = repo.add_message(
                db,
                conversation=conv,
                role="assistant",
                content=text,
                backend="dltutor",
                meta=meta or {},
            )
            return msg.id

    def open_reply(self, *, learner_id: int, conversation_id: int) -> Turn:
        """An empty assistant message to stream into, answering the latest learner message."""
        with self.sessions() as db, db.begin():
            conv = repo.get_conversation(db, learner_id=learner_id, conversation_id=conversation_id)
            if conv is None:
                raise LookupError(f"conversation {conversation_id} not found")
            users = [
                m.id
                for m in repo.list_messages(db, learner_id=learner_id, conversation_id=conv.id)
                if m.role == "user"
            ]
            bot = self._empty_reply(db, conv)
            return Turn(conv.id, users[-1] if users else 0, bot.id)

    def restart(self, *, learner_id: int, assistant_message_id: int) -> Turn:
        """Regenerate: a new assistant message answering the same learner message again.
        The old answer stays in the database (marked superseded), so nothing is lost."""
        with self.sessions() as db, db.begin():
            old = db.get(StoredMessage, assistant_message_id)
            if old is None or old.learner_id != learner_id or old.role != "assistant":
                raise LookupError(f"message {assistant_message_id} not found")
            earlier = [
                m
                for m in repo.list_messages(
                    db, learner_id=learner_id, conversation_id=old.conversation_id
                )
                if m.id < old.id and m.role == "user"
            ]
            if not earlier:
                raise LookupError("no question to answer again")
            old.meta = {**(old.meta or {}), "superseded": True}
            conv = old.conversation
            bot = self._empty_reply(db, conv)
            return Turn(conv.id, earlier[-1].id, bot.id)

    async def send(
        self,
        turn: Turn,
        *,
        lang: str | None = None,
        on_position: Callable[[int], None] | None = None,
        max_tokens: int | None = None,
        prompt: list[Message] | PromptParts | None = None,
    ) -> AsyncIterator[Delta]:
        """Stream the assistant's reply to the saved learner message of `turn` (or to an explicit
        `prompt`, which the teaching loop builds for a move).

        A question in a language the model cannot write (Chinese, to the embedded English-only
        model) is never sent to it: the course answers, in the learner's language."""
        # The reads stay on the event loop (two primary-key reads: moved to a thread they only
        # fought the loop for the GIL). The grounding search does not: its dense half is one
        # e5 forward pass, ~35 ms of CPU in C that lets go of the GIL, and on the loop it held
        # every other learner's stream still for that long (profiled: 100 chats, 3.5 s of 8.9).
        history, question, lang = self._question(turn, lang)
        if prompt is None and not self.speaks(lang):
            async for d in self._course_answer(turn, history, question, lang):
                yield d
            return
        if self.client is None:
            raise RuntimeError("no model: use the course-only answer (dltutor ask --llm none)")
        if isinstance(prompt, list):
            prompt = PromptParts.from_messages(prompt, lang)
        if prompt is None:
            try:
                prompt = await asyncio.to_thread(self._prompt, history, turn, question, lang)
            except asyncio.CancelledError:  # Stop while the course was searched: kept as stopped
                turn.reply.status, turn.reply.error_kind = "stopped", "cancelled"
                await despite_cancel(asyncio.to_thread(self._save, turn))
                raise
        messages = prompt
        last_save = time.monotonic()
        # The client waits for a generation slot first (admission control, in llm/), served
        # round-robin across learners; `on_position` hears the place in the queue meanwhile.
        gen = self.client.stream(
            messages, max_tokens=max_tokens, owner=str(_owner_id(history)), on_position=on_position
        )
        turn.reply, turn.generation = gen.reply, gen
        deltas = gen.__aiter__()  # held, so that it can be closed at once, not when collected
        try:
            try:
                async for delta in deltas:
                    yield delta
                    if time.monotonic() - last_save > SAVE_EVERY_S:
                        last_save = time.monotonic()
                        # Waited for even if Stop lands meanwhile: a save still running in its
                        # thread could commit after the final one below and put back less text
                        # than the learner saw.
                        await despite_cancel(asyncio.to_thread(self._save, turn))
            finally:
                # Close the model's stream at once (Stop, a closed tab): the generation closes
                # its response, so the model stops, and only then gives its slot back.
                await despite_cancel(_aclose(deltas))
        except LLMError as e:
            if e.reply is None:  # failed before streaming began (e.g. queue timeout)
                gen.reply.status, gen.reply.error_kind, gen.reply.error = (
                    "error",
                    e.kind,
                    e.message("en"),
                )
            raise
        except BaseException:  # cancelled (Stop, the learner left, Ctrl-C): keep what arrived
            if gen.reply.status == "streaming":
                gen.reply.status, gen.reply.error_kind = "stopped", "cancelled"
            raise
        finally:
            await despite_cancel(asyncio.to_thread(self._save, turn))

    def speaks(self, lang: str) -> bool:
        """Whether the model can answer in `lang` (there is one, and it writes that language)."""
        return self.client is not None and lang in self.backend.languages

    def _question(self, turn: Turn, lang: str | None) -> tuple[list[StoredMessage], str, str]:
        """The conversation so far, the learner's message `turn` answers, and its language."""
        history = turn.history
        if history is None:
            with self.sessions() as db:
                history = repo.list_messages(
                    db, learner_id=_owner(db, turn), conversation_id=turn.conversation_id
                )
        question = next((m.content for m in history if m.id == turn.user_message_id), "")
        return history, question, lang or detect_lang(question, "zh")

    async def _course_answer(
        self, turn: Turn, history: list[StoredMessage], question: str, lang: str
    ) -> AsyncIterator[Delta]:
        """The course's own answer, quoted with citations, saved as the reply."""
        from dltutor.course.answer import UNSPOKEN, answer_offline

        ans = await asyncio.to_thread(answer_offline, question, lang, note=UNSPOKEN)
        turn.citations = ans.citations
        text = ans.text
        check = self._prerequisite_check(_owner_id(history), ans.citations, lang, "prereq_offer")
        if check:
            text += "\n\n" + check
        r = turn.reply
        r.answer, r.status, r.finish_reason, r.model = text, "complete", "stop", "course"
        r.first_token_s = r.total_s = 0.0
        await asyncio.to_thread(self._save, turn, "course")
        yield Delta("answer", text)

    def _prerequisite_check(
        self, learner_id: int, citations: list[str], lang: str, key: str
    ) -> str:
        """Before building on a prerequisite the learner has not shown (mastery below the
        policy's SURE), check it: `key` says how (`prereq_offer`, said to the learner, or
        `prereq_prompt`, told to the model), with the least-known one's check question. Empty
        when the topic has none, or the learner has shown them all."""
        from dltutor.learning.policy import SURE
        from dltutor.tutor.record import mastery_of
        from dltutor.tutor.texts import phrase

        if not citations or learner_id <= 0:
            return ""
        course = chat_course()
        topic = citations[0].strip("[]").split(" · ")[0]
        if topic not in course:
            return ""
        requires = course[topic].requires
        if not requires:
            return ""
        with self.sessions() as db:
            p = mastery_of(db, learner_id, requires)
        unshown = sorted((r for r in requires if p[r] < SURE), key=lambda r: p[r])
        lesson = course[unshown[0]].lesson(lang) if unshown else None
        if lesson is None or not lesson.check_questions:
            return ""
        return phrase(
            key,
            lang,
            prereq=course.title(unshown[0], lang),
            topic=course.title(topic, lang),
            question=lesson.check_questions[0].question,
            id=unshown[0],
        )

    def _empty_reply(self, db: Session, conv: Conversation) -> StoredMessage:
        """The assistant message a stream will fill, saved before the model is asked."""
        return repo.add_message(
            db,
            conversation=conv,
            role="assistant",
            content="",
            status="streaming",
            backend=self.backend.name,
            model=self.backend.model,
            owner=instances.owner_id(db),  # a crash is told from a live stream by it
        )

    def _prompt(
        self, history: list[StoredMessage], turn: Turn, question: str, lang: str
    ) -> PromptParts:
        """The system prompt, the course sections, the recent conversation and the question:
        kept apart, so that the client can fit them to the model's window by priority."""
        grounding: list[str] = []
        if self.grounder:
            try:
                k, chars = GROUNDING["embedded" if self.backend.embedded else "default"]
                grounding, turn.citations = self.grounder(question, lang, k, chars)
            except Exception:  # search is an aid: a broken index must not stop the answer
                log.exception("course grounding failed; answering without course context")
        earlier = [
            Message("user" if m.role == "user" else "assistant", m.content)
            for m in history
            if m.id < turn.user_message_id and m.content and m.role in ("user", "assistant")
        ]
        system = prompts.load("tutor", lang)
        check = self._prerequisite_check(_owner_id(history), turn.citations, lang, "prereq_prompt")
        return PromptParts(
            system=system + ("\n\n" + check if check else ""),
            current=Message("user", question),
            grounding=grounding,
            history=earlier[-HISTORY_TURNS:],
            lang=lang,
        )

    def _save(self, turn: Turn, source: str | None = None) -> None:
        turn.queue_s = turn.reply.queue_s
        meta: dict[str, Any] = {"source": source} if source else {}
        if turn.kept_citations():
            meta["citations"] = turn.kept_citations()
        with self.sessions() as db, db.begin():
            if not meta or meta == turn.saved_meta:  # nothing new for the metadata: no read
                repo.save_reply(
                    db,
                    turn.assistant_message_id,
                    turn.reply,
                    backend=self.backend.name,
                    queue_s=turn.queue_s,
                )
                return
            msg = db.get(StoredMessage, turn.assistant_message_id)  # merged into what it has
            if msg is None:
                return
            repo.apply_reply(msg, turn.reply, backend=self.backend.name, queue_s=turn.queue_s)
            msg.meta = {**(msg.meta or {}), **meta}
            turn.saved_meta = meta


@functools.cache
def chat_course() -> Course:
    """The course the chat checks prerequisites in, loaded once (the web warms it at start)."""
    return Course.load()


async def despite_cancel(aw: Awaitable[T]) -> T:
    """Await `aw` to its end even if the caller is cancelled meanwhile, then re-raise the
    cancellation. Cleanup (closing the model's stream, the final save) must not be cut short:
    Starlette cancels a response through an anyio cancel scope, which cancels the waiting
    task again at every await, so a plain `await` in a `finally` never got to run."""
    task = asyncio.ensure_future(aw)
    cancelled = False
    with anyio.CancelScope(shield=True):  # no redelivery by an enclosing anyio scope
        while not task.done():
            try:
                await asyncio.wait([task])  # unlike gather, a cancelled wait leaves `task` be
            except asyncio.CancelledError:
                cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return task.result()


async def _aclose(it: AsyncIterator[Any]) -> None:
    aclose = getattr(it, "aclose", None)
    if aclose is not None:
        await aclose()


def _owner(db: Session, turn: Turn) -> int:
    msg = db.get(StoredMessage, turn.assistant_message_id)
    if msg is None:
        raise LookupError("message vanished")
    return msg.learner_id


def _owner_id(history: list[StoredMessage]) -> int:
    return history[0].learner_id if history else 0
