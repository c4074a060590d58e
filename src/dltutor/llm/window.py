"""How many tokens a request may hold, and how to count them: asked of the server itself.

Each kind of server says it its own way, so we ask in turn and keep the first answer:
- llama.cpp's server (and the embedded engine, which is that server): `GET /props`, where
  `default_generation_settings.n_ctx` is the window of ONE slot (`-c` divided by `-np`);
- vLLM: `GET /v1/models`, `max_model_len` of the model;
- Ollama: `POST /api/show` (the model's trained `context_length`, and a `num_ctx` parameter if
  its Modelfile sets one) and `GET /api/ps` (the `context_length` of the loaded runner). Ollama
  runs with its own default (4,096 since 0.6) unless told otherwise, and its OpenAI endpoint
  cannot be told per request, so the smallest of what it reports is the window; when it reports
  nothing at run time, its default is assumed. (`options.num_ctx` is sent anyway: its native
  API honours it, and a future OpenAI endpoint may.)
- cloud presets: their documented windows (presets.py);
- the `context_window` setting overrides all of these (a server behind a proxy that hides them).

Tokens are counted with the server's own tokenizer where it has one: `POST /tokenize` on
llama.cpp (`{"content": …}`) and vLLM (`{"model": …, "prompt": …}`). Counts are cached by text:
a conversation resends the same history and course sections turn after turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dltutor.llm.budget import Counter, estimate_counter

try:  # the same httpx the client uses (see client.py)
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

log = logging.getLogger("dltutor.llm")

OLLAMA_DEFAULT_CTX = 4096  # Ollama's num_ctx when nothing sets it (OLLAMA_CONTEXT_LENGTH)
UNKNOWN_WINDOW = 8192  # a server that says nothing: most current models have at least this
PROBE_TIMEOUT = 5.0


@dataclass
class Window:
    """A model's context window per request, where it came from, and how tokens are counted."""

    tokens: int
    source: str  # "setting", "llama.cpp /props", "vllm /v1/models", "ollama", "preset", "assumed"
    tokenizer: str | None = None  # "llama.cpp" | "vllm": the server counts; None: estimate
    ollama_num_ctx: int | None = None  # sent as options.num_ctx to Ollama


def _root(base_url: str) -> str:
    """The server's root: `/props`, `/tokenize` and `/api/*` live beside `/v1`, not under it."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


async def _get(http: httpx.AsyncClient, url: str) -> Any:
    r = await http.get(url, timeout=PROBE_TIMEOUT)
    return r.json() if r.status_code == 200 else None


async def _post(http: httpx.AsyncClient, url: str, body: dict[str, Any]) -> Any:
    r = await http.post(url, json=body, timeout=PROBE_TIMEOUT)
    return r.json() if r.status_code == 200 else None


async def _llamacpp(http: httpx.AsyncClient, root: str) -> Window | None:
    props = await _get(http, root + "/props")
    if not isinstance(props, dict):
        return None
    n_ctx = (props.get("default_generation_settings") or {}).get("n_ctx")
    return Window(int(n_ctx), "llama.cpp /props", "llama.cpp") if n_ctx else None


async def _vllm(http: httpx.AsyncClient, root: str, model: str | None) -> Window | None:
    models = await _get(http, root + "/v1/models")
    for m in (models or {}).get("data") or []:
        if m.get("max_model_len") and (model is None or m.get("id") == model):
            tok = await _post(http, root + "/tokenize", {"model": m["id"], "prompt": "probe"})
            counts = isinstance(tok, dict) and "count" in tok
            return Window(int(m["max_model_len"]), "vllm /v1/models", "vllm" if counts else None)
    return None


async def _ollama(http: httpx.AsyncClient, root: str, model: str | None) -> Window | None:
    if not model:
        return None
    show = await _post(http, root + "/api/show", {"model": model})
    if not isinstance(show, dict):
        return None
    info = show.get("model_info") or {}
    trained = next((int(v) for k, v in info.items() if k.endswith(".context_length")), None)
    runtime: list[int] = []
    for line in str(show.get("parameters") or "").splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == "num_ctx" and words[1].isdigit():
            runtime.append(int(words[1]))
    ps = await _get(http, root + "/api/ps")
    for m in (ps or {}).get("models") or []:
        if m.get("name") == model or m.get("model") == model:
            if m.get("context_length"):
                runtime.append(int(m["context_length"]))
    window = min(runtime) if runtime else OLLAMA_DEFAULT_CTX
    if trained:
        window = min(window, trained)
    return Window(window, "ollama /api/show", None, ollama_num_ctx=window)


async def discover(
    http: httpx.AsyncClient,
    base_url: str,
    *,
    backend: str,
    model: str | None,
    setting: int | None = None,
    preset_window: int | None = None,
) -> Window:
    """The window of `model` on the server at `base_url` (see the module docstring)."""
    root = _root(base_url)
    probes: list[Callable[[], Awaitable[Window | None]]] = [
        lambda: _llamacpp(http, root),
        lambda: _vllm(http, root, model),
    ]
    if backend == "ollama":
        probes.insert(0, lambda: _ollama(http, root, model))
    if preset_window and not setting:
        return Window(preset_window, "preset")  # a cloud API: documented, nothing to probe
    for probe in probes:
        try:
            found = await probe()
        except (httpx.HTTPError, ValueError, TypeError, KeyError, TimeoutError):
            found = None  # not this kind of server (404, not JSON, refused)
        if found is not None:
            if setting:  # the setting wins; the server may still count tokens for us
                return Window(setting, "setting", found.tokenizer, found.ollama_num_ctx and setting)
            return found
    if setting:
        return Window(setting, "setting")
    log.warning(
        "the model server at %s does not say its context window; assuming %d tokens "
        "(set DLTUTOR_CONTEXT_WINDOW to the real one)",
        base_url,
        UNKNOWN_WINDOW,
    )
    return Window(UNKNOWN_WINDOW, "assumed")


class TokenCounter:
    """Counts with the server's tokenizer, caching by text; estimates when the server cannot."""

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, kind: str | None, model: str | None
    ) -> None:
        self._http, self._root, self.kind, self._model = http, _root(base_url), kind, model
        self._cache: OrderedDict[str, int] = OrderedDict()

    @property
    def by(self) -> str:
        return f"{self.kind} /tokenize" if self.kind else "estimate"

    async def __call__(self, texts: Sequence[str]) -> list[int]:
        if self.kind is None:
            return await estimate_counter(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            try:
                counts = await asyncio.gather(*(self._count(t) for t in missing))
            except (httpx.HTTPError, ValueError, KeyError, TypeError, TimeoutError):
                log.warning("the server's /tokenize failed; estimating token counts instead")
                self.kind = None
                return await estimate_counter(texts)
            for t, n in zip(missing, counts, strict=True):
                self._cache[t] = n
                if len(self._cache) > 4096:
                    self._cache.popitem(last=False)
        return [self._cache[t] for t in texts]

    async def _count(self, text: str) -> int:
        if not text:
            return 0
        if self.kind == "vllm":
            r = await _post(
                self._http, self._root + "/tokenize", {"model": self._model, "prompt": text}
            )
            return int(r["count"])
        r = await _post(self._http, self._root + "/tokenize", {"content": text})
        return len(r["tokens"])


def counter_for(
    http: httpx.AsyncClient, base_url: str, window: Window, model: str | None
) -> Counter:
    return TokenCounter(http, base_url, window.tokenizer, model)
