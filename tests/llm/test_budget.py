"""Every request fits the model's window: trimming by priority, refusing what cannot fit, and
the window and token counts learned from llama.cpp-, vLLM- and Ollama-style servers."""

from __future__ import annotations

import pytest

from dltutor.chat import Chat
from dltutor.config import get_settings
from dltutor.llm.backend import Backend
from dltutor.llm.budget import DoesNotFit, PromptParts, estimate_tokens, fit
from dltutor.llm.client import LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.fake import FakeLLMServer, Script, fake_tokens
from dltutor.llm.types import Message
from dltutor.store import repo
from dltutor.store.db import session_scope


async def words(texts: list[str] | tuple[str, ...]) -> list[int]:  # type: ignore[override]
    """A counter that is easy to reason about: one token per word."""
    return [len(t.split()) for t in texts]


def parts(history: int = 6, grounding: int = 3) -> PromptParts:
    return PromptParts(
        system="sys " * 10,
        current=Message("user", "question " * 5),
        grounding=[f"section{i} " * 20 for i in range(grounding)],  # best first
        history=[
            Message("user" if i % 2 == 0 else "assistant", f"turn{i} " * 10) for i in range(history)
        ],
        lang="en",
    )


async def test_everything_is_kept_when_it_fits() -> None:
    f = await fit(parts(), window=10_000, answer_tokens=100, count=words)
    assert not f.trimmed and len(f.messages) == 1 + 6 + 1
    assert f.messages[0].content.startswith("sys") and "section2" in f.messages[0].content


async def test_grounding_goes_first_from_the_lowest_rank_then_history_oldest_first() -> None:
    p = parts()
    full = (await fit(p, window=10_000, answer_tokens=0, count=words)).prompt_tokens
    # room for all but ~1.5 sections: the lowest-ranked ones go, history stays
    f = await fit(p, window=full - 30 + 24, answer_tokens=0, count=words)
    assert (f.grounding_dropped, f.history_dropped) == (2, 0)
    assert "section0" in f.messages[0].content and "section1" not in f.messages[0].content
    # tighter: one section stays, history goes oldest first down to the last exchange, and a
    # note says what was left out
    note = PromptParts.messages(p, 0, 4)[1].content
    window = 10 + 5 + 16 + (20 + 2) + (len(note.split()) + 8) + 2 * (10 + 8) + 8 + 16
    f = await fit(p, window=window, answer_tokens=0, count=words)
    assert (f.grounding_dropped, f.history_dropped) == (2, 4)
    assert f.messages[1].content == note and "4 earliest messages" in note
    kept = [m.content for m in f.messages[2:-1]]
    assert kept == [m.content for m in p.history[4:]]
    assert f.messages[-1] == p.current and f.messages[0].content.startswith("sys")
    assert f.prompt_tokens <= f.window
    # one token less: the last section goes too (the last exchange is worth more)
    f = await fit(p, window=window - 1, answer_tokens=0, count=words)
    assert f.grounding_dropped == 3 and f.messages[0].content == p.system


async def test_system_prompt_current_message_and_answer_reserve_are_never_cut() -> None:
    p = parts()
    with pytest.raises(DoesNotFit) as e:
        await fit(p, window=60, answer_tokens=30, count=words)
    assert e.value.window == 60 and e.value.needed > 60
    f = await fit(p, window=116, answer_tokens=30, count=words)
    assert [m.role for m in f.messages] == ["system", "user", "user"]  # the note stays
    assert f.messages[-1] == p.current and f.messages[0].content == p.system
    assert f.grounding_dropped == 3 and f.history_dropped == 6 and f.prompt_tokens <= 116 - 30


async def test_dropped_history_note_follows_the_language() -> None:
    p = parts()
    p.lang = "zh"
    f = await fit(p, window=170, answer_tokens=0, count=words)
    assert f.history_dropped and "省略" in f.messages[1].content


def test_the_estimate_never_undercounts_chinese_or_the_fake_tokenizer() -> None:
    zh = "什么是反向传播？能用一个比喻解释一下吗？" * 3
    assert estimate_tokens(zh) >= sum(1 for c in zh if "\u4e00" <= c <= "\u9fff")
    for text in [
        zh,
        "What is backpropagation? $\\frac{\\partial L}{\\partial w}$ = 3.14",
        "a " * 50,
    ]:
        assert estimate_tokens(text) >= fake_tokens(text)


@pytest.mark.parametrize(
    ("style", "source", "tokenizer"),
    [
        ("llamacpp", "llama.cpp /props", "llama.cpp"),
        ("vllm", "vllm /v1/models", "vllm"),
        ("ollama", "ollama /api/show", None),
    ],
)
async def test_window_is_learned_from_the_server(
    style: str, source: str, tokenizer: str | None
) -> None:
    backend = "ollama" if style == "ollama" else "custom"
    with FakeLLMServer(window=1500, style=style) as srv:
        async with LLMClient(srv.base_url, backend=backend) as c:
            w = await c.window()
            await c.complete([Message("user", "hi")], max_tokens=8)
    assert (w.tokens, w.source, w.tokenizer) == (1500, source, tokenizer)
    if style == "ollama":  # told its num_ctx explicitly, for the endpoints that honour it
        assert srv.requests[-1]["options"] == {"num_ctx": 1500}


async def test_the_setting_overrides_the_server_and_presets_need_no_probe() -> None:
    with FakeLLMServer(window=1500, style="llamacpp") as srv:
        async with LLMClient(srv.base_url, context_window=900) as c:
            w = await c.window()
        assert (w.tokens, w.source, w.tokenizer) == (900, "setting", "llama.cpp")
        async with LLMClient(srv.base_url, preset_window=128_000) as c:
            assert (await c.window()).source == "preset"


async def test_a_message_too_long_for_any_window_is_refused_before_sending() -> None:
    with FakeLLMServer(window=300, style="llamacpp") as srv:
        async with LLMClient(srv.base_url) as c:
            with pytest.raises(LLMError) as e:
                await c.complete([Message("system", "sys"), Message("user", "长" * 400)])
    assert e.value.kind == "context_overflow" and srv.requests == []
    assert "上下文" in e.value.message("zh") and "context window" in e.value.message("en")


LONG_ZH = (
    "我一直没搞懂反向传播里链式法则是怎么一层一层往回传的，尤其是矩阵形式下每个梯度的形状为什么"
    "要和参数一样，还有批量规范化之后梯度又是怎么变化的，能不能举一个两层网络的完整例子？"
)


@pytest.mark.parametrize("style", ["llamacpp", "vllm", "ollama"])
async def test_sixty_turns_of_long_chinese_never_exceed_the_window(style: str) -> None:
    """A long conversation on a small window: every turn is answered, no request is refused,
    and none is silently cut (what Ollama would do)."""
    settings = get_settings()
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db).id
    with FakeLLMServer(window=1024, style=style) as srv:
        backend = Backend(
            "ollama" if style == "ollama" else "fake", srv.base_url, model="fake-model"
        )
        chat = Chat(settings, backend)
        conv = None
        for i in range(60):
            srv.enqueue(
                Script(chunks=[f"第{i}轮：", "链式法则把误差逐层往回乘，", "每层乘上局部导数。"])
            )
            turn = chat.start(learner_id=me, text=f"{i}. {LONG_ZH}", conversation_id=conv)
            conv = turn.conversation_id
            text = "".join([d.text async for d in chat.send(turn, max_tokens=200)])
            assert text.startswith(f"第{i}轮") and turn.reply.status == "complete"
        await chat.aclose()
    assert srv.overflows == 0 and len(srv.prompt_tokens) == 60
    budget = 1024 - (200 if style == "vllm" else 0)
    assert max(srv.prompt_tokens) <= budget
    # late turns kept the system prompt and said that early turns were left out
    last = srv.requests[-1]["messages"]
    assert last[0]["role"] == "system" and "中文" in last[0]["content"]
    assert any("省略" in m["content"] for m in last)
