"""The scale-out topology as processes on loopback, for tests and bench/scale_out.py:
`dltutor serve --workers N` on one port, sharing a PostgreSQL database and a Redis, in front
of an OpenAI-compatible model server; and learners who sign up and stream chats over HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replicas:
    """`dltutor serve --workers N` as a child process (its own session, so that stopping it
    stops its workers); `settings` become DLTUTOR_* variables."""

    def __init__(self, home: Path, workers: int, **settings: object) -> None:
        self.home, self.workers, self.port = home, workers, free_port()
        self.env = dict(os.environ)
        self.env.update({f"DLTUTOR_{k.upper()}": str(v) for k, v in settings.items()})
        self.env["DLTUTOR_HOME"] = str(home)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Replicas:
        self.home.mkdir(parents=True, exist_ok=True)
        dltutor = str(Path(sys.executable).parent / "dltutor")
        args = [dltutor, "serve", "--workers", str(self.workers), "--port", str(self.port)]
        self.log = (self.home / "serve.log").open("wb")
        self.proc = subprocess.Popen(
            args, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until every worker answers (each loads the course before it serves)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"dltutor serve exited: {self.output()[-2000:]}")
            if len(self.worker_pids()) >= self.workers:
                try:
                    if httpx.get(self.url + "/signin", timeout=5).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        raise RuntimeError(f"dltutor serve did not start: {self.output()[-2000:]}")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the server, not uvicorn's spawn helper)."""
        assert self.proc is not None
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        pids = [int(p) for p in kids.split()]
        return [p for p in pids if b"multiprocessing.resource_tracker" not in _cmdline(p)]

    def output(self) -> str:
        return (self.home / "serve.log").read_text(errors="replace")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@dataclass
class ChatResult:
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 0
    error: str | None = None  # the connection broke (a worker was killed)

    @property
    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]

    @property
    def done(self) -> bool:
        return bool(self.events) and self.events[-1][0] == "done"

    def first(self, kind: str) -> dict[str, Any] | None:
        return next((d for k, d in self.events if k == kind), None)


class Learner:
    """One learner's browser: a cookie jar and its CSRF token."""

    def __init__(self, base_url: str, username: str) -> None:
        self.username = username
        self.http = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(120, connect=10))
        self.csrf = ""

    async def sign_up(self) -> None:
        page = (await self.http.get("/signup")).text
        m = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert m, "no CSRF field on the sign-up form"
        form = {"username": self.username, "password": PASSWORD, "role": "learner"}
        r = await self.http.post("/signup", data=form | {"csrf_token": m.group(1)})
        if r.status_code >= 400:
            raise RuntimeError(f"sign-up failed: {r.status_code} {r.text[:200]}")
        self.csrf = (await self.http.get("/api/me")).json()["csrf_token"]

    async def chat(self, text: str, on_event: Any = None) -> ChatResult:
        """POST /api/chat and read its server-sent events to the end (or the break)."""
        out = ChatResult()
        headers = {"X-CSRF-Token": self.csrf}
        try:
            async with self.http.stream(
                "POST", "/api/chat", json={"text": text}, headers=headers
            ) as r:
                out.status = r.status_code
                if r.status_code != 200:
                    body = await r.aread()
                    out.events.append(("http", {"body": body.decode(), **dict(r.headers)}))
                    return out
                event = ""
                async for line in r.aiter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        out.events.append((event, json.loads(line[6:])))
                        if on_event is not None:
                            on_event(event, out.events[-1][1])
        except httpx.HTTPError as e:
            out.error = f"{type(e).__name__}: {e}"
        return out

    async def aclose(self) -> None:
        await self.http.aclose()


def turn_fairness(order: list[str]) -> float:
    """How fairly requests were started, from the order the model saw them in, when every
    learner had all of theirs waiting from the start: the share of starts that kept the rule
    "no learner's next request starts while another learner, with requests still waiting, has
    had fewer started". 1.0 is strict round-robin; first-come-first-served of learner-by-learner
    arrivals scores 1/(requests per learner). (Requests granted at the same instant may reach the model
    a little out of order, which costs a few starts here.)"""
    remaining: dict[str, int] = {}
    for who in order:
        remaining[who] = remaining.get(who, 0) + 1
    started = dict.fromkeys(remaining, 0)
    fair = 0
    for who in order:
        others = [started[o] for o in remaining if o != who and remaining[o] > 0]
        fair += not others or started[who] <= min(others)
        started[who] += 1
        remaining[who] -= 1
    return fair / len(order) if order else 1.0
