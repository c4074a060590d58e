"""A fake OpenAI-compatible server over real HTTP on loopback, for tests and benchmarks.

It speaks just enough HTTP/1.1 (keep-alive, chunked streaming) and the chat API to exercise a
client the way real servers do: scripted chunks, `<think>` tags or `reasoning_content`,
delays before the first token and between tokens (scheduled on absolute times so they do not
drift under load), usage in the last chunk, 500s, 404 for unknown models, a connection dropped
mid-stream, and streams that end with no finish reason. It runs its own event loop in a thread,
so sync and async tests can use it alike.

A server with a known capacity (for `dltutor bench capacity`): `slots=K` serves at most K streams
at once and queues the rest first come, first served; `prefill_per_token=p` adds p seconds per
prompt token before the first token. A request that gets a slot at time s sends its first token
at s + first_token_delay + p x prompt_tokens and then one token every token_delay, and holds the
slot until its last token. `GET /metrics` answers in Prometheus text with vLLM's metric names
(running and waiting requests, slot use as KV-cache usage, token counters, prefix-cache queries
and hits over 16-token blocks), so the bench's server-side view can be tested without vLLM.

    with FakeLLMServer(first_token_delay=0.05, token_delay=0.01) as srv:
        srv.enqueue(Script(chunks=["Hel", "lo"]))
        client = LLMClient(srv.base_url)
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Script:
    """How to answer one request. Unset delays fall back to the server's defaults."""

    chunks: list[str] | None = None  # content pieces; default: "tok0 tok1 …" up to max_tokens
    reasoning: list[str] = field(default_factory=list)  # sent as delta.reasoning_content first
    reasoning_field: str = "reasoning_content"
    finish_reason: str | None = "stop"  # None: end the stream with no finish reason
    status: int = 200  # non-200: reply with an error body instead of a stream
    error_message: str = "internal error"
    drop_after: int | None = None  # close the connection after this many chunks
    first_token_delay: float | None = None
    token_delay: float | None = None
    usage: bool = True  # include usage in a last chunk when the client asks for it


class FakeLLMServer:
    def __init__(
        self,
        models: list[str] | None = None,
        first_token_delay: float = 0.0,
        token_delay: float = 0.0,
        default_tokens: int = 16,
        host: str = "127.0.0.1",
        port: int = 0,
        window: int | None = None,
        style: str = "openai",
        slots: int = 0,
        prefill_per_token: float = 0.0,
    ) -> None:
        self.models = models or ["fake-model"]
        # A context window enforced the way each kind of server does (see `_over_window`), and
        # the endpoints it tells it by: "llamacpp" (/props, /tokenize), "vllm" (/v1/models
        # max_model_len, /tokenize), "ollama" (/api/show; an overlong prompt is cut from the
        # front, silently), "openai" (says nothing, refuses like vLLM).
        self.window, self.style = window, style
        self.prompt_tokens: list[int] = []  # counted per chat request, by `fake_tokens`
        self.overflows = 0  # requests that exceeded the window (refused, or cut by "ollama")
        self.first_token_delay = first_token_delay
        self.token_delay = token_delay
        self.default_tokens = default_tokens
        self.slots = slots  # 0: every stream at once (no queue)
        self.prefill_per_token = prefill_per_token
        self.waiting = 0  # streams queued for a slot now
        self.counters = dict.fromkeys(
            ("requests", "prompt_tokens", "generation_tokens", "prefix_queries", "prefix_hits"), 0
        )
        self._blocks: set[int] = set()  # hashes of prompt blocks seen (the prefix cache)
        self._slot_sem: asyncio.Semaphore | None = None
        self.host, self.port = host, port
        self.scripts: deque[Script] = deque()
        self.requests: list[dict[str, Any]] = []
        self.active = 0  # streams in progress now
        self.connections = 0  # TCP connections accepted (a client that reuses them opens few)
        self.max_active = 0
        self.hung_up = 0  # streams the client closed before their end (the model stopped)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # ---- lifecycle ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeLLMServer:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            if self.slots:
                self._slot_sem = asyncio.Semaphore(self.slots)  # FIFO: waiters wake in order
            self._server = self._loop.run_until_complete(
                self._loop.create_server(
                    lambda: asyncio.StreamReaderProtocol(_Reader(), self._handle),
                    self.host,
                    self.port,
                    backlog=4096,
                )
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-llm", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop and self._server:
            loop, server = self._loop, self._server

            async def shutdown() -> None:
                server.close()
                for task in asyncio.all_tasks():
                    if task is not asyncio.current_task():
                        task.cancel()

            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
            if self._thread:
                self._thread.join(5)
        self._loop = self._server = None

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def enqueue(self, *scripts: Script) -> None:
        """Answer the next requests with these scripts, in order."""
        with self._lock:
            self.scripts.extend(scripts)

    # ---- HTTP ---------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                keep = await self._route(method, path.split("?")[0], body, reader, writer)
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping
        finally:
            writer.close()

    async def _route(
        self, method: str, path: str, body: bytes, r: asyncio.StreamReader, w: asyncio.StreamWriter
    ) -> bool:
        if method == "GET" and path in ("/health", "/v1/health"):
            return await _send_json(w, 200, {"status": "ok"})
        if method == "GET" and path == "/metrics":
            return await _send_text(w, self.prometheus())
        if method == "GET" and path == "/v1/models":
            data: list[dict[str, Any]] = [
                {"id": m, "object": "model", "owned_by": "fake"} for m in self.models
            ]
            if self.style == "vllm" and self.window:
                data = [d | {"max_model_len": self.window} for d in data]
            return await _send_json(w, 200, {"object": "list", "data": data})
        told = self._window_routes(method, path, body)
        if told is not None:
            return await _send_json(w, *told)
        if method == "POST" and path == "/v1/chat/completions":
            req = json.loads(body or b"{}")
            with self._lock:
                self.requests.append(req)
                script = self.scripts.popleft() if self.scripts else Script()
            if req.get("model") not in self.models:
                err = {
                    "error": {
                        "message": f"model '{req.get('model')}' not found",
                        "type": "not_found_error",
                    }
                }
                return await _send_json(w, 404, err)
            if script.status != 200:
                return await _send_json(
                    w, script.status, {"error": {"message": script.error_message}}
                )
            refusal = self._over_window(req)
            if refusal:
                return await _send_json(w, 400, {"error": {"message": refusal}})
            if req.get("stream"):
                return await self._stream(req, script, r, w)
            return await self._whole(req, script, w)
        return await _send_json(w, 404, {"error": {"message": f"no route {method} {path}"}})

    def _window_routes(self, method: str, path: str, body: bytes) -> tuple[int, Any] | None:
        """The endpoints a server of this `style` tells its window and counts tokens by."""
        if not self.window:
            return None
        req = json.loads(body or b"{}") if method == "POST" else {}
        if self.style == "llamacpp" and (method, path) == ("GET", "/props"):
            return 200, {"default_generation_settings": {"n_ctx": self.window}, "total_slots": 1}
        if self.style in ("llamacpp", "vllm") and (method, path) == ("POST", "/tokenize"):
            n = fake_tokens(str(req.get("content", req.get("prompt", ""))))
            if self.style == "vllm":
                return 200, {"count": n, "max_model_len": self.window, "tokens": [0] * n}
            return 200, {"tokens": [0] * n}
        if self.style == "ollama" and (method, path) == ("POST", "/api/show"):
            info = {"llama.context_length": self.window * 4}  # trained longer than it runs
            return 200, {"model_info": info, "parameters": f"num_ctx {self.window}"}
        if self.style == "ollama" and (method, path) == ("GET", "/api/ps"):
            return 200, {"models": []}
        return None

    def _over_window(self, req: dict[str, Any]) -> str | None:
        """Why a request does not fit the window, as the server would say it; None if it fits.
        llama.cpp counts the prompt alone (it stops generating at the window's end); vLLM and
        cloud APIs count the prompt and max_tokens; Ollama cuts the prompt's beginning (the
        system prompt first) and answers anyway, which is counted in `overflows`."""
        msgs = req.get("messages") or []
        n = sum(fake_tokens(str(m.get("content", ""))) + 4 for m in msgs) + 3
        self.prompt_tokens.append(n)
        if not self.window:
            return None
        asked = n if self.style in ("llamacpp", "ollama") else n + int(req.get("max_tokens") or 0)
        if asked <= self.window:
            return None
        self.overflows += 1
        if self.style == "ollama":
            return None
        if self.style == "llamacpp":
            return f"request ({n} tokens) exceeds the available context size ({self.window} tokens)"
        return f"This model's maximum context length is {self.window} tokens. However, you requested {asked} tokens."

    def _content(self, req: dict[str, Any], script: Script) -> tuple[list[str], str | None]:
        if script.chunks is not None:
            return script.chunks, script.finish_reason
        limit = int(req.get("max_tokens") or self.default_tokens)
        n = min(limit, self.default_tokens)
        finish = "length" if limit < self.default_tokens else script.finish_reason
        return [f"tok{i} " for i in range(n)], finish

    async def _whole(self, req: dict[str, Any], script: Script, w: asyncio.StreamWriter) -> bool:
        chunks, finish = self._content(req, script)
        msg: dict[str, Any] = {"role": "assistant", "content": "".join(chunks)}
        if script.reasoning:
            msg[script.reasoning_field] = "".join(script.reasoning)
        out = {
            "id": "fake-1",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": req["model"],
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": _usage(req, len(chunks) + len(script.reasoning), len(script.reasoning)),
        }
        return await _send_json(w, 200, out)

    async def _stream(
        self, req: dict[str, Any], script: Script, r: asyncio.StreamReader, w: asyncio.StreamWriter
    ) -> bool:
        chunks, finish = self._content(req, script)
        ttft = (
            self.first_token_delay if script.first_token_delay is None else script.first_token_delay
        )
        tpot = self.token_delay if script.token_delay is None else script.token_delay
        w.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
        )
        base = {
            "id": "fake-1",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": req["model"],
        }
        pieces = [(script.reasoning_field, r) for r in script.reasoning] + [
            ("content", c) for c in chunks
        ]
        prompt = prompt_tokens(req)
        self._count(req, prompt)
        slot = self._slot_sem
        if slot is not None:
            self.waiting += 1
            try:
                await slot.acquire()
            finally:
                self.waiting -= 1
            if w.transport.is_closing():  # the client gave up while queued: serve no ghost
                slot.release()
                return False
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await _event(
                w,
                base
                | {
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": ""},
                            "finish_reason": None,
                        }
                    ]
                },
            )
            # Encoded before the clock starts, so that under load the server spends its time
            # on keeping the schedule, not on JSON (at 500 streams it sends 10,000 chunks/s).
            events = [
                _encode(
                    base
                    | {
                        "choices": [
                            {
                                "index": 0,
                                "delta": {key: text},
                                "finish_reason": finish if i == len(pieces) - 1 else None,
                            }
                        ]
                    }
                )
                for i, (key, text) in enumerate(pieces)
            ]
            t0 = time.monotonic() + self.prefill_per_token * prompt  # prefill, then decode
            for i, event in enumerate(events):
                if script.drop_after is not None and i >= script.drop_after:
                    w.transport.abort()  # mid-stream drop: no terminating chunk
                    return False
                # A real server stops generating when its client hangs up: so does this one, at
                # once (not at its next token), so `active` counts what a model would be running;
                # with slots, that frees the slot now.
                if not await _sleep_until(t0 + ttft + i * tpot, r):
                    self.hung_up += 1
                    return False
                w.write(event)
                if w.transport.get_write_buffer_size() > 65536:
                    await w.drain()  # a client that stopped reading
            self.counters["generation_tokens"] += len(pieces)
            if not pieces and finish:
                await _sleep_until(t0 + ttft)
                await _event(
                    w, base | {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
                )
            if script.usage and (req.get("stream_options") or {}).get("include_usage"):
                usage = _usage(req, len(pieces), len(script.reasoning))
                await _event(w, base | {"choices": [], "usage": usage})
            w.write(_chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")
            await w.drain()
            return True
        finally:
            self.active -= 1
            if slot is not None:
                slot.release()

    # ---- the server-side view -----------------------------------------------------------
    def _count(self, req: dict[str, Any], prompt: int) -> None:
        """Counters for /metrics; the prefix cache as vLLM counts it: the prompt in 16-token
        blocks, each hashed with all before it, and a hit for each leading block seen before."""
        c = self.counters
        c["requests"] += 1
        c["prompt_tokens"] += prompt
        c["prefix_queries"] += prompt
        tokens = _TOKEN.findall(_prompt_text(req))
        h, hit = 0, True
        for i in range(0, len(tokens) - len(tokens) % 16, 16):
            h = hash((h, tuple(tokens[i : i + 16])))
            if hit and h in self._blocks:
                self.counters["prefix_hits"] += 16
            else:
                hit = False
                self._blocks.add(h)

    def prometheus(self) -> str:
        label = f'{{model_name="{self.models[0]}"}}'
        c = self.counters
        usage = self.active / self.slots if self.slots else 0.0
        rows = [
            ("vllm:num_requests_running", "gauge", self.active),
            ("vllm:num_requests_waiting", "gauge", self.waiting),
            ("vllm:kv_cache_usage_perc", "gauge", usage),
            ("vllm:request_success_total", "counter", c["requests"]),
            ("vllm:prompt_tokens_total", "counter", c["prompt_tokens"]),
            ("vllm:generation_tokens_total", "counter", c["generation_tokens"]),
            ("vllm:prefix_cache_queries_total", "counter", c["prefix_queries"]),
            ("vllm:prefix_cache_hits_total", "counter", c["prefix_hits"]),
        ]
        return "".join(f"# TYPE {n} {t}\n{n}{label} {v}\n" for n, t, v in rows)


# A token, as the fake counts them: a Chinese character, or a run of other non-space characters
# (so an English prompt has as many tokens as words).
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\s\u3400-\u9fff]+")


def _prompt_text(req: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in req.get("messages", []))


def prompt_tokens(req: dict[str, Any]) -> int:
    return len(_TOKEN.findall(_prompt_text(req)))


_PIECE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z]+|\d|[^\sA-Za-z\d]")


def fake_tokens(text: str) -> int:
    """The fake server's tokenizer: one token per CJK character, digit and symbol, and one per
    four letters of a word, like a typical BPE vocabulary."""
    return sum(
        (len(p) + 3) // 4 if p.isascii() and p.isalpha() else 1 for p in _PIECE.findall(text)
    )


def _usage(req: dict[str, Any], completion: int, reasoning: int) -> dict[str, Any]:
    prompt = prompt_tokens(req)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


class _Reader(asyncio.StreamReader):
    """A stream reader that says when the client hung up, so a stream can stop at once."""

    def __init__(self) -> None:
        super().__init__(limit=2**16)
        self.hung_up = asyncio.Event()

    def feed_eof(self) -> None:
        super().feed_eof()
        self.hung_up.set()

    def set_exception(self, exc: Exception) -> None:
        super().set_exception(exc)
        self.hung_up.set()


async def _sleep_until(t: float, r: asyncio.StreamReader | None = None) -> bool:
    """Wait until `t`; False if the client hung up first (only while streaming to it: a
    client sends nothing more until the response has ended)."""
    hung_up = r.hung_up if isinstance(r, _Reader) else None
    if hung_up is not None and hung_up.is_set():
        return False
    delay = t - time.monotonic()
    if delay > 0:
        if hung_up is None:
            await asyncio.sleep(delay)
            return True
        try:
            async with asyncio.timeout(delay):
                await hung_up.wait()
            return False
        except TimeoutError:
            return True
    return True


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _encode(obj: dict[str, Any]) -> bytes:
    return _chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")


async def _event(w: asyncio.StreamWriter, obj: dict[str, Any]) -> None:
    w.write(_encode(obj))
    await w.drain()


async def _send_text(w: asyncio.StreamWriter, text: str) -> bool:
    body = text.encode()
    w.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
        b"Content-Length: %d\r\nConnection: keep-alive\r\n\r\n%s" % (len(body), body)
    )
    await w.drain()
    return True


async def _send_json(w: asyncio.StreamWriter, status: int, obj: dict[str, Any]) -> bool:
    body = json.dumps(obj).encode()
    reason = {200: "OK", 404: "Not Found", 400: "Bad Request", 401: "Unauthorized"}.get(
        status, "Error"
    )
    w.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Connection: keep-alive\r\n\r\n".encode()
        + body
    )
    await w.drain()
    return True


def main() -> None:
    """`python -m dltutor.llm.fake --ttft 0.5 --tpot 0.05`: serve until killed, in its own process
    (so a load test's client and this server do not share one interpreter lock)."""
    import argparse

    ap = argparse.ArgumentParser(description="fake OpenAI-compatible server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ttft", type=float, default=0.0, help="seconds before the first token")
    ap.add_argument("--tpot", type=float, default=0.0, help="seconds between tokens")
    ap.add_argument(
        "--tokens", type=int, default=16, help="tokens per answer (capped by max_tokens)"
    )
    ap.add_argument("--model", default="fake-model")
    ap.add_argument("--slots", type=int, default=0, help="streams served at once (0: all)")
    ap.add_argument(
        "--prefill", type=float, default=0.0, help="seconds per prompt token before the first"
    )
    a = ap.parse_args()
    srv = FakeLLMServer(
        [a.model], a.ttft, a.tpot, a.tokens, a.host, a.port, a.slots, a.prefill
    ).start()
    print(srv.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        srv.stop()


if __name__ == "__main__":
    main()
