"""Open WebUI's API path next to dltutor's web chat, on one fake model, for
bench/openwebui_compare.py: the web server's CPU per streamed chat, side by side in one run.

Open WebUI runs from its own virtualenv (`open-webui serve`), offline, with the fake model as
its only OpenAI connection; a chat is `POST /api/chat/completions` (stream, one user message)
with the first account's token, the path a script or another front end uses. dltutor's chat
is `POST /api/chat` (web_process.web_chat): it also saves the question and the answer and
grounds the answer in the course, which Open WebUI's API path does not do.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.questions import builtin
from dltutor.bench.web_cpu import TPOT, TTFT, WARMUP
from dltutor.bench.web_process import WebServer, free_port, process_cpu_seconds, web_chat

DEFAULT_OPENWEBUI = "/tmp/owvenv/bin/open-webui"
PASSWORD = "bench-password-0123"  # a throwaway account in a throwaway data folder


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of every process under it (Linux /proc)."""
    total = 0.0
    try:
        total += process_cpu_seconds(pid)
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += tree_cpu_seconds(int(child))
    except FileNotFoundError:
        pass  # it ended meanwhile
    return total


class OpenWebUI:
    """`open-webui serve` on loopback in a fresh data folder, its one model server `llm_url`."""

    def __init__(self, binary: str, llm_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = Path(tempfile.mkdtemp(prefix="dltutor-owui-"))
        env = dict(os.environ)
        env.update(
            DATA_DIR=str(self.data),
            OPENAI_API_BASE_URL=llm_url,
            OPENAI_API_KEY="unused",
            ENABLE_OLLAMA_API="false",
            OFFLINE_MODE="true",  # no update checks, no model downloads
            HF_HUB_OFFLINE="1",
            WEBUI_SECRET_KEY="bench-secret-key-" + "0" * 32,
            SCARF_NO_ANALYTICS="true",
            DO_NOT_TRACK="true",
            ANONYMIZED_TELEMETRY="false",
            GLOBAL_LOG_LEVEL="WARNING",
            ENV="prod",
        )
        self.log = (self.data / "server.log").open("w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=self.data,
        )

    def wait_ready(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Open WebUI exited; its log: {self.data / 'server.log'}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError("Open WebUI did not start")

    def sign_up(self) -> str:
        """The first account (an admin) and its token."""
        r = httpx.post(
            f"{self.url}/api/v1/auths/signup",
            json={"name": "bench", "email": "bench@example.com", "password": PASSWORD},
            timeout=60,
        )
        r.raise_for_status()
        return str(r.json()["token"])

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


async def openwebui_chat(http: httpx.AsyncClient, token: str, question: str) -> bool:
    """One streamed chat through Open WebUI's API path; True when it ended with [DONE]."""
    body = {"model": "fake-model", "messages": [{"role": "user", "content": question}]}
    done = False
    async with http.stream(
        "POST",
        "/api/chat/completions",
        json={**body, "stream": True},
        headers={"Authorization": f"Bearer {token}"},
    ) as r:
        async for line in r.aiter_lines():
            done = done or line.strip() == "data: [DONE]"
    return r.status_code == 200 and done


Chat = Callable[[httpx.AsyncClient, str], Awaitable[bool]]


async def _level(url: str, cpu: Callable[[], float], chat: Chat, qs: list[str], c: int) -> float:
    """CPU seconds the server used while `qs` were asked, `c` at a time (all must succeed)."""
    limits = httpx.Limits(max_connections=c + 8, max_keepalive_connections=c + 8)
    failed = 0
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as http:
        todo = iter(qs)
        cpu0 = cpu()

        async def worker() -> None:
            nonlocal failed
            for q in todo:
                ok = await chat(http, q)
                failed += not ok

        await asyncio.gather(*(worker() for _ in range(c)))
        used = cpu() - cpu0
    if failed:
        raise RuntimeError(f"{failed} of {len(qs)} chats failed at {c} at once")
    return used


async def compare(
    binary: str, levels: Sequence[tuple[int, int]], rounds: int, tokens: int
) -> dict[str, Any]:
    """CPU ms per chat for Open WebUI's API path and dltutor's chat at each (concurrency,
    chats) level, alternating server by server and level by level; answers of `tokens`."""
    questions = builtin("both")
    cpu: dict[str, dict[int, list[float]]] = {
        "openwebui": {c: [] for c, _ in levels},
        "dltutor": {c: [] for c, _ in levels},
    }
    home = Path(tempfile.mkdtemp(prefix="dltutor-owcmp-"))
    with FakeServerProcess(TTFT, TPOT, tokens) as llm:
        dl, ow = WebServer(llm.base_url, home, tokens), OpenWebUI(binary, llm.base_url)
        try:
            dl.wait_ready()
            ow.wait_ready()
            ow_token = ow.sign_up()
            async with httpx.AsyncClient(base_url=dl.url, timeout=120) as http:
                csrf = (await http.get("/api/me")).json()["csrf_token"]
                cookies = dict(http.cookies)
            chats: dict[str, tuple[str, Callable[[], float], Chat]] = {}

            async def ask_dltutor(http: httpx.AsyncClient, q: str) -> bool:
                http.cookies.update(cookies)
                return (await web_chat(http, csrf, q)).ok

            async def ask_openwebui(http: httpx.AsyncClient, q: str) -> bool:
                return await openwebui_chat(http, ow_token, q)

            chats["openwebui"] = (ow.url, ow.cpu_seconds, ask_openwebui)
            chats["dltutor"] = (dl.url, dl.cpu_seconds, ask_dltutor)
            for url, cpu_of, chat in chats.values():  # warm-up: code paths run once
                await _level(url, cpu_of, chat, questions[-WARMUP:], 1)
            start = 0
            for _ in range(rounds):
                for concurrency, n in levels:
                    qs = questions[start : start + n]
                    start = (start + n) % (len(questions) - n - WARMUP)
                    for name, (url, cpu_of, chat) in chats.items():
                        seconds = await _level(url, cpu_of, chat, qs, concurrency)
                        cpu[name][concurrency].append(1000 * seconds / n)
        finally:
            dl.stop()
            ow.stop()
            shutil.rmtree(home, ignore_errors=True)
    out: dict[str, Any] = {"tokens": tokens, "levels": [c for c, _ in levels]}
    for name, per_level in cpu.items():
        out[f"{name}_cpu_ms_per_chat"] = {
            str(c): round(sum(xs) / len(xs), 1) for c, xs in per_level.items()
        }
    return out
