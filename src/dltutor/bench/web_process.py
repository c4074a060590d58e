"""The web app under uvicorn in its own process, on a fake model, for the web benchmarks
(bench/web_streams.py, bench/web_cpu.py): started from this checkout or, for a before/after
comparison, from another tree of the code (`src`), and read for its CPU time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Sample:
    ttft: float | None  # seconds from sending to the first answer text
    e2e: float | None  # seconds from sending to the end of the stream
    ok: bool
    error: str = ""  # why not ok


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebServer:
    """`uvicorn dltutor.web.app:create_app` on loopback, single-user, on the model at `llm_url`.

    `src` runs the code of another tree (its `src/` folder goes first on the import path), so
    that an older version can be measured next to this one in the same run."""

    def __init__(
        self,
        llm_url: str,
        home: Path,
        tokens: int,
        max_concurrent: int = 256,
        src: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            DLTUTOR_HOME=str(home),
            DLTUTOR_BACKEND="vllm",
            DLTUTOR_BASE_URL=llm_url,
            DLTUTOR_MODEL="fake-model",
            DLTUTOR_MAX_CONCURRENT=str(max_concurrent),
            DLTUTOR_SINGLE_USER="true",
            DLTUTOR_MAX_TOKENS=str(tokens),
            DLTUTOR_CONTEXT_WINDOW="8192",
        )
        env.pop("DLTUTOR_DATABASE_URL", None)
        env.pop("DLTUTOR_REDIS_URL", None)
        if src is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "dltutor.web.app:create_app"]
            + ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=env,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the web app exited")
            try:
                if httpx.get(f"{self.url}/api/me", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the web app did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far (Linux /proc)."""
        return process_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def web_chat(http: httpx.AsyncClient, token: str, question: str) -> Sample:
    """One chat through the web app: POST /api/chat, read the SSE stream until its end."""
    t0 = time.perf_counter()
    first, event, done, error = None, "", False, ""
    headers = {"X-CSRF-Token": token}
    async with http.stream("POST", "/api/chat", json={"text": question}, headers=headers) as r:
        async for line in r.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
                done = done or event == "done"
            elif line.startswith("data: ") and event == "answer" and first is None:
                if json.loads(line[6:])["text"]:
                    first = time.perf_counter() - t0
            elif line.startswith("data: ") and event == "error":
                error = str(json.loads(line[6:]).get("kind"))
    ok = r.status_code == 200 and done
    return Sample(
        first, time.perf_counter() - t0, ok, error or ("" if ok else f"HTTP {r.status_code}")
    )
