from __future__ import annotations

from collections.abc import Iterator

import pytest

from dltutor.llm.fake import FakeLLMServer


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv
