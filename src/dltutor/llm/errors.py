"""One exception for everything that can go wrong talking to a model, with a learner-readable message."""

from __future__ import annotations

from dltutor.i18n import t
from dltutor.llm.types import Reply


class LLMError(Exception):
    """`kind` is one of: unreachable, model_not_found, auth, http_error, timeout_connect,
    timeout_first_token, timeout_idle, interrupted, empty, queue_timeout.
    `reply` holds whatever had arrived before the failure (never thrown away)."""

    def __init__(self, kind: str, reply: Reply | None = None, **params: object) -> None:
        self.kind = kind
        self.params = params
        self.reply = reply
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return t(f"llm.{self.kind}", lang, **self.params)
