from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dltutor.config import get_settings
from dltutor.llm.fake import FakeLLMServer
from dltutor.web.app import create_app


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


def make_client(fake_llm: FakeLLMServer | None, **settings: Any) -> TestClient:
    update: dict[str, Any] = {"backend": "none"}
    if fake_llm is not None:
        update = {"backend": "vllm", "base_url": fake_llm.base_url}
    update.update(settings)
    return TestClient(create_app(get_settings().model_copy(update=update)))


@pytest.fixture
def client(fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    with make_client(fake_llm) as c:
        yield c


@pytest.fixture
def multi(fake_llm: FakeLLMServer) -> Iterator[TestClient]:
    """A class install: sign-in required."""
    with make_client(fake_llm, single_user=False) as c:
        yield c


def csrf(c: TestClient) -> str:
    return str(c.get("/api/me").json()["csrf_token"])


def events(text: str) -> list[tuple[str, dict[str, Any]]]:
    import json

    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        out.append((lines["event"], json.loads(lines["data"])))
    return out
