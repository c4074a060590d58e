"""A learner message end to end: saved first, streamed, saved as it streams, kept on failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dltutor.chat import Chat
from dltutor.config import get_settings
from dltutor.export import conversation_markdown
from dltutor.llm.backend import Backend
from dltutor.llm.errors import LLMError
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.store import repo
from dltutor.store.db import session_scope


@pytest.fixture
def srv() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as s:
        yield s


def make_chat(srv: FakeLLMServer, **kw: object) -> tuple[Chat, int]:
    settings = get_settings()
    with session_scope(settings.db_url()) as db:
        learner_id = repo.get_or_create_local_learner(db).id
    backend = Backend("fake", srv.base_url, model="fake-model")
    return Chat(settings, backend, **kw), learner_id  # type: ignore[arg-type]


def stored(learner_id: int, conversation_id: int) -> list:  # type: ignore[type-arg]
    with session_scope(get_settings().db_url()) as db:
        return repo.list_messages(db, learner_id=learner_id, conversation_id=conversation_id)


async def test_reply_is_streamed_and_saved_with_history(srv: FakeLLMServer) -> None:
    chat, me = make_chat(srv)
    srv.enqueue(Script(chunks=["点积是", "对应元素相乘再相加。"]), Script(chunks=["Yes."]))
    turn = chat.start(learner_id=me, text="什么是点积？")
    text = "".join([d.text async for d in chat.send(turn)])
    assert text == "点积是对应元素相乘再相加。"
    turn2 = chat.start(
        learner_id=me, text="所以结果是标量吗？", conversation_id=turn.conversation_id
    )
    _ = [d async for d in chat.send(turn2)]
    await chat.aclose()
    msgs = stored(me, turn.conversation_id)
    assert [(m.role, m.status) for m in msgs] == [
        ("user", "complete"),
        ("assistant", "complete"),
    ] * 2
    assert msgs[1].content == text and msgs[1].output_tokens == 2 and msgs[1].ttft_s is not None
    sent = srv.requests[-1]["messages"]
    assert (
        sent[0]["role"] == "system" and "中文" in sent[0]["content"]
    )  # Chinese prompt for a Chinese learner
    assert [m["content"] for m in sent[1:]] == ["什么是点积？", text, "所以结果是标量吗？"]
    md = conversation_markdown(msgs, "点积")
    assert md.startswith("# 点积") and "> ## 什么是点积？" in md and text in md


async def test_dropped_stream_keeps_what_arrived_in_the_database(srv: FakeLLMServer) -> None:
    chat, me = make_chat(srv)
    srv.enqueue(Script(chunks=["Backprop ", "applies ", "the chain rule"], drop_after=2))
    turn = chat.start(learner_id=me, text="What is backprop?")
    with pytest.raises(LLMError):
        _ = [d async for d in chat.send(turn)]
    await chat.aclose()
    bot = stored(me, turn.conversation_id)[1]
    assert (bot.content, bot.status) == ("Backprop applies ", "error") and "dropped" in (
        bot.error or ""
    )


async def test_truncated_reply_is_saved_as_truncated(srv: FakeLLMServer) -> None:
    chat, me = make_chat(srv)
    turn = chat.start(learner_id=me, text="Explain everything")
    _ = [d async for d in chat.send(turn, max_tokens=3)]
    await chat.aclose()
    bot = stored(me, turn.conversation_id)[1]
    assert (bot.status, bot.finish_reason) == ("truncated", "length")
    assert "incomplete" in conversation_markdown([bot], lang="en")


async def test_dead_backend_saves_question_and_error() -> None:
    settings = get_settings()
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
    chat = Chat(settings, Backend("ollama", "http://127.0.0.1:9/v1", model="qwen2.5:7b"))
    turn = chat.start(learner_id=me, text="hello?")
    with pytest.raises(LLMError) as err:
        _ = [d async for d in chat.send(turn)]
    await chat.aclose()
    assert err.value.kind == "unreachable"
    user, bot = stored(me, turn.conversation_id)
    assert user.content == "hello?" and bot.status == "error" and "ollama" in (bot.error or "")


async def test_grounding_context_reaches_the_prompt_and_citations_are_saved(
    srv: FakeLLMServer,
) -> None:
    def grounder(q: str, lang: str, k: int, chars: int) -> tuple[list[str], list[str]]:
        return ["COURSE: the dot product sums products."], ["math.vectors_dot_product · Intuition"]

    chat, me = make_chat(srv, grounder=grounder)
    turn = chat.start(learner_id=me, text="dot product?")
    _ = [d async for d in chat.send(turn)]
    await chat.aclose()
    assert "COURSE: the dot product" in srv.requests[-1]["messages"][0]["content"]
    assert stored(me, turn.conversation_id)[1].meta["citations"] == [
        "math.vectors_dot_product · Intuition"
    ]


async def test_saves_while_streaming_are_one_update_and_keep_the_citations(
    srv: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply is saved every SAVE_EVERY_S while it streams: each such save is one UPDATE,
    with no read of the message, once the citations are in (the first save merges them); the
    message's other metadata, its model and its backend survive every save."""
    from sqlalchemy import event

    from dltutor import chat as chat_module
    from dltutor.store.db import get_engine
    from dltutor.store.models import Message

    def grounder(q: str, lang: str, k: int, chars: int) -> tuple[list[str], list[str]]:
        return ["COURSE: weights move against the gradient."], ["dl.gradient_descent · Idea"]

    monkeypatch.setattr(chat_module, "SAVE_EVERY_S", 0.0)  # a save after every piece
    chat, me = make_chat(srv, grounder=grounder)
    srv.enqueue(Script(chunks=["Step ", "downhill ", "a ", "little."], token_delay=0.15))
    turn = chat.start(learner_id=me, text="What is gradient descent?")
    with session_scope(get_settings().db_url()) as db:  # e.g. a mark another feature left
        msg = db.get(Message, turn.assistant_message_id)
        assert msg is not None
        msg.meta = {"note": "kept"}
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    engine = get_engine(get_settings().db_url())
    event.listen(engine, "before_cursor_execute", seen)
    try:
        _ = [d async for d in chat.send(turn)]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    await chat.aclose()
    assert sum(s.startswith("UPDATE messages") for s in statements) >= 4  # a piece, a save
    # only the first save read the message, to merge the citations into its metadata
    assert sum(s.startswith("SELECT") and "FROM messages" in s for s in statements) == 1
    bot = stored(me, turn.conversation_id)[1]
    assert (bot.content, bot.status) == ("Step downhill a little.", "complete")
    assert bot.meta == {"note": "kept", "citations": ["dl.gradient_descent · Idea"]}
    assert (bot.model, bot.backend) == ("fake-model", "fake")


async def test_the_least_known_prerequisite_is_checked_and_shown_ones_are_not(
    srv: FakeLLMServer,
) -> None:
    from dltutor.chat import chat_course

    course = chat_course()

    def checkable(topic_id: str) -> bool:
        lesson = course[topic_id].lesson("en")
        return lesson is not None and bool(lesson.check_questions)

    topic = next(t for t in course if len(t.requires) >= 2 and all(map(checkable, t.requires)))
    # the last one unshown: with every mastery unread, the first would be picked instead
    unshown, shown = topic.requires[-1], topic.requires[:-1]

    def question(topic_id: str) -> str:
        lesson = course[topic_id].lesson("en")
        assert lesson is not None
        return lesson.check_questions[0].question

    def grounder(q: str, lang: str, k: int, chars: int) -> tuple[list[str], list[str]]:
        return ["(course text)"], [f"[{topic.id} · The idea]"]

    chat, me = make_chat(srv, grounder=grounder)
    with session_scope(get_settings().db_url()) as db:
        for r in shown:
            repo.upsert_topic_state(db, learner_id=me, topic=r, mastery=0.99)
    srv.enqueue(Script(chunks=["Sure."]), Script(chunks=["Sure."]))
    turn = chat.start(learner_id=me, text="Can you explain this?")
    async for _ in chat.send(turn, lang="en"):
        pass
    system = srv.requests[-1]["messages"][0]["content"]
    assert question(unshown) in system
    assert not any(question(r) in system for r in shown)

    with session_scope(get_settings().db_url()) as db:  # now all shown: nothing to check
        repo.upsert_topic_state(db, learner_id=me, topic=unshown, mastery=0.99)
    turn = chat.start(learner_id=me, text="And this?", conversation_id=turn.conversation_id)
    async for _ in chat.send(turn, lang="en"):
        pass
    system = srv.requests[-1]["messages"][0]["content"]
    assert not any(question(r) in system for r in topic.requires)
