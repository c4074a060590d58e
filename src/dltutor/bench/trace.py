"""Real sessions, anonymised, and their replay.

`dltutor bench trace --out trace.jsonl` reads the conversations in a dltutor database and
writes one JSON line per conversation with lengths and timing only: per message its role,
length in characters, whether a model wrote it (and which call: a free answer or a teaching
explanation), its token counts, and the learner's think time before it. No text, no names, no
ids. The language and the course topic (course data, not the learner's) are kept, because
they decide how the filler text tokenizes and what the explanation prompt holds.

`--workload replay --trace trace.jsonl` replays them: each learner replays one conversation's
model calls, with the recorded think times, messages of the recorded lengths (cut from the
course's own lesson text in the same language, so they tokenize like real text), through the
tutor's prompt building (tutor_shapes.py), asking for the recorded number of output tokens.
Judge calls are not stored as messages, so a replay has none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dltutor.bench.sessions import Step

TRACE_VERSION = 1


def export(db_url: str, out: Path, limit: int | None = None) -> dict[str, Any]:
    """Write the anonymised trace of the database at `db_url`; returns a summary."""
    from sqlalchemy import select

    from dltutor.store.db import session_factory
    from dltutor.store.models import Conversation

    n_conv = n_calls = 0
    thinks: list[float] = []
    kinds: dict[str, int] = {}
    with session_factory(db_url)() as db, out.open("w", encoding="utf-8") as f:
        query = select(Conversation).order_by(Conversation.id)
        for conv in db.scalars(query.limit(limit) if limit else query):
            row = conversation_trace(conv)
            calls = [m for m in row["messages"] if m.get("call")]
            if not calls:
                continue
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n_conv += 1
            n_calls += len(calls)
            for m in calls:
                kinds[m["call"]] = kinds.get(m["call"], 0) + 1
                if m.get("think_s") is not None:
                    thinks.append(m["think_s"])
    thinks.sort()
    return {
        "conversations": n_conv,
        "model_calls": n_calls,
        "calls_by_kind": kinds,
        "think_s_median": thinks[len(thinks) // 2] if thinks else None,
        "think_s_p90": thinks[int(0.9 * (len(thinks) - 1))] if thinks else None,
    }


def conversation_trace(conv: Any) -> dict[str, Any]:
    """One conversation as lengths and timing (see the module docstring)."""
    msgs: list[dict[str, Any]] = []
    last_end = None  # when the last assistant message was finished
    for m in conv.messages:
        if m.role not in ("user", "assistant") or m.status == "streaming":
            continue
        row: dict[str, Any] = {"role": m.role, "chars": len(m.content)}
        if m.role == "user":
            row["think_s"] = (
                max(0.0, (m.created_at - last_end).total_seconds()) if last_end else None
            )
        elif m.backend != "dltutor":  # a model wrote it: a call to replay
            cites = (m.meta or {}).get("citations") or []
            row["call"] = "explain" if any(str(c).endswith("· lesson") for c in cites) else "chat"
            row["input_tokens"], row["output_tokens"] = m.input_tokens, m.output_tokens
            last_end = m.updated_at
        else:
            last_end = m.updated_at
        msgs.append(row)
    # the think time of a call is that of the learner's message it answers
    for i, row in enumerate(msgs):
        if row.get("call"):
            before = next((r for r in reversed(msgs[:i]) if r["role"] == "user"), None)
            row["think_s"] = before.get("think_s") if before else None
    return {"v": TRACE_VERSION, "lang": conv.lang, "topic": conv.topic, "messages": msgs}


def load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise FileNotFoundError(f"trace not found: {path} (make one with `dltutor bench trace`)")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("messages"), list):
            raise ValueError(f'{path}:{n}: a trace line needs a "messages" list')
        rows.append(row)
    if not any(m.get("call") for r in rows for m in r["messages"]):
        raise ValueError(f"{path}: no model calls to replay")
    return rows


@cache
def _lesson_text(lang: str) -> str:
    from dltutor.bench.tutor_shapes import course

    parts = []
    for topic in course():
        lesson = topic.lessons.get(lang)
        if lesson:
            parts.extend(lesson.sections.values())
    return "\n".join(parts) or "text "


def filler(chars: int, lang: str, offset: int = 0) -> str:
    """`chars` characters of the course's lesson text in `lang` (from `offset`, cycling)."""
    text = _lesson_text(lang if lang in ("zh", "en") else "en")
    start = offset % len(text)
    out = (text[start:] + text) * (chars // len(text) + 1)
    return out[:chars]


@dataclass
class ReplayScript:
    """Replays one conversation's model calls (see the module docstring)."""

    conv: dict[str, Any]
    turns: int | None = None  # at most this many calls

    def __post_init__(self) -> None:
        self.i = 0
        self.done = 0
        self.lang = self.conv.get("lang") or "en"

    def next(self, reply: str | None) -> Step | None:
        from dltutor.bench import tutor_shapes as shapes

        msgs = self.conv["messages"]
        while self.i < len(msgs) and not msgs[self.i].get("call"):
            self.i += 1
        if self.i >= len(msgs) or (self.turns is not None and self.done >= self.turns):
            return None
        call, i = msgs[self.i], self.i
        self.i += 1
        self.done += 1
        history = [
            (m["role"], filler(int(m.get("chars") or 1), self.lang, 997 * k))
            for k, m in enumerate(msgs[:i])
        ]
        out = int(call.get("output_tokens") or max(1, int(call.get("chars") or 4) // 4))
        if call["call"] == "explain":
            topic = str(self.conv.get("topic") or "")
            if topic not in shapes.course():
                topic = next(iter(shapes.course())).id
            c = shapes.explain_call(topic, self.lang)
        else:
            q = history.pop()[1] if history and history[-1][0] == "user" else filler(40, self.lang)
            c = shapes.chat_call(history, q, self.lang)
        return Step(c.messages, "replay-" + call["call"], out, c.temperature, call.get("think_s"))
