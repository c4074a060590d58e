"""Fixtures for the code verification tests: short sandbox limits, a fake model server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.config import reset_settings
from dltutor.grader.limits import Limits
from dltutor.llm.client import LLMClient
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.verify.snippets import session_limits
from tests.conftest import use_backend

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def short_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks get 5 s of wall time, sessions 9 s of CPU: hostile tests end quickly."""
    monkeypatch.setenv("DLTUTOR_GRADER_WALL_SECONDS", "5")
    monkeypatch.setenv("DLTUTOR_GRADER_CPU_SECONDS", "3")
    reset_settings()


@pytest.fixture
def limits() -> Limits:
    return session_limits()


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    """A fake OpenAI-compatible server, also set as the configured backend (for the CLI)."""
    with FakeLLMServer() as srv:
        use_backend(monkeypatch, srv.base_url)
        yield srv


def client_for(srv: FakeLLMServer) -> LLMClient:
    return LLMClient(srv.base_url, model="fake-model", retries=0, first_token_timeout=10)


def reply(text: str) -> Script:
    """A scripted model reply, streamed in a few pieces."""
    step = max(1, len(text) // 4)
    return Script(chunks=[text[i : i + step] for i in range(0, len(text), step)])


def fenced(code: str) -> str:
    return f"```python\n{code.strip()}\n```"
