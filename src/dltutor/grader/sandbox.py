"""A sandboxed process running the stub, and the trusted side's end of the pipes to it.

The command is `[unshare --net] [setpriv <uid>] prlimit <limits> [bwrap <namespaces>] python -I
-c <stub> 3 4`: namespaces from bubblewrap where it works (see `isolation.py`), a dedicated
unprivileged uid when we are root (RLIMIT_NPROC is not enforced for root), rlimits on the whole
tree, its own process group. Requests go in on one pipe and replies come out on another; the
learner's stdout and stderr go to a third pipe that a thread drains, keeping the first
`output_kb` and dropping the rest, so printing can neither block nor flood us.

When the run ends, however it ends, `close()` kills the process group, then (as root) kills
every process left under the sandbox uid (a daemon that escaped the group or the pid namespace
included), reaps what is dead, then releases the uid for the next run.

Why reap: bubblewrap's outer process can exit before its pid-namespace init has been waited
for, which orphans that init. Orphans go to pid 1, and a pid 1 that reaps late (as on the
micro-VMs this project runs on) leaves zombies that still count against the uid's
RLIMIT_NPROC: after a few dozen runs the next sandbox failed with "bwrap: Can't fork for pid 1:
Resource temporarily unavailable". So the grader makes itself a child subreaper: orphans of
its sandboxes come to it, and it reaps them itself.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any, NoReturn

from dltutor.grader import stub
from dltutor.grader.isolation import SLOTS, THREAD_VARS, Isolation, bwrap_args, slot_lock_path
from dltutor.grader.limits import Limits


class SandboxDied(Exception):
    """The learner's process is gone (or was killed); `reason` says why, as a message key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason  # "wall" | "time_limit" | "cpu" | "memory" | "exited" | "protocol"
        self.detail = detail


def stub_source() -> str:
    return (resources.files("dltutor.grader") / "stub.py").read_text(encoding="utf-8")


# ---- sandbox uids ------------------------------------------------------------------------


class _Slots:
    """Hands out sandbox uids: a thread lock here, an flock for other dltutor processes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[int] = set()

    def acquire(self, timeout: float = 60.0) -> tuple[int, IO[bytes]]:
        deadline = time.monotonic() + timeout
        while True:
            for slot in range(SLOTS):
                with self._lock:
                    if slot in self._held:
                        continue
                    f = open(slot_lock_path(slot), "wb")  # noqa: SIM115
                    try:
                        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        f.close()
                        continue
                    self._held.add(slot)
                    return slot, f
            if time.monotonic() > deadline:
                raise TimeoutError("no free sandbox slot")
            time.sleep(0.05)

    def release(self, slot: int, f: IO[bytes]) -> None:
        with self._lock:
            fcntl.flock(f, fcntl.LOCK_UN)
            f.close()
            self._held.discard(slot)


SLOT_POOL = _Slots()


def sweep_uid(uid: int) -> None:
    """Kill every process running as `uid` (kill(-1) as that uid reaches exactly those)."""
    subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", "kill", "-9", "-1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


_PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>
_subreaper_set = False


def become_subreaper() -> None:
    """Have orphaned descendants reparented to this process rather than to pid 1 (see the module
    docstring). Once per process; where prctl is unavailable, nothing changes."""
    global _subreaper_set
    if _subreaper_set:
        return
    _subreaper_set = True
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


@dataclass(frozen=True)
class Proc:
    """One process, as /proc/<pid>/stat shows it."""

    pid: int
    uid: int
    state: str  # R, S, D, … ; Z and X are dead (a zombie waits to be reaped)
    ppid: int
    pgid: int

    @property
    def alive(self) -> bool:
        return self.state not in "ZX"


def processes(uid: int | None = None) -> Iterator[Proc]:
    """The processes on this machine (only those of `uid`, if given: others are skipped before
    their stat file is read). One that ends while we look is left out."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            owner = entry.stat().st_uid
            if uid is not None and owner != uid:
                continue
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        yield Proc(int(entry.name), owner, fields[0], int(fields[1]), int(fields[2]))


def reap_orphans(uid: int | None = None, pgid: int | None = None) -> int:
    """Reap our zombie children that ran as `uid` (or in process group `pgid`): a sandbox's
    orphans, handed to us as subreaper. Only those: other children have owners that wait for
    them (subprocess, asyncio). Returns how many were reaped."""
    if uid is None and pgid is None:
        raise ValueError("say whose orphans: a uid or a process group")
    me, reaped = os.getpid(), 0
    for p in processes(uid):
        if p.state != "Z" or p.ppid != me or (pgid is not None and p.pgid != pgid):
            continue
        try:
            os.waitpid(p.pid, os.WNOHANG)
            reaped += 1
        except ChildProcessError:
            pass
    return reaped


def uid_processes(uid: int) -> list[int]:
    """Pids of the live processes owned by `uid` (zombies are dead: only their exit status is
    left, for whoever reaps them)."""
    return [p.pid for p in processes(uid) if p.alive]


def group_processes(pgid: int) -> list[int]:
    """Pids of the live processes in process group `pgid`."""
    return [p.pid for p in processes() if p.alive and p.pgid == pgid]


def _sweep_until_gone(uid: int, timeout: float = 5.0) -> None:
    """Kill the uid's processes until none is left and reap the dead ones that are ours, so
    the next run starts from nothing (zombies count against RLIMIT_NPROC too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reap_orphans(uid=uid)
        if not uid_processes(uid):
            break
        sweep_uid(uid)
        time.sleep(0.005)
    reap_orphans(uid=uid)


# ---- the process -------------------------------------------------------------------------


class Sandbox:
    """One learner's process. Use as a context manager; every call has a deadline."""

    def __init__(self, iso: Isolation, limits: Limits) -> None:
        self.iso = iso
        self.limits = limits
        self.proc: subprocess.Popen[bytes] | None = None
        self.deadline = 0.0
        self.output = bytearray()
        self.output_bytes = 0  # everything it printed, kept or not
        self.killed_for: str | None = None
        self.leftover = 0  # processes of the run still alive after clean-up (should be 0)
        self.ready = False  # the stub said it is up (interpreter and numpy loaded)
        self._slot: tuple[int, IO[bytes]] | None = None
        self._uid: int | None = None
        self._workdir: str | None = None
        self._req_w = self._resp_r = -1
        self._drain: threading.Thread | None = None
        self._buf = b""

    # -- life cycle --

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        if self.iso.level == "unavailable":
            raise OSError("the sandbox is not set up; run scripts/setup-sandbox.sh as root")
        self.deadline = time.monotonic() + self.limits.wall_seconds
        become_subreaper()
        if self.iso.uid_drop:
            self._slot = SLOT_POOL.acquire()
            self._uid = self.iso.uid_base + self._slot[0]
            _sweep_until_gone(self._uid)  # leftovers from a grader that crashed
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        cmd, cwd = self._command(req_r, resp_w)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": cwd or "/"}
        env |= dict.fromkeys(THREAD_VARS, "1")
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=out_w,
                pass_fds=(req_r, resp_w),
                cwd=cwd,
                env=env,
                process_group=0,
            )
        finally:
            for fd in (req_r, resp_w, out_w):
                os.close(fd)
        os.set_blocking(req_w, False)  # a stuck learner must not block our writes
        self._req_w, self._resp_r = req_w, resp_r
        self._drain = threading.Thread(target=self._drain_output, args=(out_r,), daemon=True)
        self._drain.start()

    def _command(self, req_fd: int, resp_fd: int) -> tuple[list[str], str | None]:
        iso, lim = self.iso, self.limits
        cmd: list[str] = []
        cwd: str | None = None
        if iso.level == "rlimits":
            # a throwaway folder as the working dir (the bwrap level has a tmpfs instead)
            self._workdir = tempfile.mkdtemp(prefix="dltutor-grade-")
            if self._uid is not None:
                os.chown(self._workdir, self._uid, self._uid)
            cwd = self._workdir
            if iso.unshare:
                cmd += [iso.unshare, "--net", "--"]
        if self._uid is not None:
            cmd += ["setpriv", f"--reuid={self._uid}", f"--regid={self._uid}", "--clear-groups"]
            cmd += ["--"]
        # not root: RLIMIT_NPROC counts all our processes, so allow for the ones already there
        extra = 0 if self._uid is not None else _count_own_processes()
        cmd += ["prlimit", *lim.prlimit_args(extra), "--"]
        if iso.level == "bwrap" and iso.bwrap:
            cmd += [iso.bwrap, *bwrap_args(iso.python, iso.binds, lim.work_mb, lim.tmp_mb)]
        cmd += [iso.python, "-I", "-c", stub_source(), str(req_fd), str(resp_fd)]
        return cmd, cwd

    def close(self) -> None:
        """End the run, kill everything it started, release its uid. Safe to call twice."""
        if self.proc is not None:
            if self._req_w >= 0 and not self._exited():
                # Politely first: EOF on its request pipe ends the stub, bwrap's init then
                # takes the whole pid namespace down with it and no zombie is left to init.
                os.close(self._req_w)
                self._req_w = -1
                end = time.monotonic() + 0.5
                while not self._exited() and time.monotonic() < end:
                    time.sleep(0.005)
            pgid = self.proc.pid
            self.close_process()
            if self._uid is not None:
                _sweep_until_gone(self._uid)
                self.leftover = len(uid_processes(self._uid))  # checked while the uid is ours
            else:
                reap_orphans(pgid=pgid)
                self.leftover = len(group_processes(pgid))
        for fd in (self._req_w, self._resp_r):
            if fd >= 0:
                os.close(fd)
        self._req_w = self._resp_r = -1
        if self._drain is not None:
            self._drain.join(timeout=5)
            self._drain = None
        if self._workdir:
            _remove_tree(self._workdir)
            self._workdir = None
        if self._slot is not None:
            SLOT_POOL.release(*self._slot)
            self._slot = None
        self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and not self._exited()

    def _exited(self) -> bool:
        """Whether our child has exited, without reaping it (its pid stays ours to signal)."""
        if self.proc is None or self.proc.returncode is not None:
            return True
        try:
            info = os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return info is not None

    def close_process(self) -> None:
        """Kill the process group (before reaping its leader, so the pgid is still ours)."""
        if self.proc is None:
            return
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    # -- output --

    def _drain_output(self, fd: int) -> None:
        cap = self.limits.output_kb * 1024
        try:
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return
                self.output_bytes += len(chunk)
                room = cap - len(self.output)
                if room > 0:
                    self.output += chunk[:room]
        finally:
            os.close(fd)

    def output_text(self) -> str:
        text = self.output.decode("utf-8", errors="replace")
        if self.output_bytes > len(self.output):
            text += f"\n… ({self.output_bytes - len(self.output)} more bytes not kept)"
        return text

    # -- requests --

    def wait_ready(self) -> None:
        """Wait for the stub's first frame: the interpreter and numpy are loaded."""
        if not self.ready:
            if self._receive().get("event") != "ready":
                self._protocol_error("no ready signal")
            self.ready = True

    def request(self, msg: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one request and wait for its reply, within what is left of the wall time and,
        with `timeout`, within that many seconds: past them the run is killed and
        `SandboxDied("time_limit", "<seconds>")` says so."""
        self.wait_ready()
        whole = self.deadline
        own = whole if timeout is None else min(whole, time.monotonic() + timeout)
        self.deadline = own
        try:
            self._send(stub.frame(msg))
            reply = self._receive()
        except SandboxDied as d:
            if d.reason == "wall" and timeout is not None and own < whole:
                self.killed_for = "time_limit"
                raise SandboxDied("time_limit", f"{timeout:g}") from None
            raise
        finally:
            self.deadline = whole
        if reply.get("event") == "cpu_limit":  # sent by the stub's SIGXCPU handler
            self.killed_for = "cpu"
            self.close_process()
            raise SandboxDied("cpu")
        return reply

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            self._wait(self._req_w, writable=True)
            try:
                n = os.write(self._req_w, view[: 1 << 16])
            except BlockingIOError:
                continue  # the pipe filled up between select and write
            except BrokenPipeError:
                self._died()
            view = view[n:]

    def _receive(self) -> dict[str, Any]:
        while True:
            if len(self._buf) >= 4:
                (n,) = struct.unpack(">I", self._buf[:4])
                if n > stub.MAX_FRAME:
                    self._protocol_error("frame too large")
                if len(self._buf) >= 4 + n:
                    body, self._buf = self._buf[4 : 4 + n], self._buf[4 + n :]
                    try:
                        msg = _loads(body)
                    except ValueError:
                        self._protocol_error("bad frame")
                    if not isinstance(msg, dict):
                        self._protocol_error("bad frame")
                    return msg
            self._wait(self._resp_r, writable=False)
            chunk = os.read(self._resp_r, 1 << 20)
            if not chunk:
                self._died()
            self._buf += chunk

    def _wait(self, fd: int, writable: bool) -> None:
        """Wait until `fd` is ready. Checks the process too: children that inherited the pipe
        would otherwise hide its death until the deadline."""
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                break
            rlist, wlist = ([], [fd]) if writable else ([fd], [])
            r, w, _ = select.select(rlist, wlist, [], min(left, 0.25))
            if r or w:
                return
            if self._exited():
                self._died()
        self.killed_for = "wall"
        self.close_process()
        raise SandboxDied("wall")

    def _died(self) -> NoReturn:
        """The stub closed its end or exited: find out why, and raise."""
        end = time.monotonic() + 1.0
        while not self._exited() and time.monotonic() < end:
            time.sleep(0.005)
        self.close_process()
        rc = self.proc.returncode if self.proc is not None else None
        if self.killed_for == "cpu" or rc in (stub.CPU_LIMIT_EXIT, -signal.SIGXCPU, 128 + 24):
            raise SandboxDied("cpu")
        if rc in (-signal.SIGKILL, 128 + signal.SIGKILL):
            raise SandboxDied("exited", "killed by SIGKILL: the hard CPU limit, or the code itself")
        raise SandboxDied("exited", f"exit status {rc}")

    def _protocol_error(self, what: str) -> NoReturn:
        self.close_process()
        raise SandboxDied("protocol", what)


def _loads(body: bytes) -> Any:
    import json

    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as e:
        raise ValueError(str(e)) from e


def _count_own_processes() -> int:
    return sum(1 for _ in processes(os.getuid())) + 64  # threads count too; leave room for ours


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
