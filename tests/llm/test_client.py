"""The client against a fake OpenAI-compatible server over real HTTP.

Every test runs three times: on the SDK path (`LLMClient`: the tutor's for HTTPS servers and
behind proxies), on the live lean path the tutor uses for plain-HTTP servers (`LiveClient`) and
on the lean path of `dltutor bench` (`WireClient`); all must give the same replies and the same
errors."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from dltutor.llm.client import LLMClient
from dltutor.llm.errors import LLMError
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.llm.live import LiveClient
from dltutor.llm.types import Message
from dltutor.llm.wire import WireClient

Q = [Message("user", "What is a tensor?")]


@pytest.fixture(params=[LLMClient, LiveClient, WireClient], ids=["sdk", "live", "wire"])
def client_cls(request: pytest.FixtureRequest) -> type[LLMClient]:
    return request.param  # type: ignore[no-any-return]


async def test_streams_answer_with_usage_and_timings(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(
        Script(chunks=["A tensor ", "is an ", "array."], first_token_delay=0.1, token_delay=0.02)
    )
    async with client_cls(fake_llm.base_url) as c:
        gen = c.stream(Q)
        pieces = [d.text async for d in gen]
    r = gen.reply
    if client_cls is LiveClient:  # read 10 times a second: tokens 20 ms apart come together
        assert pieces[0] == "A tensor " and "".join(pieces) == "A tensor is an array."
        assert len(pieces) < 3
    else:
        assert pieces == ["A tensor ", "is an ", "array."]
    assert (r.answer, r.status, r.finish_reason) == ("A tensor is an array.", "complete", "stop")
    assert r.output_tokens == 3 and not r.tokens_estimated
    assert r.first_token_s is not None and 0.09 <= r.first_token_s < 1.0
    assert r.total_s >= r.first_token_s + 0.03
    assert fake_llm.requests[-1]["stream_options"] == {"include_usage": True}
    assert r.model == "fake-model"  # resolved from /v1/models


async def test_think_tags_and_reasoning_field_are_separated(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(
        Script(chunks=["<think>Let me", " think</think>", "\n\n42"]),
        Script(chunks=["Yes."], reasoning=["step 1; ", "step 2"]),
        Script(chunks=["Ok"], reasoning=["ollama style"], reasoning_field="reasoning"),
    )
    async with client_cls(fake_llm.base_url) as c:
        a = await c.complete(Q)
        b = await c.complete(Q)
        o = await c.complete(Q)
    assert (a.thinking, a.answer) == ("Let me think", "42")
    assert (b.thinking, b.answer) == ("step 1; step 2", "Yes.")
    assert (
        b.reasoning_tokens == 2
        and b.first_token_s is not None
        and b.first_answer_token_s is not None
    )
    assert b.first_answer_token_s >= b.first_token_s
    assert (o.thinking, o.answer) == ("ollama style", "Ok")


async def test_reply_cut_at_max_tokens_is_flagged(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    async with client_cls(fake_llm.base_url) as c:
        r = await c.complete(Q, max_tokens=4)
    assert r.status == "truncated" and r.truncated and r.finish_reason == "length"
    assert r.answer == "tok0 tok1 tok2 tok3 "


async def test_dropped_connection_keeps_partial_answer(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(chunks=["one ", "two ", "three"], drop_after=2))
    async with client_cls(fake_llm.base_url) as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "interrupted"
    assert err.value.reply is not None and err.value.reply.answer == "one two "
    assert err.value.reply.status == "error"
    assert "断开" in err.value.message("zh") and "dropped" in err.value.message("en")


async def test_stream_without_finish_reason_is_an_error_not_an_answer(
    client_cls: type[LLMClient],
    fake_llm: FakeLLMServer,
) -> None:
    fake_llm.enqueue(
        Script(chunks=[], finish_reason=None), Script(chunks=["half"], finish_reason=None)
    )
    async with client_cls(fake_llm.base_url) as c:
        with pytest.raises(LLMError) as empty:
            await c.complete(Q)
        with pytest.raises(LLMError) as partial:
            await c.complete(Q)
    assert empty.value.kind == "empty"
    assert partial.value.kind == "interrupted" and partial.value.reply.answer == "half"  # type: ignore[union-attr]


async def test_server_error_is_reported_not_retried(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(status=500, error_message="CUDA out of memory"))
    async with client_cls(fake_llm.base_url, retries=3) as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "http_error" and "CUDA out of memory" in str(err.value)
    assert len(fake_llm.requests) == 1


async def test_unknown_model_names_the_available_ones(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    async with client_cls(fake_llm.base_url, model="qwen3:8b") as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "model_not_found"
    assert "qwen3:8b" in str(err.value) and "fake-model" in str(err.value)


async def test_slow_first_token_times_out(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(chunks=["late"], first_token_delay=3))
    async with client_cls(fake_llm.base_url, first_token_timeout=0.3) as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "timeout_first_token" and "0.3" in str(err.value)


async def test_silence_between_tokens_times_out_and_keeps_text(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(chunks=["fast ", "then slow"], token_delay=2))
    async with client_cls(fake_llm.base_url, idle_timeout=0.3) as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "timeout_idle" and err.value.reply.answer == "fast "  # type: ignore[union-attr]


async def test_dead_backend_is_retried_then_named(
    client_cls: type[LLMClient],
) -> None:
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with client_cls(
        f"http://127.0.0.1:{port}/v1", model="m", retries=2, backend="ollama"
    ) as c:
        with pytest.raises(LLMError) as err:
            await c.complete(Q)
    assert err.value.kind == "unreachable"
    assert "ollama" in str(err.value) and str(port) in str(err.value)


async def test_missing_usage_is_estimated_and_marked(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(Script(chunks=["a", "b", "c", "d", "e"], usage=False))
    async with client_cls(fake_llm.base_url) as c:
        r = await c.complete(Q)
    assert r.tokens_estimated and r.output_tokens == 5 and r.input_tokens and r.input_tokens > 0


async def test_server_rejecting_stream_options_falls_back(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    fake_llm.enqueue(
        Script(status=400, error_message="unknown field stream_options"), Script(chunks=["ok"])
    )
    async with client_cls(fake_llm.base_url) as c:
        r = await c.complete(Q)
    assert r.answer == "ok" and "stream_options" not in fake_llm.requests[-1]


async def test_one_connection_serves_request_after_request(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    # the body is read to its end after [DONE], so the connection goes back to the pool (the
    # live client asks the window over the SDK's pool, a second connection: not asked here)
    async with client_cls(fake_llm.base_url, model="fake-model", fit_to_window=False) as c:
        for _ in range(5):
            assert (await c.complete(Q)).status == "complete"
    assert fake_llm.connections == 1


class _Body:
    """A response whose body arrives in the given network reads."""

    def __init__(self, reads: list[bytes]) -> None:
        self.reads = reads
        self.http_response = self

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        for r in self.reads:
            yield r


async def test_sse_events_split_across_reads_and_crlf_line_ends_are_read_whole() -> None:
    from dltutor.llm.client import _sse_chunks

    reads = [
        b': ping\r\n\r\ndata: {"choices":[{"delta":{"content":"he',
        b'llo"}}]}\r\n\r\ndata: {"choices":[{"delta":{"content":" there"},',
        b'"finish_reason":"stop"}]}\r\n\r\ndata: [DONE]\r\n\r\n',
    ]
    got = [c async for c in _sse_chunks(_Body(reads), "fake")]
    assert [c["choices"][0]["delta"]["content"] for c in got] == ["hello", " there"]
    assert got[-1]["choices"][0]["finish_reason"] == "stop"


async def test_an_error_event_in_the_stream_is_an_interruption() -> None:
    from dltutor.llm.client import _sse_chunks

    reads = [b'data: {"error": {"message": "out of memory"}}\n\n']
    with pytest.raises(LLMError) as e:
        _ = [c async for c in _sse_chunks(_Body(reads), "fake")]
    assert e.value.kind == "interrupted" and "out of memory" in e.value.message("en")
