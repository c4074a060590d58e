"""Prompt tokens per kind of turn, before and after the context budget, on the embedded engine.

    .venv/bin/python bench/prompt_budget.py [--questions 20]

Builds the requests the tutor sends for course questions (tests/course/search_questions.yaml, zh
and en alternately) and counts them with the embedded engine's own tokenizer (`/tokenize`):
- chat: system prompt, the course sections (for the embedded model: two of 600 characters;
  before: three of 1,200), the conversation so far (each earlier question
  answered with the course's answer to it), the question;
- teaching move: an explanation of the question's topic (the lesson's analogy, idea, example);
- judge: a check question of that topic, its rubric and a two-sentence answer.
"before" is how they were built until now (the three sections joined into the system prompt,
the last 12 messages, the lesson's first 6,000 characters inside the explain request); "after"
is what the client sends now, fitted to the engine's window with the answer's 384 tokens kept
free. Also: how many requests exceed the window (before: the old 2,048-token slot; after: the
current slot). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
from pathlib import Path

import yaml

from dltutor.chat import GROUNDING
from dltutor.config import get_settings
from dltutor.course import Course
from dltutor.course.answer import answer_offline, format_citations, ground, relevance_to
from dltutor.course.search import get_index
from dltutor.llm.backend import open_backend
from dltutor.llm.budget import PER_MESSAGE, PromptParts
from dltutor.llm.types import Message
from dltutor.prompts import load

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "course" / "search_questions.yaml"
OLD_SLOT = 2048
OLD_EXPLAIN = {  # the explain request until now: the lesson inside the request
    "en": 'Explain "{title}" to the learner. Follow the lesson below. Lesson:\n{lesson}',
    "zh": "请向学习者讲解「{title}」。依照下面的课程内容。课程内容：\n{lesson}",
}


def questions(n: int) -> list[tuple[str, str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    zh = [q for q in data if any("\u4e00" <= c <= "\u9fff" for c in q["q"])]
    en = [q for q in data if q not in zh]
    out = []
    for a, b in zip(zh, en, strict=False):
        out += [(a["q"], "zh", a["expect"][0]), (b["q"], "en", b["expect"][0])]
    return out[:n]


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=20)
    args = ap.parse_args()
    settings = get_settings()
    course, index = Course.load(), get_index()
    rows: dict[str, dict[str, list[int]]] = {
        k: {"before": [], "after": []} for k in ("chat", "teaching", "judge")
    }
    with open_backend(settings, "embedded") as backend:
        client = backend.client(settings)
        window = (await client.window()).tokens
        count = client._counter
        assert count is not None

        async def tokens(msgs: list[Message]) -> int:
            sizes = await count([m.content for m in msgs])
            return sum(sizes) + PER_MESSAGE * len(msgs)

        history: list[Message] = []
        for q, lang, topic in questions(args.questions):
            system = load("tutor", lang)
            hits = index.search(q, k=3, lang=lang)
            old_chat = [
                Message(
                    "system",
                    system + "\n\n" + format_citations(hits, relevance=relevance_to(q, index)),
                ),
                *history[-12:],
                Message("user", q),
            ]
            sections, _ = ground(q, lang, *GROUNDING["embedded"])
            new_chat = await client.fit(
                PromptParts(system, Message("user", q), sections, history[-12:], lang),
                client.max_tokens,
            )
            rows["chat"]["before"].append(await tokens(old_chat))
            rows["chat"]["after"].append(new_chat.prompt_tokens)

            lesson = course[topic].lesson(lang)
            if lesson is not None:
                parts = [lesson.sections.get(k, "") for k in ("intuition", "idea", "example")]
                title = course.title(topic, lang)
                old = [
                    Message("system", system),
                    Message(
                        "user",
                        OLD_EXPLAIN[lang].format(title=title, lesson="\n\n".join(parts)[:6000]),
                    ),
                ]
                ask = load("explain", lang).format(
                    title=title, depth="normal", depth_hint="", focus="", topic=topic
                )
                new = await client.fit(
                    PromptParts(system, Message("user", ask), [p for p in parts if p], lang=lang),
                    client.max_tokens,
                )
                rows["teaching"]["before"].append(await tokens(old))
                rows["teaching"]["after"].append(new.prompt_tokens)
                if lesson.check_questions:
                    cq = lesson.check_questions[0]
                    text = load("judge", lang).format(
                        question=cq.question, rubric=cq.rubric, answer=cq.rubric[:200]
                    )
                    n = await tokens([Message("user", text)])
                    rows["judge"]["before"].append(n)
                    rows["judge"]["after"].append(
                        (
                            await client.fit(PromptParts("", Message("user", text), lang=lang), 300)
                        ).prompt_tokens
                    )
            history += [Message("user", q), Message("assistant", answer_offline(q, lang).text)]
        await client.aclose()

    print(f"window now {window} tokens per request (was {OLD_SLOT})")
    print(
        f"{'turn':9} {'before p50':>11} {'before max':>11} {'over 2048':>10} {'after p50':>10} {'after max':>10} {'over window':>12}"
    )
    summary: dict[str, object] = {
        "bench": "prompt_budget",
        "window": window,
        "old_window": OLD_SLOT,
    }
    for kind, r in rows.items():
        b, a = r["before"], r["after"]
        over_b = sum(x > OLD_SLOT for x in b)
        over_a = sum(x > window for x in a)
        print(
            f"{kind:9} {statistics.median(b):>11.0f} {max(b):>11} {over_b:>4}/{len(b):<5} "
            f"{statistics.median(a):>10.0f} {max(a):>10} {over_a:>6}/{len(a):<5}"
        )
        summary[kind] = {
            "before_p50": statistics.median(b),
            "before_max": max(b),
            "before_over_old_window": over_b,
            "after_p50": statistics.median(a),
            "after_max": max(a),
            "after_over_window": over_a,
            "n": len(b),
        }
    print(json.dumps(summary))


if __name__ == "__main__":
    asyncio.run(main())
