"""One exception for everything that can go wrong talking to a model, with a learner-readable message."""

from __future__ import annotations

from dltutor.i18n import t
from dltutor.llm.types import Reply


class LLMError(Exception):
    """`kind` is one of: unreachable, model_not_found, auth, http_error, timeout_connect,
    timeout_first_token, timeout_idle, interrupted, empty, queue_timeout, busy,
    admission_unavailable.
    `reply` holds whatever had arrived before the failure (never thrown away)."""

    def __init__(self, kind: str, reply: Reply | None = None, **params: object) -> None:
        self.kind = kind
        self.params = params
        self.reply = reply
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return t(f"llm.{self.kind}", lang, **self.params)


class Busy(LLMError):
    """The admission queue is full: refused at once, to be retried in `retry_after` seconds
    (the web answers 429 with Retry-After) rather than waiting behind a queue it cannot beat."""

    def __init__(self, retry_after: int, waiting: int, reply: Reply | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__("busy", reply, seconds=self.retry_after, waiting=waiting)
