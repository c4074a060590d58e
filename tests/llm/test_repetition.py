"""Spotting a reply that has fallen into a loop (llm/repetition.py), and the stream stopped there."""

from __future__ import annotations

import random

import pytest

from dltutor.llm.client import LLMClient
from dltutor.llm.fake import FakeLLMServer, Script
from dltutor.llm.live import LiveClient
from dltutor.llm.repetition import MAX_PERIOD, loop_at
from dltutor.llm.types import Message


def reference(text: str, copies: int = 3, min_period: int = 10) -> int | None:
    """The definition, slice by slice: the fast version must agree with it everywhere."""
    n = len(text)
    for p in range(min_period, min(MAX_PERIOD, n // copies) + 1):
        piece = text[n - p :]
        if piece.strip() and all(
            text[n - (k + 1) * p : n - k * p] == piece for k in range(1, copies)
        ):
            return n - (copies - 1) * p
    return None


def test_a_sentence_said_three_times_is_a_loop_from_its_second_copy() -> None:
    said = "Backprop applies the chain rule. "
    text = "Let me explain. " + said * 3
    assert loop_at(text) == len("Let me explain. ") + len(said)
    assert loop_at(text, copies=4) is None


def test_ordinary_text_short_periods_and_blank_runs_are_not_loops() -> None:
    assert loop_at("The gradient points uphill; we step the other way.") is None
    assert loop_at("values: " + "0, " * 9) is None  # a period under 10 characters
    assert loop_at("end of answer" + " " * 90) is None  # copies of nothing but spaces
    assert loop_at("") is None and loop_at("abc") is None


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_the_definition_on_random_texts(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab \n梯度的"
    for _ in range(400):
        head = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        piece = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        cut = rng.randint(0, len(piece))
        text = head + piece * rng.randint(1, 5) + piece[:cut]
        for copies in (3, 6):
            assert loop_at(text, copies) == reference(text, copies), (text, copies)


@pytest.mark.parametrize("client_cls", [LLMClient, LiveClient], ids=["sdk", "live"])
async def test_a_looping_model_is_stopped_and_says_why(
    client_cls: type[LLMClient], fake_llm: FakeLLMServer
) -> None:
    said = "The chain rule multiplies local gradients. "
    fake_llm.enqueue(Script(chunks=["First, "] + [said] * 40, token_delay=0.02))
    async with client_cls(fake_llm.base_url, repeat_copies=3) as c:
        gen = c.stream([Message("user", "What is backprop?")])
        _ = [d async for d in gen]
    r = gen.reply
    assert r.finish_reason == "repetition"
    assert r.answer.count(said) < 10
