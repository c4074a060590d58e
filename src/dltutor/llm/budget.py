"""Every request fits the model's window: what to keep, what to trim, and in which order.

A model has a fixed context window (the embedded engine's slots have 4,096 tokens each; a
llama.cpp server started with `-c 8192 -np 4` has 2,048). A prompt that does not fit is refused
with an HTTP 400 by llama.cpp and vLLM, and worse, *silently cut from the front* by Ollama, which
drops the system prompt and answers anyway. So no request leaves dltutor without being sized to
the window first, in this order of priority:

1. never cut: the system prompt, the learner's current message, and the tokens reserved for the
   answer (`max_tokens`: llama.cpp stops a reply at the window's end, vLLM refuses up front);
2. then the course grounding, ranked best first: sections are dropped from the lowest rank;
3. then the conversation history, oldest first, leaving a one-line note of what was dropped, so
   the model knows there was more.

What still does not fit is refused before it is sent (`LLMError("context_overflow")`), with a
message in the learner's language. Counting uses the server's own tokenizer where it has one
(`/tokenize`, see window.py) and otherwise an estimate that never undercounts Chinese (one token
per CJK character) and counts everything else high too.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from dltutor.llm.types import Message

# The chat template wraps every message in a few tokens (`<|im_start|>user\n … <|im_end|>\n`:
# 5 for ChatML, up to ~8 for others), and the reply starts with a header of its own.
PER_MESSAGE = 8
PER_REPLY = 8
# Room for what the count cannot see exactly (an estimate's error, a template's extras).
MARGIN = 16
# The history kept while there is any room at all: the learner's last question and its answer.
KEEP_LAST = 2

Counter = Callable[[Sequence[str]], Awaitable[list[int]]]

DROPPED_NOTE = {
    "zh": "（更早的 {n} 条对话因模型上下文长度有限而省略。）",
    "en": "(The {n} earliest messages of this conversation were left out to fit the model's context window.)",
}


_ONE_EACH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|\d|[^\sA-Za-z\d]")
_WORDS = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1024)  # texts are capped (a question at 8,000 characters): <= ~16 MB held
def estimate_tokens(text: str) -> int:
    """Tokens in `text` without a tokenizer, counted high on purpose (an overcount only wastes
    some of the window; an undercount makes a request the server refuses, or Ollama cuts):
    one per CJK character (no tokenizer in use spends fewer on Chinese; byte-level ones spend
    more, which is why the server's count is preferred where it has one), one per digit and per
    symbol, one per three letters of a word (English runs about four characters a token).

    Cached: every chat's prompt is fitted, and its system prompt and course sections are the
    same few texts again and again (counting them was 5% of the web server's CPU for a chat)."""
    words = sum((len(w) + 2) // 3 for w in _WORDS.findall(text))
    return words + len(_ONE_EACH.findall(text))


async def estimate_counter(texts: Sequence[str]) -> list[int]:
    return [estimate_tokens(t) for t in texts]


@dataclass
class PromptParts:
    """A request before fitting: what may be trimmed is kept apart from what may not.

    `grounding` is joined into the system message, after `system`, best-ranked first.
    """

    system: str
    current: Message
    grounding: list[str] = field(default_factory=list)
    history: list[Message] = field(default_factory=list)  # oldest first
    lang: str = "en"  # of the note about dropped history, and of a refusal

    @classmethod
    def from_messages(cls, messages: Sequence[Message], lang: str = "en") -> PromptParts:
        """A plain message list: its first system message is kept, its last message is the
        current one, and everything between is history that may be dropped oldest first."""
        msgs = list(messages)
        system = msgs.pop(0).content if msgs and msgs[0].role == "system" else ""
        current = msgs.pop() if msgs else Message("user", "")
        return cls(system=system, current=current, history=msgs, lang=lang)

    def messages(self, grounding: int | None = None, history_from: int = 0) -> list[Message]:
        """The messages to send, with the best `grounding` sections (all by default) and the
        history from index `history_from` on (a note stands for the ones before it)."""
        kept = self.grounding if grounding is None else self.grounding[:grounding]
        system = "\n\n".join(p for p in [self.system, *kept] if p)
        out = [Message("system", system)] if system else []
        if history_from > 0:
            note = DROPPED_NOTE.get(self.lang, DROPPED_NOTE["en"]).format(n=history_from)
            out.append(Message("user", note))
        out += self.history[history_from:]
        out.append(self.current)
        return out


@dataclass
class Fit:
    """What fitting did: the messages to send and what was left out to make them fit."""

    messages: list[Message]
    prompt_tokens: int  # as counted (server tokenizer or estimate)
    window: int
    answer_tokens: int
    grounding_dropped: int = 0
    history_dropped: int = 0
    counted_by: str = "estimate"

    @property
    def trimmed(self) -> bool:
        return bool(self.grounding_dropped or self.history_dropped)


class DoesNotFit(Exception):
    """Even the parts that are never cut exceed the window (with the answer's reserve)."""

    def __init__(self, needed: int, window: int, answer_tokens: int) -> None:
        super().__init__(f"prompt needs {needed} tokens, window {window} - {answer_tokens}")
        self.needed, self.window, self.answer_tokens = needed, window, answer_tokens


async def fit(
    parts: PromptParts,
    *,
    window: int,
    answer_tokens: int,
    count: Counter = estimate_counter,
    counted_by: str = "estimate",
) -> Fit:
    """The messages of `parts` trimmed (grounding from the lowest rank, then history from the
    oldest) until prompt + answer reserve fits `window`. Raises DoesNotFit when it cannot."""
    note = DROPPED_NOTE.get(parts.lang, DROPPED_NOTE["en"]).format(n=len(parts.history))
    texts = [parts.system, parts.current.content, *parts.grounding, note]
    texts += [m.content for m in parts.history]
    sizes = await count(texts)
    system, current, rest = sizes[0], sizes[1], sizes[2:]
    grounding, note_size, history = (
        rest[: len(parts.grounding)],
        rest[len(parts.grounding)],
        rest[len(parts.grounding) + 1 :],
    )
    budget = window - answer_tokens - PER_REPLY - MARGIN
    fixed = system + current + 2 * PER_MESSAGE
    if fixed > budget:
        raise DoesNotFit(fixed + answer_tokens + PER_REPLY + MARGIN, window, answer_tokens)

    kept_g, kept_from = len(grounding), 0

    def total() -> int:
        hist = sum(h + PER_MESSAGE for h in history[kept_from:])
        if kept_from:
            hist += note_size + PER_MESSAGE
        return fixed + sum(g + 2 for g in grounding[:kept_g]) + hist

    # What the current question needs most goes last: the best course section and the last
    # exchange. So: grounding down to its best section, history down to the last exchange,
    # then the best section, then the rest of the history.
    for part, floor in (
        ("grounding", 1),
        ("history", len(history) - KEEP_LAST),
        ("grounding", 0),
        ("history", len(history)),
    ):
        while total() > budget:
            if part == "grounding" and kept_g > floor:
                kept_g -= 1
            elif part == "history" and kept_from < floor:
                kept_from += 1
            else:
                break
    # Dropping history may have made room again: put grounding back, best first.
    while kept_g < len(grounding):
        kept_g += 1
        if total() > budget:
            kept_g -= 1
            break
    return Fit(
        messages=parts.messages(kept_g, kept_from),
        prompt_tokens=total(),
        window=window,
        answer_tokens=answer_tokens,
        grounding_dropped=len(grounding) - kept_g,
        history_dropped=kept_from,
        counted_by=counted_by,
    )
