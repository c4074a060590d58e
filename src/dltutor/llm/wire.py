"""A lean streaming path for load tests: the chat request over raw HTTP/1.1 on asyncio.

`dltutor bench` measures the model server, so its own cost per streamed token must be small
next to what it measures. Through the openai SDK and httpx a chunk costs ~0.1-0.2 ms of CPU
and a request ~3 ms; at 500 streams that saturates a core and every timestamp comes late (the
README's benchmark notes). Here a chunk costs one `data_received` call: the bytes are kept with
the time they arrived and decoded only when the stream has ended. A request is one write on a
kept-alive connection.

`WireClient` is an `LLMClient` whose `stream()` takes this path; listing models, resolving the
model and the error messages are the SDK client's. The replies are the same `Reply` objects,
split into thinking and answer by the same code. What it does not do: HTTP proxies, HTTP/2,
redirects, retries (a load test reports failures instead of hiding them).
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from dltutor.llm.client import Generation, LLMClient, finish, note, read_chunk
from dltutor.llm.errors import LLMError
from dltutor.llm.thinking import ThinkSplitter
from dltutor.llm.types import Delta

MAX_HEAD = 64 * 1024  # response headers larger than this are refused
# A delta with text in it: until the first one, the first-token deadline applies (the role
# chunk that servers send at once is not a token). Searched only until it is found.
_TOKEN = re.compile(rb'"(?:content|reasoning_content|reasoning|thinking)"\s*:\s*"[^"]')


class _Exchange(asyncio.Protocol):
    """One connection; one request at a time. Keeps (arrival time, bytes) of the body."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._reset()

    def _reset(self) -> None:
        self.head = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.headers_at: float | None = None
        self.pieces: list[tuple[float, bytes]] = []  # body payload, de-chunked
        self.token_at: float | None = None  # arrival of the first piece with a token in it
        self.last_data_at = 0.0
        self.done: asyncio.Future[None] | None = None
        self.wake: asyncio.Future[None] | None = None  # set when the first token arrives
        self.news: asyncio.Future[None] | None = None  # set on any read (a live reader waits)
        self.keep_alive = False
        self._chunked = False
        self._left = -1  # bytes left: of the current chunk (chunked) or the body (length)
        self._buf = b""
        self._trailer = False
        self._tail = b""  # the end of the last read, until the first token is seen

    def start(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[None]:
        self._reset()
        self.done = loop.create_future()
        return self.done

    # -- asyncio.Protocol --
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.done is not None and not self.done.done():
            if self.headers_at is not None and not self._chunked and self._left < 0:
                self.done.set_result(None)  # a body delimited by closing the connection
            else:
                self.done.set_exception(ConnectionError(str(exc or "connection closed")))
                # a request given up on (timed out, cancelled) no longer awaits it: without
                # this asyncio logs "Future exception was never retrieved" for each one
                self.done.exception()

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.last_data_at = now
        if self.news is not None and not self.news.done():
            self.news.set_result(None)
        if self.headers_at is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > MAX_HEAD:
                    self._fail("response headers too large")
                return
            self.headers_at = now
            data = self.head[end + 4 :]
            self._parse_head(self.head[:end])
            if self.done is None or self.done.done():
                return
        if self.token_at is None:
            window = self._tail + data  # the key may be split across two reads
            if _TOKEN.search(window):
                self.token_at = now
                if self.wake is not None and not self.wake.done():
                    self.wake.set_result(None)
            self._tail = window[-64:]
        if self._chunked:
            self._dechunk(now, data)
        elif data:
            self.pieces.append((now, data))
            if self._left >= 0:
                self._left -= len(data)
                if self._left <= 0:
                    self._finish()

    # -- HTTP/1.1 --
    def _parse_head(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        try:
            self.status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            self._fail(f"not an HTTP response: {lines[0][:80]!r}")
            return
        for line in lines[1:]:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self._chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
        self.keep_alive = self.headers.get("connection", "").lower() != "close"
        if not self._chunked:
            length = self.headers.get("content-length")
            self._left = int(length) if length and length.isdigit() else -1
            self.keep_alive &= self._left >= 0
            if self._left == 0:
                self._finish()

    def _dechunk(self, now: float, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        pos = 0
        while True:
            if self._left > 0:  # inside a chunk's payload
                take = buf[pos : pos + self._left]
                if take:
                    self.pieces.append((now, take))
                self._left -= len(take)
                pos += len(take)
                if self._left > 0:
                    break
                self._left = -2  # the CRLF after the payload
            if self._left == -2:
                if len(buf) - pos < 2:
                    break
                pos += 2
                self._left = -1
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                break
            line = buf[pos:eol]
            pos = eol + 2
            if self._trailer:  # trailer fields, then an empty line ends the message
                if not line:
                    self._finish()
                    return
                continue
            try:
                size = int(line.split(b";", 1)[0], 16)
            except ValueError:
                self._fail("bad chunk size in the response")
                return
            if size == 0:
                self._trailer = True
            else:
                self._left = size
        self._buf = buf[pos:]

    def _finish(self) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_result(None)

    def _fail(self, why: str) -> None:
        self.keep_alive = False
        if self.done is not None and not self.done.done():
            self.done.set_exception(ConnectionError(why))
            self.done.exception()  # marked retrieved; an awaiting request still gets it
        if self.transport is not None:
            self.transport.abort()

    def body(self) -> bytes:
        return b"".join(p for _, p in self.pieces)


class WireClient(LLMClient):
    """An LLMClient whose streams take the lean path above (see the module docstring)."""

    generation: type[Generation]  # WireGeneration, bound below

    def __init__(self, base_url: str, **kw: Any) -> None:
        # A load generator sends what it is told to: no fitting to the window (which would also
        # add token-counting requests to the load being measured).
        kw.setdefault("fit_to_window", False)
        super().__init__(base_url, **kw)
        url = urlsplit(self.base_url)
        self._tls = url.scheme == "https"
        self._host = url.hostname or "127.0.0.1"
        self._port = url.port or (443 if self._tls else 80)
        self._path = (url.path.rstrip("/") or "") + "/chat/completions"
        self._authority = url.netloc.rsplit("@", 1)[-1]
        self._key = kw.get("api_key") or "not-needed"
        self._idle: list[_Exchange] = []
        self._ssl = ssl.create_default_context() if self._tls else None

    async def aclose(self) -> None:
        for ex in self._idle:
            if ex.transport is not None:
                ex.transport.close()
        self._idle.clear()
        await super().aclose()

    async def _connection(self) -> _Exchange:
        while self._idle:
            ex = self._idle.pop()
            if not ex.closed:
                return ex
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, ex = await loop.create_connection(
                    _Exchange,
                    self._host,
                    self._port,
                    ssl=self._ssl,
                    server_hostname=self._host if self._tls else None,
                )
        except TimeoutError as e:
            raise LLMError(
                "timeout_connect", backend=self.backend, url=self.base_url,
                seconds=self.connect_timeout,
            ) from e  # fmt: skip
        except OSError as e:
            raise LLMError(
                "unreachable", backend=self.backend, url=self.base_url, detail=str(e)
            ) from e
        return ex

    def _request_bytes(self, body: bytes) -> bytes:
        head = (
            f"POST {self._path} HTTP/1.1\r\nHost: {self._authority}\r\n"
            f"Authorization: Bearer {self._key}\r\nContent-Type: application/json\r\n"
            f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1") + body


class WireGeneration(Generation):
    """One streamed reply over the lean path. Iterating waits for the whole stream, then yields
    its deltas; `reply` has every delta's arrival time, as with the SDK path."""

    client: WireClient

    async def _stream(self) -> AsyncIterator[Delta]:
        self._deltas: list[Delta] = []
        await self._exchange()
        for d in self._deltas:
            yield d

    async def _exchange(self) -> None:
        c, r = self.client, self.reply
        model = await c.resolve_model()
        r.model = model
        while True:
            payload = self.request_body(model)
            ex = await c._connection()
            done = ex.start(asyncio.get_running_loop())
            assert ex.transport is not None
            ex.transport.write(c._request_bytes(json.dumps(payload).encode()))
            try:
                await self._wait(ex, done)
            except BaseException:
                if ex.transport is not None:
                    ex.transport.abort()
                await self._decode(ex, partial=True)
                raise
            r.total_s = (ex.last_data_at or time.monotonic()) - r.started_at
            if ex.keep_alive and not ex.closed:
                c._idle.append(ex)
            elif ex.transport is not None:
                ex.transport.close()
            if ex.status == 200:
                await self._decode(ex, partial=False)
                return
            error = await self._http_error(ex, model)
            if error is not None:
                raise error
            # None: an older server refused stream_options; ask again without (count ourselves)

    async def _wait(self, ex: _Exchange, done: asyncio.Future[None]) -> None:
        """Until the response has ended; a first-token and an idle deadline, checked by waking
        up once per deadline rather than re-arming a timer on every chunk."""
        c = self.client
        start = self.reply.started_at
        loop = asyncio.get_running_loop()
        ex.wake = loop.create_future()
        while not done.done():
            now = time.monotonic()
            if ex.token_at is None:
                limit, kind = start + c.first_token_timeout, "timeout_first_token"
                seconds = c.first_token_timeout
            else:
                limit, kind = ex.last_data_at + c.idle_timeout, "timeout_idle"
                seconds = c.idle_timeout
            if now >= limit:
                raise LLMError(kind, backend=c.backend, seconds=seconds)
            await asyncio.wait([done, ex.wake], timeout=limit - now, return_when="FIRST_COMPLETED")
            if ex.wake.done():  # the first token: from now on the idle deadline applies
                ex.wake = loop.create_future()
        try:
            done.result()
        except ConnectionError as e:
            got = bool(ex.pieces)
            raise LLMError(
                "interrupted" if got else "unreachable",
                backend=c.backend,
                url=c.base_url,
                detail=str(e),
            ) from e
        if ex.headers_at is not None:
            self.reply.headers_s = ex.headers_at - start

    async def _decode(self, ex: _Exchange, partial: bool) -> None:
        """Split the body into SSE events, each stamped with the arrival of its last byte.
        Yields to the loop between pieces: with hundreds of streams ending together, decoding
        them in one go would keep the loop from reading (and timestamping) the others."""
        r, c = self.reply, self.client
        splitter = ThinkSplitter()
        chunks = 0
        buf = b""
        for at, data in ex.pieces:
            await asyncio.sleep(0)
            buf += data.replace(b"\r\n", b"\n")  # SSE allows CRLF line ends
            while True:
                end = buf.find(b"\n\n")
                if end < 0:
                    break
                event, buf = buf[:end], buf[end + 2 :]
                for line in event.split(b"\n"):
                    line = line.rstrip(b"\r")
                    if not line.startswith(b"data:"):
                        continue
                    text = line[5:].strip()
                    if text == b"[DONE]":
                        break
                    try:
                        obj = json.loads(text)
                    except ValueError as e:
                        if partial:
                            return
                        raise LLMError(
                            "interrupted", backend=c.backend, detail=f"bad JSON in stream: {e}"
                        ) from e
                    if isinstance(obj, dict) and obj.get("error"):
                        err = obj["error"]
                        if partial:
                            return
                        raise LLMError(
                            "interrupted",
                            backend=c.backend,
                            detail=str(err.get("message", err) if isinstance(err, dict) else err),
                        )
                    if not isinstance(obj, dict):
                        continue
                    pieces, carried = read_chunk(r, splitter, obj)
                    chunks += carried
                    for d in pieces:
                        note(r, d, at)
                        self._deltas.append(d)
        for d in splitter.flush():
            note(r, d, ex.last_data_at)
            self._deltas.append(d)
        if not partial:
            finish(r, self.messages, chunks, c.backend)

    async def _http_error(self, ex: _Exchange, model: str) -> LLMError | None:
        """The error for a non-200 response; None when the server only refused
        `stream_options` (then we ask again without it, as the SDK path does)."""
        c = self.client
        raw = ex.body()
        try:
            body = json.loads(raw)
            inner = body.get("error", body) if isinstance(body, dict) else {}
            text = inner.get("message") if isinstance(inner, dict) else str(inner)
        except ValueError:
            text = raw[:200].decode("utf-8", errors="replace")
        detail = f"HTTP {ex.status}: {text}"[:300]
        low = (text or "").lower()
        if ex.status == 400 and c.send_stream_options and "stream_options" in low:
            c.send_stream_options = False
            return None
        if ex.status == 404 or ("model" in low and ("not found" in low or "does not exist" in low)):
            return await c._model_missing(self, model)
        if ex.status in (401, 403):
            return LLMError("auth", backend=c.backend, detail=detail)
        return LLMError("http_error", backend=c.backend, detail=detail)


WireClient.generation = WireGeneration
