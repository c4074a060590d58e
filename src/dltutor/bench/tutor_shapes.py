"""The tutor's requests, built by the tutor's own code: the one place the bench reaches into it.

`dltutor bench --workload sessions` must send what the tutor sends: the system prompt, course
grounding, the conversation so far, and the teaching loop's own explain and judge calls. Rather
than copy any prompt text or prompt-building step, each function here runs the tutor's code and
takes the messages it would have sent:

- a free question: `Chat._prompt` (system prompt `prompts.load("tutor")`, grounding by
  `default_grounder()` = `course.answer.ground`, the last `HISTORY_TURNS` messages), on a `Chat`
  made without its database or model;
- a teaching move: `Teacher._explain`, with a stand-in for the chat that records the prompt;
- a judgement: `tutor.judge.judge`, with a stand-in for the model client that records the call.

The tutor builds each request as `PromptParts` (what may be trimmed kept apart from what may
not) and its client fits them to the model's window before sending (llm/budget.py). A `Call`
keeps the parts; `fitted(call, window, max_tokens)` does that fitting the way the client does,
with the estimate counter (no requests to the server being measured). The tests in
tests/bench/test_tutor_shapes.py say whether this still matches the tutor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from dltutor.chat import Chat, Turn, default_grounder
from dltutor.course.model import Course
from dltutor.learning.policy import Depth, Move
from dltutor.llm.backend import Backend
from dltutor.llm.budget import DoesNotFit, Fit, PromptParts, fit
from dltutor.llm.types import Message, Reply
from dltutor.store.models import Message as StoredMessage
from dltutor.tutor.judge import judge
from dltutor.tutor.teacher import Teacher, TurnResult
from dltutor.tutor.texts import phrase


@dataclass
class Call:
    """One model call as the tutor would make it, before fitting to a window."""

    kind: str  # chat | explain | judge
    parts: PromptParts
    max_tokens: int | None  # None: the client's default (the bench's --max-tokens)
    temperature: float | None  # None: the client's default

    @property
    def messages(self) -> list[Message]:
        return self.parts.messages()


def fitted(parts: PromptParts, window: int | None, max_tokens: int) -> list[Message]:
    """The messages the tutor's client would send to a server with this window (all of them
    when the window is unknown); the estimate counts tokens, as for a server without
    /tokenize. A request that cannot fit is sent as it is: the server's refusal is measured."""
    if window is None:
        return parts.messages()
    try:
        return cast(Fit, _run_sync(fit(parts, window=window, answer_tokens=max_tokens))).messages
    except DoesNotFit:
        return parts.messages()


@cache
def course() -> Course:
    return Course.load()


@cache
def _chat() -> Chat:
    chat = Chat.__new__(Chat)  # no database, no model: only what _prompt reads
    chat.grounder = default_grounder()
    chat.backend = Backend("bench")  # grounded as for a full-size model
    chat._prerequisite_check = lambda *a: ""  # type: ignore[method-assign]  # no learner record
    return chat


def chat_call(history: list[tuple[str, str]], question: str, lang: str) -> Call:
    """A learner's free question after `history` ((role, text) pairs, oldest first)."""
    stored = [
        StoredMessage(id=i, role=role, content=text) for i, (role, text) in enumerate(history, 1)
    ]
    qid = len(stored) + 1
    stored.append(StoredMessage(id=qid, role="user", content=question))
    parts = _chat()._prompt(stored, Turn(0, qid, 0), question, lang)
    return Call("chat", parts, None, None)


class _Recorder:
    """Stands in for the Chat (and for the model client) inside the tutor's code: it records the
    calls a move would make instead of making them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def speaks(self, lang: str) -> bool:
        return True  # the bench measures a server as a model that writes both languages

    def open_reply(self, *, learner_id: int, conversation_id: int) -> Turn:
        return Turn(conversation_id, 0, 0)

    async def send(self, turn: Turn, **kw: Any) -> Any:
        prompt = kw["prompt"]
        parts = prompt if isinstance(prompt, PromptParts) else PromptParts.from_messages(prompt)
        self.calls.append(Call("explain", parts, kw.get("max_tokens"), None))
        return
        yield  # an async generator that yields nothing

    async def complete(self, messages: list[Message], **kw: Any) -> Reply:
        parts = PromptParts.from_messages(messages)
        self.calls.append(Call("judge", parts, kw.get("max_tokens"), kw.get("temperature")))
        return Reply(answer='{"score": 1, "feedback": ""}')


def _app(rec: _Recorder) -> Any:
    """Stands in for the application (tutor/app.py): the recorder is its chat and its model
    client; there is no database."""
    return SimpleNamespace(chat=rec, client=rec, course=course(), sessions=None)


def explain_call(topic: str, lang: str, depth: Depth = "normal", focus: int | None = None) -> Call:
    """The teaching loop explaining `topic` (the move that streams a model's explanation)."""
    rec = _Recorder()
    teacher = Teacher(_app(rec))
    payload = {} if focus is None else {"focus_check_question": focus}
    move = Move("explain", topic, depth, payload)

    async def go() -> None:
        async for _ in teacher._explain(move, 0, 0, lang, TurnResult()):
            pass

    _run_sync(go())
    return rec.calls[-1]


def judge_call(question: str, rubric: str, answer: str, lang: str) -> Call:
    """The rubric judge scoring a learner's answer to a check question."""
    rec = _Recorder()
    _run_sync(judge(cast(Any, rec), question, rubric, answer, lang))
    return rec.calls[-1]


def check_question(topic: str, lang: str, index: int) -> tuple[str, str, str]:
    """(the tutor's message asking it, the question, its rubric): course data and the loop's own
    text, no model call."""
    q, rubric = Teacher(_app(_Recorder()))._question(topic, lang, index)
    return phrase("check", lang, question=q), q, rubric


def feedback_text(score: float, lang: str) -> str:
    return phrase("feedback", lang, score=score, feedback="")


def _run_sync(coro: Any) -> Any:
    """Drive a coroutine that never really waits (the recorders answer at once) to its end, so
    these builders can be called from inside the load generator's event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a prompt builder waited on something; the adapter needs updating")
