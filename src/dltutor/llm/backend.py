"""Which model dltutor talks to, from settings: the embedded engine, a preset, a URL, or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dltutor.config import Settings
from dltutor.llm import live
from dltutor.llm.admission import open_admission
from dltutor.llm.client import LLMClient
from dltutor.llm.engine import EmbeddedEngine
from dltutor.llm.presets import PRESETS

# llama.cpp's sampling fields for the embedded model: a 135M model falls into loops ("the
# gradient is the gradient is …"); penalising recent tokens (repeat_penalty over the last 64)
# and frequent ones stops most of them (bench/repetition_bench.py).
EMBEDDED_SAMPLING: dict[str, Any] = {
    "repeat_penalty": 1.15,
    "repeat_last_n": 128,
    "frequency_penalty": 0.3,
    "presence_penalty": 0.2,
}


class NoModel(RuntimeError):
    """Raised when a model is asked for but the backend is "none" (course-only mode)."""


@dataclass
class Backend:
    name: str  # "embedded", a preset name, "custom" or "none"
    base_url: str = ""
    api_key: str = "not-needed"
    model: str | None = None
    engine: EmbeddedEngine | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    window: int | None = None  # a preset's documented context window

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model can answer in: the embedded SmolLM2-135M is English-only
        (its Chinese is not usable), so Chinese learners are answered from the course."""
        return ("en",) if self.embedded else ("zh", "en")

    @property
    def embedded(self) -> bool:
        return self.engine is not None

    @property
    def available(self) -> bool:
        return self.name != "none"

    def client(self, settings: Settings, **overrides: Any) -> LLMClient:
        """A client for this backend. Its generations pass admission control: a fresh
        `open_admission(settings)` unless `admission=` shares one (the app's, across its
        services), or `admission=None` turns it off (a load generator)."""
        if not self.available:
            raise NoModel("no model configured (backend 'none'): answers come from the course only")
        kw: dict[str, Any] = {
            "api_key": self.api_key,
            "model": self.model,
            "backend": self.name,
            "connect_timeout": settings.connect_timeout,
            "first_token_timeout": settings.first_token_timeout,
            "idle_timeout": settings.idle_timeout,
            "retries": settings.retries,
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "context_window": settings.context_window,
            "preset_window": self.window,
            "admission": open_admission(settings, self.base_url),
        }
        if self.embedded:
            kw["max_tokens"] = min(settings.max_tokens, settings.engine_max_tokens)
            kw["sampling"] = EMBEDDED_SAMPLING
            kw["repeat_copies"] = 3
        kw.update(overrides)
        # A server on plain HTTP (the embedded engine, Ollama, vLLM on the LAN) is streamed over
        # the lean live path, a fraction of the CPU per token (live.py); HTTPS and proxies go
        # through the SDK.
        if live.suits(self.base_url):
            return live.LiveClient(self.base_url, **kw)
        return LLMClient(self.base_url, **kw)

    def close(self) -> None:
        if self.engine:
            self.engine.stop()
            self.engine = None

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resolve_backend(settings: Settings, override: str | None = None) -> Backend:
    """Describe the configured backend without starting anything."""
    name = (override or settings.backend or "embedded").lower()
    if name == "none":
        return Backend("none")
    if name == "embedded" and not settings.base_url:
        return Backend("embedded")
    preset = PRESETS.get(name)
    base_url = settings.base_url or (preset.base_url if preset else "")
    if not base_url:
        raise ValueError(
            f"unknown backend {name!r}: use embedded, none, {', '.join(PRESETS)}, or set DLTUTOR_BASE_URL"
        )
    api_key = settings.api_key or (preset.api_key if preset else "") or "not-needed"
    model = settings.model or (preset.model if preset else None)
    return Backend(
        name if (preset or name != "embedded") else "custom",
        base_url,
        api_key,
        model,
        window=preset.context_window if preset else None,
    )


def open_backend(settings: Settings, override: str | None = None) -> Backend:
    """Resolve the backend and, for the embedded engine, start it (stop it with `close()`)."""
    backend = resolve_backend(settings, override)
    if backend.name == "embedded":
        engine = EmbeddedEngine(settings)
        backend.base_url = engine.start()
        backend.model = engine.model
        backend.engine = engine
    return backend
