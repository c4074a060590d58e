"""The wire client's HTTP/1.1 reader, fed bytes the way a socket delivers them: split anywhere.

The client tests (test_client.py) run the wire path against the fake server end to end; these
pin down the framing itself, where a bug would only show with unlucky packet boundaries.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator

import pytest

from dltutor.llm.wire import _Exchange

PAYLOAD = [
    b'data: {"choices":[{"delta":{"content":"\xe4\xbd\xa0\xe5\xa5\xbd"}}]}\n\n',
    b'data: {"choices":[{"delta":{"content":" world"},"finish_reason":"stop"}]}\n\n',
    b"data: [DONE]\n\n",
]


def chunked(pieces: list[bytes]) -> bytes:
    body = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(p), p) for p in pieces)
    return body + b"0\r\nX-Trailer: yes\r\n\r\n"


def feed(ex: _Exchange, data: bytes, rng: random.Random) -> int:
    """Deliver `data` in random slices (1 byte to 40); returns how many slices it took."""
    pos = n = 0
    while pos < len(data):
        step = rng.randint(1, 40)
        ex.data_received(data[pos : pos + step])
        pos += step
        n += 1
    return n


def new_exchange(loop: asyncio.AbstractEventLoop) -> tuple[_Exchange, asyncio.Future[None]]:
    ex = _Exchange()
    return ex, ex.start(loop)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A loop that is never run: the futures only need one to belong to."""
    lp = asyncio.new_event_loop()
    yield lp
    lp.close()


@pytest.mark.parametrize("seed", range(40))
def test_chunked_body_survives_any_split(seed: int, loop: asyncio.AbstractEventLoop) -> None:
    rng = random.Random(seed)
    ex, done = new_exchange(loop)
    head = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
    )
    feed(ex, head + chunked(PAYLOAD), rng)
    assert done.done() and done.exception() is None
    assert ex.status == 200 and ex.keep_alive
    assert ex.body() == b"".join(PAYLOAD)
    assert ex.token_at is not None  # a content delta was seen


def test_body_not_finished_until_the_last_chunk(loop: asyncio.AbstractEventLoop) -> None:
    ex, done = new_exchange(loop)
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    whole = head + chunked(PAYLOAD)
    ex.data_received(whole[:-3])
    assert not done.done()
    ex.data_received(whole[-3:])
    assert done.done()


@pytest.mark.parametrize("seed", range(10))
def test_content_length_body(seed: int, loop: asyncio.AbstractEventLoop) -> None:
    body = b'{"error": {"message": "model \'x\' not found"}}'
    ex, done = new_exchange(loop)
    head = b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n" % len(body)
    feed(ex, head + body, random.Random(seed))
    assert done.done() and ex.status == 404 and ex.body() == body and ex.keep_alive


def test_body_until_close_and_a_cut_stream(loop: asyncio.AbstractEventLoop) -> None:
    # no length, not chunked: the body ends when the server closes (then no keep-alive)
    ex, done = new_exchange(loop)
    ex.data_received(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + PAYLOAD[0])
    assert not done.done()
    ex.connection_lost(None)
    assert done.done() and done.exception() is None and not ex.keep_alive
    # chunked, cut in the middle: an error, with what arrived kept
    ex, done = new_exchange(loop)
    ex.data_received(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    ex.data_received(chunked(PAYLOAD)[:30])
    ex.connection_lost(ConnectionResetError("reset by peer"))
    assert isinstance(done.exception(), ConnectionError)
    assert ex.body() and PAYLOAD[0].startswith(ex.body())


def test_garbage_is_refused(loop: asyncio.AbstractEventLoop) -> None:
    ex, done = new_exchange(loop)
    ex.data_received(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
    assert isinstance(done.exception(), ConnectionError)
    ex, done = new_exchange(loop)
    ex.data_received(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
    assert isinstance(done.exception(), ConnectionError)
    assert "chunk size" in str(done.exception())
