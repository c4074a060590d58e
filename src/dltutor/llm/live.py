"""The tutor's streaming path to a model server on plain HTTP: wire.py's lean HTTP/1.1
exchange, read live, a few times a second.

Through the openai SDK and httpx every token costs a trip through ten layers of async
generators (httpx, httpcore, h11, anyio) and a wake-up of the loop: profiled at 1 chat at a
time on the fake model, that was 40% of the web server's CPU for a chat, ~0.35 ms a token.
Here a read of the socket appends bytes (wire.py `_Exchange`), and the reply is read at most
every `read_every_s`: between reads the socket is paused, so the kernel gathers the tokens and
one read takes them all; they are decoded together and passed on as one delta. At 10 reads a
second a learner reads the same stream (the web writes to the browser no more often either);
20 a second cost the web server a sixth more CPU per chat (bench/web_cpu.py, 10 at once).

What the SDK path does and this one does too: retries when connecting fails, the first-token
and idle deadlines, the same errors for the same HTTP statuses, stopping the model by closing
the connection (Stop, a closed tab, a repetition loop), kept-alive connections. What it does not:
HTTPS proxies, HTTP/2, redirects; `Backend.client` uses it for `http://` servers only, with no
proxy configured, and the SDK path for the rest (cloud APIs).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit
from urllib.request import proxy_bypass

from dltutor.llm.client import LOOP_CHECK_EVERY, finish, note, read_chunk
from dltutor.llm.errors import LLMError
from dltutor.llm.repetition import loop_at
from dltutor.llm.thinking import ThinkSplitter
from dltutor.llm.types import Delta
from dltutor.llm.wire import WireClient, WireGeneration, _Exchange

READ_EVERY_S = 0.1


def suits(base_url: str) -> bool:
    """Whether the live path can reach `base_url`: plain HTTP, and no proxy in the way."""
    url = urlsplit(base_url)
    if url.scheme != "http" or not url.hostname:
        return False
    proxied = os.environ.get("http_proxy") or os.environ.get("HTTP_PROXY")
    return not proxied or bool(proxy_bypass(url.hostname))


class LiveClient(WireClient):
    """An LLMClient that streams over the live lean path (see the module docstring)."""

    def __init__(self, base_url: str, *, read_every_s: float = READ_EVERY_S, **kw: Any) -> None:
        kw.setdefault("fit_to_window", True)  # the tutor's prompts are fitted, unlike a load test
        super().__init__(base_url, **kw)
        self.read_every_s = read_every_s


class LiveGeneration(WireGeneration):
    """One reply, streamed as it arrives; `reply` fills in as with the SDK path."""

    client: LiveClient

    async def _stream(self) -> AsyncIterator[Delta]:
        c, r = self.client, self.reply
        model = await c.resolve_model()
        r.model = model
        fresh_tries = 1  # a kept-alive connection the server closed meanwhile: once more
        while True:
            ex, done, reused = await self._send(model)
            clean = False
            try:
                try:
                    await self._until_head(ex, done)
                except LLMError as e:
                    if not (reused and e.kind == "unreachable" and fresh_tries):
                        raise
                    fresh_tries -= 1
                    continue
                if ex.status != 200:
                    await self._until(ex, done, lambda: False)
                    clean = True
                    error = await self._http_error(ex, model)
                    if error is None:
                        continue  # stream_options refused: asked again without
                    raise error
                async for d in self._read(ex, done):
                    yield d
                clean = done.done() and not done.exception()
            finally:
                self._release(ex, clean)
            return

    async def _send(self, model: str) -> tuple[_Exchange, asyncio.Future[None], bool]:
        """Write the request on a connection, retrying (with backoff) when none can be made;
        also says whether the connection was kept from an earlier request."""
        c = self.client
        body = json.dumps(self.request_body(model)).encode()
        attempt = 0
        while True:
            reused = any(not ex.closed for ex in c._idle)
            try:
                ex = await c._connection()
            except LLMError as e:
                if e.kind != "unreachable" or attempt >= c.retries:
                    raise
                await asyncio.sleep(0.25 * 2**attempt)
                attempt += 1
                continue
            done = ex.start(asyncio.get_running_loop())
            assert ex.transport is not None
            ex.transport.write(c._request_bytes(body))
            return ex, done, reused

    async def _until(self, ex: _Exchange, done: asyncio.Future[None], enough: Any) -> None:
        """Wait for reads until `enough()` or the response has ended, under the first-token
        deadline until a token has come and the idle deadline after."""
        c, r = self.client, self.reply
        loop = asyncio.get_running_loop()
        while not done.done() and not enough():
            if ex.token_at is None:
                limit, kind = r.started_at + c.first_token_timeout, "timeout_first_token"
                seconds = c.first_token_timeout
            else:
                limit, kind = ex.last_data_at + c.idle_timeout, "timeout_idle"
                seconds = c.idle_timeout
            left = limit - time.monotonic()
            if left <= 0:
                raise LLMError(kind, backend=c.backend, seconds=seconds)
            ex.news = loop.create_future()
            await asyncio.wait([done, ex.news], timeout=left, return_when="FIRST_COMPLETED")

    async def _until_head(self, ex: _Exchange, done: asyncio.Future[None]) -> None:
        await self._until(ex, done, lambda: ex.headers_at is not None)
        if ex.headers_at is None:  # ended before any response: refused or dropped
            self._raise_cut(ex, done)
        assert ex.headers_at is not None
        self.reply.headers_s = ex.headers_at - self.reply.started_at

    async def _read(self, ex: _Exchange, done: asyncio.Future[None]) -> AsyncIterator[Delta]:
        """The reply's deltas, read at most every `read_every_s`, each read's joined."""
        c, r = self.client, self.reply
        decoder = _Events()
        splitter = ThinkSplitter()
        chunks = seen = checked = 0
        while True:
            await self._until(ex, done, lambda n=seen: len(ex.pieces) > n)
            read_at = time.monotonic()
            new, seen = ex.pieces[seen:], len(ex.pieces)
            pieces: list[Delta] = []
            for at, data in new:
                for obj in decoder.feed(data, c.backend):
                    got, carried = read_chunk(r, splitter, obj)
                    pieces += got
                    chunks += carried
                r.total_s = at - r.started_at
            for d in merged(pieces):
                note(r, d, time.monotonic())
                yield d
            if decoder.ended or (done.done() and len(ex.pieces) == seen):
                break
            if self._looping(checked):
                return  # the stream is closed (the model stops); finish_reason says why
            if len(r.answer) >= checked + LOOP_CHECK_EVERY:
                checked = len(r.answer)
            await self._pause(ex, read_at)
        if decoder.ended and not done.done():
            # the body's last bytes follow [DONE]: waited for briefly, so that the connection
            # can be kept (a closed one costs the next question a new one)
            await asyncio.wait([done], timeout=1.0)
        elif done.done() and done.exception() is not None and not decoder.ended:
            self._raise_cut(ex, done)
        for d in splitter.flush():
            note(r, d, time.monotonic())
            yield d
        finish(r, self.messages, chunks, c.backend)

    def _looping(self, checked: int) -> bool:
        """Whether the answer (checked up to `checked` characters) now ends in a loop."""
        r = self.reply
        if len(r.answer) < checked + LOOP_CHECK_EVERY:
            return False
        if loop_at(r.answer, self.client.repeat_copies) is None:
            return False
        r.finish_reason = "repetition"
        return True

    async def _pause(self, ex: _Exchange, read_at: float) -> None:
        """Leave the socket unread until `read_every_s` after the last read: the kernel gathers
        what arrives meanwhile, and one read takes it all."""
        wait = read_at + self.client.read_every_s - time.monotonic()
        if wait <= 0 or ex.transport is None:
            return
        ex.transport.pause_reading()
        try:
            await asyncio.sleep(wait)
        finally:
            if not ex.closed and not ex.transport.is_closing():
                ex.transport.resume_reading()

    def _raise_cut(self, ex: _Exchange, done: asyncio.Future[None]) -> None:
        """The connection ended early: `interrupted` once anything came, else `unreachable`."""
        c = self.client
        err = done.exception() if done.done() else None
        raise LLMError(
            "interrupted" if ex.pieces or ex.headers_at else "unreachable",
            backend=c.backend,
            url=c.base_url,
            detail=str(err or "connection closed"),
        )

    def _release(self, ex: _Exchange, clean: bool) -> None:
        """Keep a connection whose response was read to its end; close any other (a stopped
        reply: closing is what stops the model)."""
        if ex.transport is None:
            return
        if clean and ex.keep_alive and not ex.closed:
            self.client._idle.append(ex)
        else:
            ex.transport.abort()


def merged(pieces: list[Delta]) -> list[Delta]:
    """Adjacent pieces of the same kind joined: one delta per kind change, not per token."""
    out: list[Delta] = []
    for d in pieces:
        if out and out[-1].kind == d.kind:
            out[-1] = Delta(d.kind, out[-1].text + d.text)
        else:
            out.append(d)
    return out


class _Events:
    """SSE `data:` objects from a body that arrives in pieces; `ended` after `[DONE]`."""

    def __init__(self) -> None:
        self.rest = b""
        self.ended = False

    def feed(self, data: bytes, backend: str) -> list[dict[str, Any]]:
        *lines, self.rest = (self.rest + data).split(b"\n")
        out: list[dict[str, Any]] = []
        for line in lines:
            if self.ended or not line.startswith(b"data:"):
                continue  # blank separators, comments (": ping"), event names
            text = line[5:].strip()
            if text == b"[DONE]":
                self.ended = True
                continue
            try:
                obj = json.loads(text)
            except ValueError as e:
                raise LLMError(
                    "interrupted", backend=backend, detail=f"bad JSON in stream: {e}"
                ) from e
            if isinstance(obj, dict) and obj.get("error"):
                err = obj["error"]
                raise LLMError(
                    "interrupted",
                    backend=backend,
                    detail=str(err.get("message", err) if isinstance(err, dict) else err),
                )
            if isinstance(obj, dict):
                out.append(obj)
        return out


LiveClient.generation = LiveGeneration
