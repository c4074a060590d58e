"""Separate a reasoning model's thinking from its answer, while streaming.

Servers deliver thinking three ways: inline as `<think>…</think>` in the content (DeepSeek-R1
and Qwen3 through plain llama.cpp), as a separate `reasoning_content` field (vLLM, SGLang,
DeepSeek's API), or as `reasoning`/`thinking` (Ollama, OpenRouter). `ThinkSplitter` handles
the inline form across chunk boundaries; `reasoning_of()` reads the field forms.
"""

from __future__ import annotations

from typing import Any, Literal

from dltutor.llm.types import Delta

OPEN, CLOSE = "<think>", "</think>"


class ThinkSplitter:
    """Feed content chunks; get Delta(answer|thinking) pieces with the tags removed.

    A tag may be split between chunks ("<thi" + "nk>"), so a possible tag prefix at the end of
    a chunk is held back until the next chunk decides it. Some models (R1 distills) omit the
    opening tag and start thinking at once: `assume_open=True` covers that case.
    """

    def __init__(self, assume_open: bool = False) -> None:
        self.in_think = assume_open
        self.held = ""
        self.strip_answer = True  # drop the blank lines models put before the answer

    def feed(self, text: str) -> list[Delta]:
        out: list[Delta] = []
        buf = self.held + text
        self.held = ""
        while buf:
            tag = CLOSE if self.in_think else OPEN
            i = buf.find(tag)
            if i < 0:
                keep = _partial_suffix(buf, tag)
                self._emit(out, buf[: len(buf) - keep])
                self.held = buf[len(buf) - keep :]
                break
            self._emit(out, buf[:i])
            buf = buf[i + len(tag) :]
            self.in_think = not self.in_think
            self.strip_answer = True
        return out

    def flush(self) -> list[Delta]:
        out: list[Delta] = []
        self._emit(out, self.held)
        self.held = ""
        return out

    def _emit(self, out: list[Delta], text: str) -> None:
        kind: Literal["answer", "thinking"]
        if self.in_think:
            kind = "thinking"
        else:
            kind = "answer"
            if self.strip_answer:
                text = text.lstrip()
                self.strip_answer = not text
        if not text:
            return
        if out and out[-1].kind == kind:
            out[-1] = Delta(kind, out[-1].text + text)
        else:
            out.append(Delta(kind, text))


def _partial_suffix(buf: str, tag: str) -> int:
    """Length of the longest suffix of buf that is a proper prefix of tag."""
    for n in range(min(len(tag) - 1, len(buf)), 0, -1):
        if buf.endswith(tag[:n]):
            return n
    return 0


def reasoning_of(delta: dict[str, Any]) -> str:
    """Thinking text carried in a separate field of a streamed delta, if any."""
    for name in ("reasoning_content", "reasoning", "thinking"):
        value = delta.get(name)
        if isinstance(value, str) and value:
            return value
    return ""
