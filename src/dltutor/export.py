"""Conversations to Markdown, in the shape of seed 004: `> ## question`, then the answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Msg(Protocol):
    role: str
    content: str
    status: str


NOTE = {
    "truncated": {
        "en": "*(cut off at the length limit: incomplete)*",
        "zh": "*（达到长度上限被截断：不完整）*",
    },
    "error": {"en": "*(interrupted: incomplete)*", "zh": "*（中断：不完整）*"},
    "stopped": {"en": "*(stopped before the end: incomplete)*", "zh": "*（已停止：不完整）*"},
    "interrupted": {
        "en": "*(interrupted: the server stopped before the answer was finished; incomplete)*",
        "zh": "*（中断：服务在回答完成前停止了，不完整）*",
    },
}


def conversation_markdown(messages: Sequence[_Msg], title: str = "", lang: str = "zh") -> str:
    out = [f"# {title}\n"] if title else []
    for m in messages:
        if m.role == "user":
            question = " ".join(m.content.strip().splitlines()) or "…"
            out.append(f"> ## {question}\n")
        elif m.role == "assistant":
            out.append(m.content.strip() + "\n")
            if m.status in NOTE:
                out.append(NOTE[m.status][lang if lang in ("zh", "en") else "en"] + "\n")
    return "\n".join(out)
