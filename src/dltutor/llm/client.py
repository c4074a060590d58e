"""The one seam between dltutor and a model: an async streaming chat client.

It speaks the OpenAI-compatible chat API (the `openai` SDK over httpx) to any server —
Ollama, vLLM, llama.cpp, SGLang, cloud APIs, or the embedded engine — and measures as it goes:
time to first token (of any kind, and of the answer), per-chunk times, token usage (from the
server when it reports it, else estimated and marked so), and why the reply ended.

Failure policy, because the seed load test shows what happens without one:
- connection errors before any response are retried with exponential backoff; nothing else is;
- three separate timeouts: connect, first token, and silence between tokens;
- a reply cut by max_tokens is marked "truncated", never passed off as complete;
- a stream that ends without a finish reason is an error ("interrupted", or "empty" when
  nothing arrived) — llama-cpp-python's server, for one, ends streams this way under load.
Every failure raises `LLMError` carrying the partial `Reply`.

And every request fits the model's window before it is sent (budget.py, window.py): the window
is asked of the server once per client, prompts are trimmed by priority, and one that cannot fit
is refused here, in the learner's language, rather than by the server in English (or, by Ollama,
silently cut from the front).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import openai

try:  # openai>=3 is built on httpx2; older releases on httpx. Use the same one for transport and errors.
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

from dltutor.llm import window as windows
from dltutor.llm.admission import PositionCallback, Slots
from dltutor.llm.budget import Counter, DoesNotFit, Fit, PromptParts, fit
from dltutor.llm.errors import LLMError
from dltutor.llm.repetition import loop_at
from dltutor.llm.thinking import ThinkSplitter, reasoning_of
from dltutor.llm.types import Delta, Message, Reply

log = logging.getLogger("dltutor.llm")
_SDK_FIELDS = frozenset(
    {"model", "messages", "stream", "max_tokens", "temperature", "stream_options"}
    | {"frequency_penalty", "presence_penalty"}
)
LOOP_CHECK_EVERY = 32  # characters of answer between two looks for a repetition loop


class LLMClient:
    generation: type[Generation]  # what `stream()` returns; set below, once Generation exists

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str = "not-needed",
        model: str | None = None,
        backend: str = "openai-compatible",
        connect_timeout: float = 10.0,
        first_token_timeout: float = 120.0,
        idle_timeout: float = 60.0,
        retries: int = 2,
        max_tokens: int = 1024,
        temperature: float = 0.3,
        max_connections: int | None = None,
        context_window: int | None = None,
        preset_window: int | None = None,
        fit_to_window: bool = True,
        sampling: dict[str, Any] | None = None,
        repeat_copies: int = 6,
        admission: Slots | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.backend = backend
        self.model = model
        self.connect_timeout = connect_timeout
        self.first_token_timeout = first_token_timeout
        self.idle_timeout = idle_timeout
        self.retries = retries
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.send_stream_options = True
        # The window is asked of the server on first use (see window.py); a load generator
        # measuring the server turns fitting off, so that it sends exactly what it is told to.
        self.fit_to_window = fit_to_window
        self._window_setting, self._preset_window = context_window, preset_window
        self._window: windows.Window | None = None
        self._counter: Counter | None = None
        self._window_lock = asyncio.Lock()
        # Extra sampling fields for every request (the embedded model's repetition penalties).
        self.sampling = dict(sampling or {})
        # Every generation of this client waits for a slot here first (admission.py): chat,
        # teaching moves, the judge, repairs and articles alike, so the model never runs more
        # than the limit whoever asks. None: no limit (a load generator, a test).
        self.admission = admission
        # A reply whose tail is this many copies of one piece is a loop: the stream is stopped
        # there (repetition.py). Six for capable models (a table or code may repeat a line a few
        # times); the embedded one gets three.
        self.repeat_copies = repeat_copies
        # Our own timers govern reads; httpx only bounds connecting and writing.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(None, connect=connect_timeout, write=30.0),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=64),
        )
        self._api = openai.AsyncOpenAI(
            base_url=self.base_url,
            api_key=api_key or "not-needed",
            max_retries=0,
            http_client=self._http,
        )

    async def aclose(self) -> None:
        await self._api.close()

    async def __aenter__(self) -> LLMClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- models -------------------------------------------------------------------------
    async def list_models(self) -> list[str]:
        try:
            page = await asyncio.wait_for(self._api.models.list(), self.connect_timeout + 10)
        except (openai.APIConnectionError, httpx.HTTPError, TimeoutError) as e:
            raise LLMError(
                "unreachable", backend=self.backend, url=self.base_url, detail=_detail(e)
            ) from e
        except openai.AuthenticationError as e:
            raise LLMError("auth", backend=self.backend, detail=_detail(e)) from e
        except openai.APIStatusError as e:
            raise LLMError("http_error", backend=self.backend, detail=_detail(e)) from e
        return [m.id for m in page.data]

    async def resolve_model(self) -> str:
        """The configured model, or the first one the server lists."""
        if not self.model:
            models = await self.list_models()
            if not models:
                raise LLMError(
                    "model_not_found", backend=self.backend, model="(any)", available="none"
                )
            self.model = models[0]
        return self.model

    async def window(self) -> windows.Window:
        """The model's context window per request, asked of the server once."""
        async with self._window_lock:
            if self._window is None:
                model = await self.resolve_model()
                self._window = await windows.discover(
                    self._http,
                    self.base_url,
                    backend=self.backend,
                    model=model,
                    setting=self._window_setting,
                    preset_window=self._preset_window,
                )
                self._counter = windows.counter_for(self._http, self.base_url, self._window, model)
                log.info(
                    "model window: %d tokens (%s); counted by %s",
                    self._window.tokens,
                    self._window.source,
                    self._window.tokenizer or "estimate",
                )
            return self._window

    async def fit(self, parts: PromptParts, answer_tokens: int) -> Fit:
        """`parts` trimmed to the window with `answer_tokens` reserved; LLMError
        ("context_overflow") when even the untrimmable parts do not fit."""
        w = await self.window()
        assert self._counter is not None
        counted_by = getattr(self._counter, "by", "estimate")
        try:
            return await fit(
                parts,
                window=w.tokens,
                answer_tokens=answer_tokens,
                count=self._counter,
                counted_by=counted_by,
            )
        except DoesNotFit as e:
            raise LLMError(
                "context_overflow",
                backend=self.backend,
                needed=e.needed,
                window=e.window,
                answer=e.answer_tokens,
            ) from e

    # ---- chat ---------------------------------------------------------------------------
    def stream(
        self,
        messages: list[Message] | PromptParts,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        owner: str = "",
        on_position: PositionCallback | None = None,
    ) -> Generation:
        """A reply to stream. `owner` (a learner) is whose turn it is in the admission queue,
        which is served round-robin across owners; `on_position` hears its place there."""
        gen = self.generation(
            self,
            messages,
            max_tokens or self.max_tokens,
            self.temperature if temperature is None else temperature,
        )
        gen.owner, gen.on_position = owner, on_position
        return gen

    async def complete(self, messages: list[Message], **kw: Any) -> Reply:
        """Stream to the end and return the reply (raises LLMError on failure)."""
        gen = self.stream(messages, **kw)
        async for _ in gen:
            pass
        return gen.reply

    async def _open(self, gen: Generation) -> Any:
        """Send the request; retry connection errors with backoff. Returns the response context
        (entered): the SDK builds the request and maps HTTP errors, and we decode the SSE chunks
        as plain dicts, because building the SDK's pydantic chunk objects costs ~0.4 ms per token
        (bench/client_overhead.py), which at a few hundred concurrent streams is the whole CPU."""
        model = await self.resolve_model()
        gen.reply.model = model
        attempt = 0
        while True:
            kwargs = gen.request_body(model)
            # the SDK takes its own fields as arguments and refuses others (llama.cpp's
            # repeat_penalty, Ollama's options): those go in extra_body
            extra = {k: kwargs.pop(k) for k in list(kwargs) if k not in _SDK_FIELDS}
            ctx = self._api.chat.completions.with_streaming_response.create(
                **kwargs, extra_body=extra or None
            )
            try:
                response = await asyncio.wait_for(ctx.__aenter__(), gen.time_left_for_first_token())
                gen.reply.headers_s = time.monotonic() - gen.reply.started_at
                return ctx, response
            except TimeoutError as e:
                raise LLMError(
                    "timeout_first_token",
                    gen.reply,
                    backend=self.backend,
                    seconds=self.first_token_timeout,
                ) from e
            except openai.APITimeoutError as e:
                raise LLMError(
                    "timeout_connect",
                    gen.reply,
                    backend=self.backend,
                    url=self.base_url,
                    seconds=self.connect_timeout,
                ) from e
            except openai.APIConnectionError as e:
                if attempt >= self.retries:
                    raise LLMError(
                        "unreachable",
                        gen.reply,
                        backend=self.backend,
                        url=self.base_url,
                        detail=_detail(e),
                    ) from e
                await asyncio.sleep(0.25 * 2**attempt)
                attempt += 1
            except openai.BadRequestError as e:
                text = _detail(e).lower()
                if self.send_stream_options and "stream_options" in text:
                    self.send_stream_options = False  # an older server: count tokens ourselves
                    continue
                if "model" in text and ("not found" in text or "does not exist" in text):
                    raise await self._model_missing(gen, model) from e
                raise LLMError(
                    "http_error", gen.reply, backend=self.backend, detail=_detail(e)
                ) from e
            except openai.NotFoundError as e:
                raise await self._model_missing(gen, model) from e
            except (openai.AuthenticationError, openai.PermissionDeniedError) as e:
                raise LLMError("auth", gen.reply, backend=self.backend, detail=_detail(e)) from e
            except openai.APIStatusError as e:
                raise LLMError(
                    "http_error", gen.reply, backend=self.backend, detail=_detail(e)
                ) from e

    async def _model_missing(self, gen: Generation, model: str) -> LLMError:
        try:
            available = ", ".join(await self.list_models()) or "none"
        except LLMError:
            available = "unknown"
        return LLMError(
            "model_not_found", gen.reply, backend=self.backend, model=model, available=available
        )


class Generation:
    """One streamed reply: `async for delta in gen` yields Delta pieces; `gen.reply` fills in."""

    def __init__(
        self,
        client: LLMClient,
        messages: list[Message] | PromptParts,
        max_tokens: int,
        temperature: float,
    ) -> None:
        self.client = client
        # What to send, after fitting: a plain list is fitted too (its history may be trimmed,
        # its system prompt and last message never), so no caller can exceed the window.
        self.parts = (
            messages if isinstance(messages, PromptParts) else PromptParts.from_messages(messages)
        )
        self.messages = self.parts.messages()
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.reply = Reply()
        self.fitted: Fit | None = None
        self.owner = ""
        self.on_position: PositionCallback | None = None

    def request_body(self, model: str) -> dict[str, Any]:
        """The chat request's JSON body (usage asked for unless the server refused it)."""
        body: dict[str, Any] = {
            "model": model,
            "messages": [m.to_api() for m in self.messages],
            "stream": True,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            **self.client.sampling,
        }
        w = self.client._window
        if w is not None and w.ollama_num_ctx:
            body["options"] = {"num_ctx": w.ollama_num_ctx}
        if self.client.send_stream_options:
            body["stream_options"] = {"include_usage": True}
        return body

    def time_left_for_first_token(self) -> float:
        return max(
            0.0, self.client.first_token_timeout - (time.monotonic() - self.reply.started_at)
        )

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._run()

    async def _run(self) -> AsyncIterator[Delta]:
        r = self.reply
        r.started_at = time.monotonic()
        admission = self.client.admission
        slot = admission.slot(self.owner, self.on_position) if admission else _no_wait()
        try:
            async with slot as waited:
                r.queue_s = waited
                if self.client.fit_to_window:
                    self.fitted = await self.client.fit(self.parts, self.max_tokens)
                    self.messages = self.fitted.messages
                r.started_at = time.monotonic()  # timings start when the request is sent
                async for d in self._stream():
                    yield d
        except LLMError as e:
            r.status, r.error_kind, r.error = "error", e.kind, e.message("en")
            r.total_s = r.total_s or time.monotonic() - r.started_at
            e.reply = r
            raise
        # a path that timestamps bytes on arrival has set it already (wire.py)
        r.total_s = r.total_s or time.monotonic() - r.started_at
        r.status = "truncated" if r.finish_reason in ("length", "repetition") else "complete"

    async def _stream(self) -> AsyncIterator[Delta]:
        c, r = self.client, self.reply
        ctx, response = await c._open(self)
        it = _sse_chunks(response, c.backend).__aiter__()
        splitter = ThinkSplitter()
        chunks = checked = 0
        loop = asyncio.get_running_loop()
        try:
            # One timer for the whole stream, armed only while waiting on the server (never while
            # the consumer handles a delta): until the first token it holds the first-token
            # deadline, after that the idle limit. A wait_for per chunk would cost a task per token.
            first_deadline = loop.time() + self.time_left_for_first_token()
            async with asyncio.timeout(None) as timer:
                while True:
                    got_token = r.first_token_s is not None
                    timer.reschedule(loop.time() + c.idle_timeout if got_token else first_deadline)
                    try:
                        chunk = await it.__anext__()
                    except StopAsyncIteration:
                        break
                    except (httpx.HTTPError, openai.APIError) as e:
                        raise LLMError("interrupted", backend=c.backend, detail=_detail(e)) from e
                    timer.reschedule(None)
                    pieces, carried = read_chunk(r, splitter, chunk)
                    chunks += carried
                    for d in pieces:
                        note(r, d, time.monotonic())
                        yield d
                    if len(r.answer) >= checked + LOOP_CHECK_EVERY:
                        checked = len(r.answer)
                        if loop_at(r.answer, c.repeat_copies) is not None:
                            r.finish_reason = "repetition"  # closing the response stops the model
                            break
            for d in splitter.flush():
                note(r, d, time.monotonic())
                yield d
        except TimeoutError as e:
            if r.first_token_s is not None:
                raise LLMError("timeout_idle", backend=c.backend, seconds=c.idle_timeout) from e
            raise LLMError(
                "timeout_first_token", backend=c.backend, seconds=c.first_token_timeout
            ) from e
        finally:
            await ctx.__aexit__(None, None, None)
        finish(r, self.messages, chunks, c.backend)


LLMClient.generation = Generation


@contextlib.asynccontextmanager
async def _no_wait() -> AsyncIterator[float]:
    """The slot of a client without admission control: there at once."""
    yield 0.0


def read_chunk(
    r: Reply, splitter: ThinkSplitter, chunk: dict[str, Any]
) -> tuple[list[Delta], bool]:
    """The deltas in one decoded stream chunk and whether it carried any text (a token, for
    counting when the server sends no usage); usage and finish reason go into `r`."""
    if chunk.get("usage"):
        _take_usage(r, chunk["usage"])
    pieces: list[Delta] = []
    carried = False
    for choice in chunk.get("choices") or ():
        delta = choice.get("delta") or {}
        content = delta.get("content")
        thought = reasoning_of(delta)
        if thought:
            pieces.append(Delta("thinking", thought))
        if content:
            pieces.extend(splitter.feed(content))
        carried = carried or bool(thought or content)
        if choice.get("finish_reason"):
            r.finish_reason = choice["finish_reason"]
    return pieces, carried


def note(r: Reply, d: Delta, at: float) -> None:
    """Add a delta that arrived at `at` (time.monotonic()) to the reply, with its timing."""
    now = at - r.started_at
    r.chunk_times.append(now)
    if r.first_token_s is None:
        r.first_token_s = now
    if d.kind == "answer":
        r.answer += d.text
        if r.first_answer_token_s is None:
            r.first_answer_token_s = now
    else:
        r.thinking += d.text


def finish(r: Reply, messages: list[Message], chunks: int, backend: str) -> None:
    """After the last chunk: count tokens if the server did not, and fail a stream that ended
    without saying why (a cut connection must not pass for a whole answer)."""
    if r.output_tokens is None:
        _estimate_tokens(r, messages, chunks)
    if r.finish_reason is None:
        kind = "empty" if not (r.answer or r.thinking) else "interrupted"
        raise LLMError(kind, backend=backend, detail="stream ended without a finish reason")


async def _sse_chunks(response: Any, backend: str) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of an SSE chat stream, until `data: [DONE]` or the end of the body.

    Read as bytes and split here: the SDK's `iter_lines` decodes to text and splits lines through
    three more async generators per network read; `json.loads` takes the bytes as they are."""
    body = response.http_response.aiter_bytes()
    rest = b""
    async for block in body:
        *lines, rest = (rest + block).split(b"\n")
        for line in lines:
            if not line.startswith(b"data:"):
                continue  # blank separators, comments (": ping"), event names
            data = line[5:].strip()
            if data == b"[DONE]":
                await _drain(body)
                return
            obj = json.loads(data)
            if isinstance(obj, dict) and obj.get("error"):
                err = obj["error"]
                raise LLMError(
                    "interrupted",
                    backend=backend,
                    detail=str(err.get("message", err) if isinstance(err, dict) else err),
                )
            yield obj


async def _drain(body: AsyncIterator[bytes]) -> None:
    """Read the (empty) rest of the body after [DONE], so that httpx puts the connection back
    in its pool: left unread, the connection was closed and every question opened a new one (a
    tenth of the web server's CPU per chat). A server that keeps the body open after [DONE]
    gets a second, then the connection is dropped as before."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            async for _ in body:
                pass


def _take_usage(r: Reply, usage: dict[str, Any]) -> None:
    r.input_tokens = usage.get("prompt_tokens")
    r.output_tokens = usage.get("completion_tokens")
    details = usage.get("completion_tokens_details") or {}
    if details.get("reasoning_tokens") is not None:
        r.reasoning_tokens = details["reasoning_tokens"]


def _estimate_tokens(r: Reply, messages: list[Message], chunks: int) -> None:
    """No usage from the server: one token per streamed chunk (what llama.cpp-style servers
    send) for output, and ~4 characters per token (1 per CJK character) for input."""
    r.tokens_estimated = True
    r.output_tokens = chunks
    text = "".join(m.content for m in messages)
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    r.input_tokens = cjk + (len(text) - cjk) // 4


def _detail(e: BaseException) -> str:
    if isinstance(e, openai.APIStatusError):
        body = e.body if isinstance(e.body, dict) else {}
        inner = body.get("error", body) if isinstance(body, dict) else {}
        text = inner.get("message") if isinstance(inner, dict) else None
        return f"HTTP {e.status_code}: {text or e.message}"[:300]
    msg = getattr(e, "message", None) or str(e) or type(e).__name__
    cause = e.__cause__ or e.__context__
    if cause and str(cause) and str(cause) not in msg:
        msg = f"{msg} ({cause})"
    return msg[:300]
