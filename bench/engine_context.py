"""The embedded engine's slots: context per slot against memory and speed, side by side.

    .venv/bin/python bench/engine_context.py [--slots 4] [--sizes 2048,4096,8192]

For each context size per slot, starts the embedded engine (SmolLM2-135M, trained on 8,192
tokens: see `n_ctx_train` in /v1/models) with that many slots, and measures: start-up time, the
process's resident memory before and after start (the KV cache is allocated up front), the time
to the first token of a tutor-sized prompt (~1,000 tokens as measured: system prompt, three course sections,
a short history), decode speed, and whether that prompt fits a slot at all. Prints a table, then
one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

from dltutor.config import get_settings
from dltutor.course.answer import ground
from dltutor.llm.backend import open_backend
from dltutor.llm.budget import PromptParts
from dltutor.llm.errors import LLMError
from dltutor.llm.types import Message
from dltutor.prompts import load

QUESTION = "How does backpropagation use the chain rule, and why do we cache activations?"


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tutor_prompt() -> PromptParts:
    sections, _ = ground(QUESTION, "en")
    history = [
        Message("user", "What is the chain rule?"),
        Message("assistant", "The chain rule multiplies local derivatives along a path. " * 12),
    ]
    return PromptParts(load("tutor", "en"), Message("user", QUESTION), sections, history, "en")


async def measure(slot_ctx: int, slots: int) -> dict[str, object]:
    settings = get_settings().model_copy(
        update={"engine_slot_ctx": slot_ctx, "engine_slots": slots}
    )
    before = rss_mb()
    t0 = time.monotonic()
    with open_backend(settings, "embedded") as backend:
        startup = time.monotonic() - t0
        after = rss_mb()
        client = backend.client(settings, fit_to_window=False)
        parts = tutor_prompt()
        await client.window()
        assert client._counter is not None  # the engine's own tokenizer
        msgs = parts.messages()  # untrimmed: does the whole prompt fit a slot?
        prompt_tokens = sum(await client._counter([m.content for m in msgs])) + 8 * len(msgs)
        row: dict[str, object] = {
            "slot_ctx": slot_ctx,
            "slots": slots,
            "startup_s": round(startup, 2),
            "rss_added_mb": round(after - before),
            "prompt_tokens": prompt_tokens,
        }
        gen = client.stream(parts, max_tokens=64)
        try:
            async for _ in gen:
                pass
            r = gen.reply
            row |= {
                "fits": True,
                "ttft_s": round(r.first_token_s or 0, 2),
                "tokens_per_s": round(r.tokens_per_s or 0, 1),
            }
        except LLMError as e:
            row |= {"fits": False, "error": e.message("en")[:120]}
        await client.aclose()
    return row


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--slots", type=int, default=4)
    ap.add_argument("--sizes", default="2048,4096,8192")
    args = ap.parse_args()
    rows = [await measure(int(s), args.slots) for s in args.sizes.split(",")]
    print(
        f"{'ctx/slot':>8} {'slots':>5} {'start s':>8} {'+RSS MB':>8} {'prompt':>7} {'fits':>5} {'TTFT s':>7} {'tok/s':>6}"
    )
    for r in rows:
        print(
            f"{r['slot_ctx']:>8} {r['slots']:>5} {r['startup_s']:>8} {r['rss_added_mb']:>8} "
            f"{r['prompt_tokens']:>7} {str(r['fits']):>5} {r.get('ttft_s', '-'):>7} {r.get('tokens_per_s', '-'):>6}"
        )
    print(json.dumps({"bench": "engine_context", "load_average": os.getloadavg()[0], "rows": rows}))


if __name__ == "__main__":
    asyncio.run(main())
