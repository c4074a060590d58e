"""Which isolation this machine offers the grader, found once per process by trying it.

Levels, strongest first:
- `bwrap`: bubblewrap namespaces (user, pid, network, ipc, uts, mount). The learner's process
  sees only /usr, the sandbox interpreter and two small tmpfs (/home/learner, /tmp); no network; as root
  it also runs under a dedicated unprivileged uid so RLIMIT_NPROC holds and leftovers can be
  swept.
- `rlimits`: no bwrap (or it is refused, e.g. user namespaces forbidden in a container). A
  separate process group with rlimits in a fresh temp dir; as root also a dedicated uid and,
  when `unshare` works, no network. The learner's code can read whatever that uid can read.
- `unavailable`: we are root but no interpreter an unprivileged uid can run exists (the set-up
  script was not run). Learner code is never run as root; grading reports the problem instead
  (`DLTUTOR_GRADER_ALLOW_ROOT=1` overrides, for throwaway machines only).

Settings (`dltutor.config`, documented in docs/exercise-format.md): `grader_python` (the sandbox
interpreter), `grader_isolation` (`auto`, `bwrap` or `rlimits`: force a level), `grader_uid_base`
(first of the sandbox uids, root only), `grader_allow_root` (run learner code as root when no uid
can be dropped to), `grader_slot_dir` (where the slots' lock files live).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from dltutor.config import get_settings

DEFAULT_SANDBOX_PYTHON = "/opt/dltutor/sandbox/bin/python3"
DEFAULT_UID_BASE = 61000
SLOTS = 16  # concurrent sandboxes, each with its own uid when running as root


@dataclass(frozen=True)
class Isolation:
    level: str  # "bwrap" | "rlimits" | "unavailable" (no safe way to run learner code here)
    python: str  # the interpreter the learner's code runs on
    binds: tuple[str, ...]  # host folders bound read-only besides /usr (the interpreter's)
    bwrap: str | None
    uid_drop: bool  # runs as a dedicated unprivileged uid
    uid_base: int
    network_isolated: bool
    filesystem_isolated: bool
    unshare: str | None = None  # `unshare` used for a network namespace at the rlimits level
    numpy: str | None = None
    torch: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["binds"] = list(self.binds)
        d["notes"] = list(self.notes)
        return d


def _is_root() -> bool:
    return os.geteuid() == 0


def uid_base() -> int:
    return get_settings().grader_uid_base


def slot_lock_dir() -> Path:
    """The folder of the sandbox slots' lock files, created on first use.

    A fixed place, not $TMPDIR: every grader on the machine must see the same locks, or two of
    them could run (and sweep) the same uid at once. `/run/lock` as root (a tmpfs, so a reboot
    clears it), else `/tmp`; the `grader_slot_dir` setting names another folder (tests do)."""
    named = get_settings().grader_slot_dir
    if named is not None:
        folder = named
    else:
        run_lock = Path("/run/lock")
        base = run_lock if _is_root() and run_lock.is_dir() else Path("/tmp")
        folder = base / f"dltutor-grader-slots-{os.geteuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def slot_lock_path(slot: int) -> Path:
    """The lock file of sandbox slot `slot` (0 … SLOTS-1): whoever holds its flock owns the
    slot's uid, `uid_base() + slot`."""
    return slot_lock_dir() / f"uid-{uid_base() + slot}.lock"


def _candidate_pythons() -> list[str]:
    named = get_settings().grader_python
    if named:
        return [named]
    return [DEFAULT_SANDBOX_PYTHON, "/usr/bin/python3", sys.executable]


_PROBE = (
    "import sys, numpy; print(sys.prefix); print(sys.base_prefix); print(numpy.__version__)\n"
    "try:\n import importlib.util as u; print(u.find_spec('torch') is not None)\n"
    "except Exception:\n print(False)"
)


def _probe_python(python: str) -> tuple[list[str], str, bool] | None:
    """The prefixes a Python needs bound, its numpy version and whether torch is there."""
    try:
        out = subprocess.run(
            [python, "-I", "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    lines = out.stdout.split()
    prefixes = [p for p in lines[:2] if not p.startswith("/usr")]
    # a venv's python is a symlink into its base; bind the real file's prefix as well
    real = os.path.realpath(python)
    if not real.startswith("/usr/"):
        prefixes.append(str(Path(real).parent.parent))
    return sorted(set(prefixes)), lines[2], lines[3] == "True"


def _readable_by_others(path: str) -> bool:
    """Whether an unprivileged uid can reach `path` (every parent folder world-executable)."""
    p = Path(path).resolve()
    for part in [p, *p.parents]:
        try:
            mode = part.stat().st_mode
        except OSError:
            return False
        if part != p and not mode & 0o001:
            return False
    return bool(p.stat().st_mode & 0o004) or p.is_dir()


def hidden_paths() -> list[str]:
    """Folders the learner must never see: dltutor's package (the hidden tests live in it) and
    its data dir. Normally outside every bound folder; masked with an empty tmpfs if dltutor was
    installed under /usr (e.g. a system-wide pip install) or the data dir lies there."""
    import dltutor

    return [str(Path(dltutor.__file__).resolve().parent), str(get_settings().home.resolve())]


WORK_DIR = "/home/learner"  # the learner's working dir inside the sandbox (a small tmpfs)


def bwrap_args(iso_python: str, binds: tuple[str, ...], work_mb: int, tmp_mb: int) -> list[str]:
    """The bubblewrap options that build the sandbox's filesystem and namespaces. Mounts apply
    in order: the tmpfs first, so that no bind below them is hidden, then the binds, then empty
    tmpfs over anything of dltutor's that a bind would otherwise show."""
    args = [
        "--size", str(tmp_mb * 1024 * 1024), "--tmpfs", "/tmp",
        "--size", str(work_mb * 1024 * 1024), "--tmpfs", WORK_DIR,
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
    ]  # fmt: skip
    for b in binds:
        args += ["--ro-bind", b, b]
    bound = ("/usr", *binds)
    for h in hidden_paths():
        if any(h == b or h.startswith(b.rstrip("/") + "/") for b in bound) and os.path.isdir(h):
            args += ["--size", "4096", "--tmpfs", h]
    args += [
        "--proc", "/proc",
        "--dev", "/dev",
        "--chdir", WORK_DIR,
        "--unshare-all", "--unshare-user", "--disable-userns",
        "--hostname", "sandbox",
        "--cap-drop", "ALL",
        "--die-with-parent", "--new-session",
        "--clearenv",
        "--setenv", "PATH", "/usr/bin:/bin",
        "--setenv", "HOME", WORK_DIR,
        "--setenv", "TMPDIR", "/tmp",
        "--setenv", "LANG", "C.UTF-8",
    ]  # fmt: skip
    for var in THREAD_VARS:
        args += ["--setenv", var, "1"]
    return args


# One thread for the BLAS libraries: threads count against RLIMIT_NPROC and would fight over
# the machine's two cores with concurrent submissions.
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _try(cmd: list[str]) -> bool:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _drop(uid: int) -> list[str]:
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]


@lru_cache(maxsize=1)
def detect() -> Isolation:
    """Find the interpreter and the strongest isolation that actually works here."""
    notes: list[str] = []
    settings = get_settings()
    forced = settings.grader_isolation
    python, probed = "", None
    for cand in _candidate_pythons():
        if os.path.exists(cand):
            probed = _probe_python(cand)
            if probed is not None:
                python = cand
                break
    if probed is None:
        python = sys.executable
        probed = ([], "?", False)
        notes.append(
            "no interpreter with numpy found for the sandbox; run scripts/setup-sandbox.sh"
        )
    binds, numpy_version, has_torch = probed
    root = _is_root()
    base = uid_base()
    uid_drop = root and shutil.which("setpriv") is not None
    if uid_drop and not all(_readable_by_others(p) for p in [python, *binds]):
        uid_drop = False
        notes.append(
            f"{python} is not readable by an unprivileged uid; run scripts/setup-sandbox.sh as root"
        )
    if not root:
        notes.append(
            "not running as root: no dedicated uid, process limits count all your processes"
        )
    bwrap = shutil.which("bwrap")
    level = "rlimits"
    if forced != "rlimits" and bwrap:
        # probe under a uid of its own, outside the pool: a grader elsewhere may be sweeping
        # the pool's uids at this very moment
        cmd = [*(_drop(base + SLOTS) if uid_drop else []), bwrap]
        cmd += bwrap_args(python, tuple(binds), 8, 8) + [python, "-I", "-c", "import numpy"]
        if _try(cmd):
            level = "bwrap"
        else:
            notes.append(
                "bwrap is installed but could not start a sandbox (user namespaces refused?)"
            )
    elif forced != "rlimits":
        notes.append("bubblewrap is not installed (apt-get install bubblewrap)")
    unshare = None
    if level == "rlimits" and root and shutil.which("unshare"):
        if _try(["unshare", "--net", "--", "true"]):
            unshare = shutil.which("unshare")
    if forced == "bwrap" and level != "bwrap":
        notes.append("DLTUTOR_GRADER_ISOLATION=bwrap was asked for but is not available")
    if root and not uid_drop and not settings.grader_allow_root:
        # Learner code as root would be free to kill the grader, fork without limit (RLIMIT_NPROC
        # does not bind root) and, at level rlimits, to touch any file: refuse instead.
        level = "unavailable"
        notes.append(
            "refusing to run learner code as root: run scripts/setup-sandbox.sh "
            "(or set DLTUTOR_GRADER_ALLOW_ROOT=1 to accept the risk)"
        )
    return Isolation(
        level=level,
        python=python,
        binds=tuple(binds),
        bwrap=bwrap if level == "bwrap" else None,
        uid_drop=uid_drop,
        uid_base=base,
        network_isolated=level == "bwrap" or unshare is not None,
        filesystem_isolated=level == "bwrap",
        unshare=unshare,
        numpy=numpy_version,
        torch=has_torch,
        notes=tuple(notes),
    )


def isolation_status() -> dict[str, Any]:
    """What `dltutor doctor` prints about the grader: the active isolation and its limits."""
    from dltutor.grader.limits import Limits

    iso = detect()
    d = iso.as_dict()
    d["strong"] = iso.level == "bwrap" and iso.uid_drop
    d["limits"] = Limits.from_settings().as_dict()
    summary = {
        "bwrap": "bubblewrap namespaces (no network, private filesystem)",
        "rlimits": "resource limits and a process group only (the learner's code can read files)",
        "unavailable": "grading disabled: no unprivileged interpreter (run scripts/setup-sandbox.sh)",
    }[iso.level]
    if iso.uid_drop:
        summary += f", unprivileged uids {iso.uid_base}-{iso.uid_base + SLOTS - 1}"
    d["summary"] = summary
    return d
