"""Backends by name: where each OpenAI-compatible server listens by default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    base_url: str
    api_key: str = "not-needed"  # local servers ignore it, but the SDK wants one
    model: str | None = None  # None: the first model the server lists
    local: bool = True
    context_window: int | None = None  # documented, for APIs that do not say it; None: ask


PRESETS: dict[str, Preset] = {
    "ollama": Preset("ollama", "http://127.0.0.1:11434/v1", api_key="ollama"),
    "vllm": Preset("vllm", "http://127.0.0.1:8000/v1"),
    "llamacpp": Preset("llamacpp", "http://127.0.0.1:8080/v1"),
    "sglang": Preset("sglang", "http://127.0.0.1:30000/v1"),
    # Documented windows (2026): GPT-4o-class models 128K; DeepSeek-V3.x chat 128K; Qwen-Plus 128K.
    "openai": Preset(
        "openai", "https://api.openai.com/v1", api_key="", local=False, context_window=128_000
    ),
    "deepseek": Preset(
        "deepseek",
        "https://api.deepseek.com/v1",
        api_key="",
        model="deepseek-chat",
        local=False,
        context_window=128_000,
    ),
    "qwen": Preset(
        "qwen",
        "https://dashscope.aliyuncs.com/compatible-mode/v1",
        api_key="",
        model="qwen-plus",
        local=False,
        context_window=131_072,
    ),
}
# "embedded" (the built-in engine) and "none" (course only) are handled by dltutor.llm.backend.
