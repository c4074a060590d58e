"""One adversarial test per guarantee of the sandbox (see dltutor.grader's threat model).

Every hostile submission targets ex.dot_product. After each, the grader must still answer: the
`grader_still_up` fixture grades a correct solution and expects a pass.
"""

from __future__ import annotations

import os
import socket
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dltutor.course.exercises import get_exercise
from dltutor.grader import GradeResult, grade
from dltutor.grader.isolation import detect
from dltutor.grader.sandbox import Proc, processes

ISO = detect()
STRONG = ISO.level == "bwrap"
needs_bwrap = pytest.mark.skipif(not STRONG, reason="bubblewrap sandbox not available here")
needs_uid = pytest.mark.skipif(
    not ISO.uid_drop, reason="no dedicated sandbox uid (not root, or interpreter unreadable to one)"
)
needs_netns = pytest.mark.skipif(not ISO.network_isolated, reason="no network namespace here")

# Small limits keep the suite fast; the wall clock leaves room for a busy machine.
FAST = {"cpu_seconds": 2, "wall_seconds": 10.0}

GOOD = """
def dot(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    return float(sum(x * y for x, y in zip(a, b)))
"""


def run(code: str, *, good: bool = False, **limits: object) -> GradeResult:
    """Grade `code` (dedented); with `good`, a correct `dot` follows it. Nothing the run
    started may be alive when grading returns (checked by the grader before it frees the uid)."""
    source = textwrap.dedent(code) + (GOOD if good else "")
    res = grade("ex.dot_product", source, limits={**FAST, **limits})
    assert res.leftover_processes == 0
    return res


@pytest.fixture(autouse=True)
def grader_still_up() -> Iterator[None]:
    yield
    after = grade("ex.dot_product", GOOD)
    assert after.passed, after.to_contract_json()


def test_infinite_loop_stopped_by_cpu_limit() -> None:
    t0 = time.monotonic()
    res = run("while True:\n    pass\n", cpu_seconds=1, wall_seconds=30.0)
    assert not res.passed
    assert res.error_kind == "cpu", res.error
    assert "CPU" in (res.error or "")
    assert time.monotonic() - t0 < 30.0


def test_sleeping_forever_stopped_by_wall_clock() -> None:
    res = run(
        """
        import time
        def dot(a, b):
            time.sleep(1000)
        """,
        wall_seconds=4.0,
    )
    assert not res.passed and res.error_kind == "wall"
    assert res.tests[0].passed is False and "too long" in res.tests[0].message
    assert all("Not run" in t.message for t in res.tests[1:])


@needs_uid  # without a dedicated uid RLIMIT_NPROC does not hold for root: no fork bombs here
def test_fork_loop_contained() -> None:
    res = run(
        """
        import os
        def dot(a, b):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        """,
        wall_seconds=4.0,
    )
    assert not res.passed and res.error_kind in ("cpu", "wall"), res.error


@needs_uid
def test_fork_limit_enforced() -> None:
    res = run(
        """
        import os, time
        n = 0
        try:
            for _ in range(200):
                if os.fork() == 0:
                    time.sleep(30)
                    os._exit(0)
                n += 1
        except OSError as e:
            print("FORKS", n, type(e).__name__)
        """
    )
    assert "FORKS" in res.output, res.output
    forks = int(res.output.split("FORKS")[1].split()[0])
    assert forks < 20


def test_memory_bomb() -> None:
    res = run(
        """
        def dot(a, b):
            chunks = []
            while True:
                chunks.append(bytearray(50 * 1024 * 1024))
        """,
        memory_mb=512,
        cpu_seconds=10,
        wall_seconds=30.0,
    )
    assert not res.passed and res.error_kind == "memory", res.error
    assert "memory" in (res.error or "")


def test_numpy_memory_bomb_at_import() -> None:
    res = run("import numpy as np\nx = np.ones((100_000, 100_000))\n", memory_mb=512)
    assert not res.passed and res.error_kind == "memory"


def test_huge_file_capped() -> None:
    res = run(
        """
        import os
        try:
            with open("big.bin", "wb") as f:
                for _ in range(100):
                    f.write(b"x" * (1024 * 1024))
        except OSError as e:
            print("WRITE-FAILED", e.errno, os.path.getsize("big.bin"))
        """,
        good=True,
    )
    assert "WRITE-FAILED" in res.output, res.output
    size = int(res.output.split("WRITE-FAILED")[1].split()[1])
    assert size <= 16 * 1024 * 1024
    assert res.passed  # a contained write does not stop grading


@needs_bwrap
def test_many_files_fill_only_the_small_work_dir() -> None:
    res = run(
        """
        n = 0
        try:
            for i in range(40):
                with open(f"f{i}.bin", "wb") as f:
                    f.write(b"x" * (8 * 1024 * 1024))
                n += 1
        except OSError as e:
            print("FULL", n, e.errno)
        """,
        good=True,
    )
    assert "FULL" in res.output, res.output
    assert int(res.output.split("FULL")[1].split()[0]) <= 8  # 64 MB work dir


@needs_bwrap
def test_cannot_write_outside_the_work_dir(dltutor_home: Path) -> None:
    tag = uuid.uuid4().hex
    targets = [
        dltutor_home / f"pwned-{tag}",
        Path("/tmp") / f"pwned-{tag}",
        Path(__file__).parent / f"pwned-{tag}",
        Path("/opt/dltutor/sandbox") / f"pwned-{tag}",
        Path("/usr") / f"pwned-{tag}",
    ]
    res = run(
        f"""
        for p in {[str(t) for t in targets]!r}:
            try:
                open(p, "w").write("pwned")
                print("WROTE", p)
            except OSError as e:
                print("DENIED", p, type(e).__name__)
        """,
        good=True,
    )
    for t in targets:
        assert not t.exists(), t
    assert res.passed


@needs_bwrap
def test_cannot_read_database_shadow_or_hidden_tests(dltutor_home: Path) -> None:
    secret = f"secret-{uuid.uuid4().hex}"
    db = dltutor_home / "dltutor.db"
    db.write_text(secret)
    db.chmod(0o644)  # even a world-readable database is out of reach
    hidden = get_exercise("ex.dot_product").folder / "tests.py"
    skip_walk = {"/proc", "/sys", "/usr", *ISO.binds}  # the system's own: too big to walk
    res = run(
        f"""
        import os
        SKIP_WALK = {sorted(skip_walk)!r}
        for p in [{str(db)!r}, "/etc/shadow", "/etc/passwd", {str(hidden)!r}]:
            try:
                print("READ", p, open(p).read()[:200])
            except OSError as e:
                print("DENIED", p, type(e).__name__)
        # nothing of dltutor anywhere else
        for root, dirs, files in os.walk("/"):
            if root in SKIP_WALK:
                dirs[:] = []
            for f in dirs + files:
                if f in ("dltutor.db", "dltutor-home", "ex.dot_product", "course_data", "tests.py"):
                    print("FOUND", os.path.join(root, f))
        import importlib.util
        if importlib.util.find_spec("dltutor") is not None:
            print("FOUND the dltutor package")
        for pid in os.listdir("/proc"):  # the grader's own process is in another pid namespace
            try:
                if pid.isdigit() and b"pytest" in open(f"/proc/{{pid}}/cmdline", "rb").read():
                    print("FOUND the grader's process", pid)
            except OSError:
                pass
        """,
        good=True,
    )
    assert secret not in res.output
    assert "READ" not in res.output and "FOUND" not in res.output, res.output
    assert res.output.count("DENIED") == 4


@needs_netns
def test_no_network_to_a_loopback_listener() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[object] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not done.is_set():
            try:
                accepted.append(server.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        res = run(
            f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"hi")
                print("CONNECTED")
            except OSError as e:
                print("NO-NETWORK", type(e).__name__)
            """,
            good=True,
        )
    finally:
        done.set()
        thread.join()
        server.close()
    assert accepted == []
    assert "NO-NETWORK" in res.output and "CONNECTED" not in res.output


@pytest.mark.skipif(
    not (STRONG or ISO.uid_drop),
    reason="level rlimits without a dedicated uid cannot reach processes that leave the group",
)
def test_no_process_left_behind() -> None:
    marker = f"dltutor-leftover-{uuid.uuid4().hex}"
    res = run(
        f"""
        import os, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", {marker!r}],
                         start_new_session=True)
        if os.fork() == 0:  # a classic daemon: double fork, new session
            os.setsid()
            if os.fork() == 0:
                time.sleep(300)
            os._exit(0)
        """,
        good=True,
    )
    assert res.passed, res.to_contract_json()
    time.sleep(0.2)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes()
            except OSError:
                continue
            assert marker.encode() not in cmdline
    # run() also checks that no process of the run's uid (or process group) survives


def _sandbox_uid_zombies() -> list[Proc]:
    """Zombies of the sandbox uids: dead, but counted against RLIMIT_NPROC until reaped. (Live
    processes are checked after every run through `leftover_processes`; a warm pool may keep
    live sandboxes on purpose.)"""
    uids = range(ISO.uid_base, ISO.uid_base + 16)
    return [p for p in processes() if p.uid in uids and p.state == "Z"]


@needs_uid
def test_no_zombies_pile_up_under_the_sandbox_uids() -> None:
    # bubblewrap's outer process may exit before its namespace init is reaped; the orphan must
    # be reaped by the grader, not left to a pid 1 that may never get to it (this used to fill
    # the uid's process limit after a few dozen runs: "Can't fork for pid 1")
    for _ in range(12):
        assert grade("ex.dot_product", GOOD).passed
    assert _sandbox_uid_zombies() == []


def test_fifty_megabytes_of_output_capped() -> None:
    t0 = time.monotonic()
    res = run(
        """
        import sys
        line = "x" * 1023 + "\\n"
        for _ in range(50 * 1024):
            sys.stdout.write(line)
        sys.stdout.flush()
        """,
        good=True,
    )
    assert res.passed
    assert len(res.output) < 64 * 1024 + 200
    assert "more bytes not kept" in res.output
    assert time.monotonic() - t0 < FAST["wall_seconds"]


FAKES = {
    "os_exit_at_import": "import os\nos._exit(0)\n",
    "sys_exit_at_import": "import sys\nsys.exit(0)\n",
    "os_exit_in_call": "import os\ndef dot(a, b):\n    os._exit(0)\n",
    "sys_exit_in_call": "import sys\ndef dot(a, b):\n    sys.exit(0)\n",
    "kill_parent": "import os, signal\ndef dot(a, b):\n    os.kill(os.getppid(), signal.SIGKILL)\n",
    "print_fake_json": (
        'import json\nprint(json.dumps({"exercise": "ex.dot_product", "passed": True, "tests": [],'
        ' "error": None}))\ndef dot(a, b):\n    return 0.0\n'
    ),
    "always_equal": (
        "class Eq(float):\n    def __eq__(self, o): return True\n    __ne__ = lambda s, o: False\n"
        "class Any:\n    def __eq__(self, o): return True\n    def __float__(self): return 0.0\n"
        "def dot(a, b):\n    if len(a) != len(b): raise ValueError\n"
        "    return Any() if len(a) % 2 else Eq(0.0)\n"
    ),
    "array_protocol": (
        "import numpy as np\nclass A:\n    def __array__(self, dtype=None, copy=None):\n"
        "        return np.array(0.0)\n    def __eq__(self, o): return True\n"
        "def dot(a, b):\n    if len(a) != len(b): raise ValueError\n    return A()\n"
    ),
    "patch_numpy_and_builtins": (
        "import builtins, numpy as np\nnp.allclose = np.isclose = np.array_equal = lambda *a, **k: True\n"
        "builtins.abs = lambda x: 0\nbuiltins.isinstance = lambda *a: True\n"
        "def dot(a, b):\n    if len(a) != len(b): raise ValueError\n    return 0.0\n"
    ),
    "forge_replies_on_every_fd": (
        "import os, json, struct\n"
        "def forge(i):\n    body = json.dumps({'id': i, 'ok': True, 'value': 32.0, 'modified': []}).encode()\n"
        "    return struct.pack('>I', len(body)) + body\n"
        "for fd in range(3, 20):\n    try:\n        os.write(fd, b''.join(forge(i) for i in range(100)))\n"
        "    except OSError:\n        pass\n"
        "def dot(a, b):\n    if len(a) != len(b): raise ValueError\n    return 0.0\n"
    ),
    "read_requests_and_answer_itself": (
        "import os, json, struct, sys\n"
        "def dot(a, b):\n    if len(a) != len(b): raise ValueError\n"
        "    for fd in (3, 4, 5):\n        try:\n            os.write(fd, struct.pack('>I', 2) + b'{}')\n"
        "        except OSError:\n            pass\n    return 0.0\n"
    ),
    "hunt_tests_in_memory": (
        "import gc, sys\nfound = [o for o in gc.get_objects() if isinstance(o, dict) and 'test_random_arrays' in o]\n"
        "print('HUNT', len(found), [m for m in sys.modules if 'exercise' in m])\n"
        "def dot(a, b):\n    return 0.0\n"
    ),
}


@pytest.mark.parametrize("name", sorted(FAKES))
def test_cannot_fake_a_pass(name: str) -> None:
    if name == "kill_parent" and not (STRONG or ISO.uid_drop):
        pytest.skip("level rlimits as our own uid: the learner's code could kill the test runner")
    res = run(FAKES[name])
    assert not res.passed, res.to_contract_json()
    assert not all(t.passed for t in res.tests) or res.error
    if name == "hunt_tests_in_memory":
        assert "HUNT 0 []" in res.output


def test_two_submissions_at_once_both_graded() -> None:
    results: list[GradeResult] = []
    threads = [
        threading.Thread(target=lambda: results.append(grade("ex.dot_product", GOOD)))
        for _ in range(2)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 2 and all(r.passed for r in results)
