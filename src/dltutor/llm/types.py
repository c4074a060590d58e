"""What flows through the LLM layer: messages in, stream events and a finished reply out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def to_api(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Delta:
    """One piece of a streamed reply: answer text or thinking text."""

    kind: Literal["answer", "thinking"]
    text: str


@dataclass
class Reply:
    """A finished (or abandoned) generation, with what was measured on the way.

    `status` is "complete" only when the server said why it stopped with "stop"; a reply
    cut by max_tokens is "truncated", and one that broke off is "error" with `error` set.
    Whatever text had arrived is kept in every case.
    """

    answer: str = ""
    thinking: str = ""
    model: str = ""
    finish_reason: str | None = None
    status: Literal["streaming", "complete", "truncated", "error", "stopped"] = "streaming"
    error: str | None = None
    error_kind: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None
    tokens_estimated: bool = False  # True when counts were not in the server's usage
    queue_s: float = 0.0  # waiting for a generation slot (admission), before it was sent
    started_at: float = 0.0  # time.monotonic() when the request was sent
    headers_s: float | None = None  # to the response headers: client, network and server accept
    first_token_s: float | None = None  # to the first token of any kind
    first_answer_token_s: float | None = None
    total_s: float = 0.0
    chunk_times: list[float] = field(default_factory=list)  # seconds since start, per delta

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens per second after the first token (decode speed)."""
        if not self.output_tokens or self.first_token_s is None:
            return None
        gen = self.total_s - self.first_token_s
        return self.output_tokens / gen if gen > 0 else None

    @property
    def truncated(self) -> bool:
        return self.status == "truncated"
