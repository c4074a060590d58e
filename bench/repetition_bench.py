"""How often the embedded model's answers end in a repetition loop: before and after.

    .venv/bin/python bench/repetition_bench.py [--questions 30] [--slot-ctx 4096]

Asks 30 English course questions (tests/course/search_questions.yaml, the English ones, in file
order) of the embedded engine (SmolLM2-135M), each with the tutor's real prompt (system prompt,
course grounding, fitted to the window), twice, side by side in one run:
- before: what dltutor sent until now: no sampling penalties, a 1,024-token cap, no loop guard;
- after: the embedded defaults (llm/backend.py EMBEDDED_SAMPLING, the 384-token cap, the
  client's stop-on-repeat guard).
An answer "ends in a loop" when some stretch of it is three back-to-back copies of one piece of
ten or more characters (llm/repetition.has_loop), the same test the guard uses. Prints a table,
then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import yaml

from dltutor.chat import GROUNDING
from dltutor.config import get_settings
from dltutor.course.answer import ground
from dltutor.llm.backend import EMBEDDED_SAMPLING, open_backend
from dltutor.llm.budget import PromptParts
from dltutor.llm.repetition import has_loop
from dltutor.llm.types import Message
from dltutor.prompts import load

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "course" / "search_questions.yaml"


def english_questions(n: int) -> list[str]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    out = [
        q["q"]
        for q in data["questions"]
        if q.get("in_course", True) and not any("\u4e00" <= c <= "\u9fff" for c in q["q"])
    ]
    return out[:n]


def parts_for(question: str) -> PromptParts:
    sections, _ = ground(question, "en", *GROUNDING["embedded"])
    return PromptParts(load("tutor", "en"), Message("user", question), sections, lang="en")


async def ask_all(client: object, questions: list[str], max_tokens: int) -> list[dict[str, object]]:
    rows = []
    for q in questions:
        gen = client.stream(parts_for(q), max_tokens=max_tokens)  # type: ignore[attr-defined]
        t0 = time.monotonic()
        async for _ in gen:
            pass
        r = gen.reply
        rows.append(
            {
                "loop": has_loop(r.answer),
                "stopped_by_guard": r.finish_reason == "repetition",
                "tokens": r.output_tokens,
                "seconds": time.monotonic() - t0,
                "finish": r.finish_reason,
            }
        )
    return rows


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=30)
    args = ap.parse_args()
    settings = get_settings()
    questions = english_questions(args.questions)
    results: dict[str, list[dict[str, object]]] = {}
    with open_backend(settings, "embedded") as backend:
        before = backend.client(settings, max_tokens=1024, sampling={}, repeat_copies=10**6)
        after = backend.client(settings)
        results["before"] = await ask_all(before, questions, 1024)
        results["after"] = await ask_all(after, questions, after.max_tokens)
        await before.aclose()
        await after.aclose()
    summary = {}
    print(f"{'':8} {'loops':>7} {'share':>6} {'guard':>6} {'tokens p50':>11} {'s p50':>6}")
    for name, rows in results.items():
        loops = sum(bool(r["loop"]) for r in rows)
        guard = sum(bool(r["stopped_by_guard"]) for r in rows)
        tok = statistics.median(int(r["tokens"] or 0) for r in rows)  # type: ignore[call-overload]
        sec = statistics.median(float(r["seconds"]) for r in rows)  # type: ignore[arg-type]
        print(
            f"{name:8} {loops:>3}/{len(rows):<3} {loops / len(rows):>6.0%} {guard:>6} {tok:>11} {sec:>6.1f}"
        )
        summary[name] = {
            "questions": len(rows),
            "loops": loops,
            "loop_share": round(loops / len(rows), 3),
            "stopped_by_guard": guard,
            "output_tokens_p50": tok,
            "seconds_p50": round(sec, 2),
        }
    summary["sampling_after"] = EMBEDDED_SAMPLING
    print(json.dumps({"bench": "repetition", **summary}))


if __name__ == "__main__":
    asyncio.run(main())
