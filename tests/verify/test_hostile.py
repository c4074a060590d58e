"""Hostile blocks are contained and reported, and the sandbox is clean and usable afterwards.

These are the grader's guarantees (tests/grader/test_hostile.py) seen through code
verification: the same sandbox runs article and chat code, so they must hold here too.
"""

from __future__ import annotations

import fcntl
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.config import get_settings
from dltutor.grader.isolation import SLOTS, detect, slot_lock_path
from dltutor.grader.limits import Limits
from dltutor.grader.sandbox import uid_processes
from dltutor.verify.blocks import extract_blocks
from dltutor.verify.repair import run_blocks
from dltutor.verify.snippets import CodeSession, run_snippet

ISO = detect()
needs_bwrap = pytest.mark.skipif(ISO.level != "bwrap", reason="bubblewrap sandbox not available")
needs_netns = pytest.mark.skipif(not ISO.network_isolated, reason="no network namespace here")


def sandbox_processes() -> list[int]:
    """Live processes of the sandbox uids that no sandbox holds now. Other test runs (the grader's,
    a colleague's) may hold some slots at the same time; a free slot's uid must have none."""
    left = []
    for slot in range(SLOTS):
        with open(slot_lock_path(slot), "wb") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # in use by a run elsewhere
            left += uid_processes(ISO.uid_base + slot)
            fcntl.flock(f, fcntl.LOCK_UN)
    return left


@pytest.fixture(autouse=True)
def still_clean_and_working(limits: Limits) -> Iterator[None]:
    yield
    if ISO.uid_drop:
        # A sandbox of another process may be between its slot's release and its last process's
        # exit for a moment, so allow one before calling what is left a leftover.
        deadline = time.monotonic() + 10
        while sandbox_processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sandbox_processes() == []
    assert run_snippet("print(6 * 7)\n", limits).output == "42\n"


def test_reading_secrets_fails(limits: Limits) -> None:
    home = get_settings().ensure_home()
    (home / "secret.txt").write_text("learner data")
    code = f"""
for path in ["/etc/shadow", {str(home / "secret.txt")!r}]:
    try:
        print(path, open(path).read()[:40])
    except OSError as e:
        print(path, "refused", type(e).__name__)
print(open("/etc/shadow").read())
"""
    res = run_snippet(code, limits)
    assert not res.ok and res.error_type in ("FileNotFoundError", "PermissionError")
    assert "root:" not in res.output and "learner data" not in res.output
    assert res.output.count("refused") == 2


@needs_bwrap
def test_the_repository_and_data_dir_are_invisible(limits: Limits) -> None:
    here = str(Path(__file__).resolve().parent)
    res = run_snippet(f"import os\nprint(os.path.exists({here!r}))\n", limits)
    assert res.ok and res.output == "False\n"


@needs_netns
def test_no_connection_to_a_loopback_listener(limits: Limits) -> None:
    accepted: list[object] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.2)
        port = server.getsockname()[1]
        stop = threading.Event()

        def accept() -> None:
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except OSError:
                    pass

        t = threading.Thread(target=accept, daemon=True)
        t.start()
        res = run_snippet(
            f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "s.sendall(b'stolen')\nprint('connected')\n",
            limits,
        )
        time.sleep(0.3)
        stop.set()
        t.join()
    assert not res.ok and "connected" not in res.output
    assert res.error_type in ("ConnectionRefusedError", "OSError", "TimeoutError")
    assert accepted == []


def test_fork_loop_is_stopped(limits: Limits) -> None:
    code = """
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
    t0 = time.monotonic()
    res = run_snippet(code, limits)
    assert not res.ok and res.kind in ("timeout", "cpu", "crashed"), res.kind
    assert time.monotonic() - t0 < limits.wall_seconds + 10


def test_huge_file_is_refused(limits: Limits) -> None:
    code = """
with open("big.bin", "wb") as f:
    for _ in range(200):
        f.write(b"x" * (1024 * 1024))
"""
    res = run_snippet(code, limits)
    assert not res.ok and res.error_type == "OSError"
    assert "File too large" in res.output or "No space left" in res.output


def test_memory_bomb_is_a_memory_error(limits: Limits) -> None:
    res = run_snippet("import numpy as np\nx = np.ones((100_000, 100_000))\n", limits)
    assert not res.ok and res.kind == "memory" and "MB" in res.error("en")


def test_killing_itself_is_reported_and_the_session_goes_on(limits: Limits) -> None:
    with CodeSession(limits) as s:
        assert s.run("kept = 'still here'\n").ok
        res = s.run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
        assert not res.ok and res.kind == "crashed" and res.exit_status is not None
        assert s.run("print(kept)\n").output == "still here\n"


def test_a_forged_reply_cannot_verify_the_next_block(limits: Limits) -> None:
    """A block can claim success for itself (so can any code that catches its own errors), but
    it cannot make a later block pass: the real reply arrives out of order and is refused."""
    forge = """
import json, os, struct, sys
body = json.dumps({"id": 2, "ok": True, "value": {"$d": [["ok", True], ["exit", 0]]}}).encode()
os.write(int(sys.argv[2]), struct.pack(">I", len(body)) + body)
"""
    md = "```python\nx = 1\n```\n\n```python\n" + forge + "```\n\n```python\n1 / 0\n```\n"
    results = run_blocks(extract_blocks(md), limits)
    assert results[0].verified
    assert not results[2].verified, "a later failing block must never be reported verified"
