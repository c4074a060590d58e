"""The web server's CPU per streamed chat, this code against an earlier version, side by side.

Both versions run as their own uvicorn process (an earlier one from a `git worktree` of its
commit) against one fake model server, at the same concurrency levels, one level at a time and
alternating (before, after, before, after ...) so that whatever else the machine does hits
both alike. Each chat is a new question from the built-in set, so no cache sees a repeat.
CPU is the server process's user + system time over the level, divided by its chats.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from dltutor.bench.fake_process import FakeServerProcess
from dltutor.bench.questions import builtin
from dltutor.bench.web_process import WebServer, web_chat

# The fake model of the Open WebUI comparison in issue 17: 64 tokens; 20 ms each.
TTFT, TPOT, TOKENS = 0.1, 0.02, 64
# The commit before issue 17's web CPU work (dense search on every chat, a token a write, the SDK
# reading every token through httpx), and the levels (chats at once, chats measured).
BEFORE = "724211a"
LEVELS = ((1, 12), (10, 60), (50, 150))
WARMUP = 6  # chats before measuring: the search index loads, code paths run once


@contextmanager
def tree_at(ref: str, repo: Path) -> Iterator[Path]:
    """A throwaway checkout of `ref` (its `src/` is run); removed afterwards."""
    where = Path(tempfile.mkdtemp(prefix="dltutor-before-"))
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "--detach", str(where), ref],
        check=True,
        capture_output=True,
    )
    try:
        yield where / "src"
    finally:
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "remove", "--force", str(where)],
            capture_output=True,
        )
        shutil.rmtree(where, ignore_errors=True)


async def _level(
    web: WebServer, auth: tuple[str, dict[str, str]], questions: list[str], concurrency: int
) -> tuple[float, int]:
    """The questions asked, `concurrency` at a time: (server CPU seconds, chats completed)."""
    limits = httpx.Limits(
        max_connections=concurrency + 8, max_keepalive_connections=concurrency + 8
    )
    ok = 0
    errors: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=web.url, limits=limits, timeout=120) as http:
        token, cookies = auth
        http.cookies.update(cookies)
        todo = iter(questions)
        cpu0 = web.cpu_seconds()

        async def worker() -> None:
            nonlocal ok
            for q in todo:
                sample = await web_chat(http, token, q)
                ok += sample.ok
                if not sample.ok:
                    errors[sample.error] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        if errors:
            print(f"failed chats: {dict(errors)}", file=sys.stderr)
        return web.cpu_seconds() - cpu0, ok


async def compare(
    before_src: Path | None,
    levels: Sequence[tuple[int, int]],
    rounds: int = 2,
    tokens: int = TOKENS,
) -> dict[str, Any]:
    """CPU ms per chat at each (concurrency, chats) level, for the code in `before_src` (None:
    skipped) and this checkout's, on answers of `tokens` tokens."""
    questions = builtin("both")
    versions = {"before": before_src, "after": None} if before_src else {"after": None}
    cpu: dict[str, dict[int, list[float]]] = {v: {c: [] for c, _ in levels} for v in versions}
    failed = 0
    homes = {v: Path(tempfile.mkdtemp(prefix="dltutor-webcpu-")) for v in versions}
    with FakeServerProcess(TTFT, TPOT, tokens) as llm:
        servers = {
            v: WebServer(llm.base_url, homes[v], tokens, src=src) for v, src in versions.items()
        }
        try:
            auth = {}
            for v, web in servers.items():
                web.wait_ready()
                async with httpx.AsyncClient(base_url=web.url, timeout=120) as http:
                    token = (await http.get("/api/me")).json()["csrf_token"]
                    auth[v] = token, dict(http.cookies)
                    for q in questions[-WARMUP:]:
                        await web_chat(http, token, q)
            start = 0
            for _ in range(rounds):
                for concurrency, chats in levels:
                    qs = questions[start : start + chats]
                    start = (start + chats) % (len(questions) - chats - WARMUP)
                    for v, web in servers.items():
                        seconds, ok = await _level(web, auth[v], qs, concurrency)
                        failed += chats - ok
                        cpu[v][concurrency].append(1000 * seconds / chats)
        finally:
            for web in servers.values():
                web.stop()
            for home in homes.values():
                shutil.rmtree(home, ignore_errors=True)
    out: dict[str, Any] = {"tokens": tokens, "levels": [c for c, _ in levels], "failed": failed}
    for v in versions:
        out[f"{v}_cpu_ms_per_chat"] = {
            str(c): round(sum(xs) / len(xs), 1) for c, xs in cpu[v].items()
        }
    return out


async def per_token(concurrency: int = 10, chats: int = 100, long: int = 256) -> dict[str, Any]:
    """What relaying one more token costs: CPU per chat on answers of TOKENS and of `long`
    tokens, in one run, and the slope between them (this checkout only)."""
    short_run = await compare(None, [(concurrency, chats)], tokens=TOKENS)
    long_run = await compare(None, [(concurrency, chats)], tokens=long)
    a = short_run["after_cpu_ms_per_chat"][str(concurrency)]
    b = long_run["after_cpu_ms_per_chat"][str(concurrency)]
    return {
        "concurrency": concurrency,
        f"cpu_ms_per_chat_{TOKENS}_tokens": a,
        f"cpu_ms_per_chat_{long}_tokens": b,
        "cpu_ms_per_token": round((b - a) / (long - TOKENS), 3),
        "failed": short_run["failed"] + long_run["failed"],
    }
