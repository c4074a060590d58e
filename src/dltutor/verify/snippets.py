"""Run Python snippets in the grader's sandbox and say, in words, how each run ended.

A `CodeSession` is one sandboxed process (the grader's `Sandbox`: same isolation, rlimits,
dedicated uid, output cap and clean-up; see `dltutor.grader`'s threat model). The grader's stub
loads `inside.py` as its module, and each block is one call into it, so blocks share one
namespace in order, like notebook cells. Every block gets its own wall-clock deadline; CPU time
is limited for the session as a whole. When a block kills the process (time limit, crash,
`os._exit`), the next block gets a fresh sandbox in which the blocks that had run cleanly are
replayed first, quietly, so the article's state is back.

What "ok" means here: the block ran to its end without raising, inside the limits. Code that
runs but is wrong is caught only by its own `assert`s (prompts ask for them; `checks` counts
them) and by probes for operations that can only be wrong (`inside._install_probes`).
"""

from __future__ import annotations

import ast
import re
import secrets
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from dltutor.grader import stub
from dltutor.grader.isolation import detect
from dltutor.grader.limits import Limits
from dltutor.grader.sandbox import Sandbox, SandboxDied
from dltutor.verify.text import both

BLOCK_OUTPUT_CHARS = 16_000  # what one block's output may keep (shown under the block)
SESSION_CPU_FACTOR = 3  # a session's CPU budget: this many times the grader's per-run limit
MAX_SESSIONS = 8  # sandboxes for code verification at once, in this process
_SESSIONS = threading.BoundedSemaphore(MAX_SESSIONS)

# kind -> a code run's end: "ok", "error" (raised), "exit" (nonzero exit status), "timeout",
# "cpu", "memory", "crashed", "interfered", "suspicious" (a probe fired), "start", "busy"
NOT_RUN_KINDS = ("start", "busy")


def session_limits(**overrides: Any) -> Limits:
    """The grader's limits from settings; `wall_seconds` is per block, CPU for the session."""
    base = Limits.from_settings()
    base = base.with_overrides(cpu_seconds=base.cpu_seconds * SESSION_CPU_FACTOR, output_kb=256)
    return base.with_overrides(**overrides)


# A session whose code imports TensorFlow/Keras gets at least these limits (the rest keep the
# grader's). Measured in the sandbox (docs/seed-002.md): after `import tensorflow` the process
# has reserved 1.1 GB of address space, 1.4 GB once seed 002's small Keras model is built, so
# the grader's 1 GB RLIMIT_AS kills it (SIGABRT while TensorFlow creates its thread pool); it
# runs 4 threads with its pools held to one thread each (inside.py), 8 without, and RLIMIT_NPROC
# counts threads; the import alone takes 3 s of CPU and, on two shared cores under load, 13 to
# 20 s of wall time. Learner code can reach these floors by importing TensorFlow itself: they
# are still finite, and the isolation (namespaces, uid, no network) is the same.
FRAMEWORK_MODULES = frozenset({"tensorflow", "keras", "tf_keras"})
FRAMEWORK_FLOORS: dict[str, Any] = {
    "memory_mb": 4096,
    "processes": 32,
    "wall_seconds": 60.0,
    "cpu_seconds": 60,
}


def imported_modules(code: str) -> set[str]:
    """The top-level modules `code` imports (nothing if it does not parse)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


def limits_for(code: str, limits: Limits) -> Limits:
    """`limits`, raised to FRAMEWORK_FLOORS when `code` imports TensorFlow or Keras."""
    if not imported_modules(code) & FRAMEWORK_MODULES:
        return limits
    raised = {k: max(getattr(limits, k), v) for k, v in FRAMEWORK_FLOORS.items()}
    return limits.with_overrides(**raised)


# Distributions worth naming to a model writing code for the sandbox, as (name, shown as).
_NAMED = (
    ("numpy", "numpy"),
    ("scikit-learn", "scikit-learn"),
    ("torch", "torch"),
    ("tensorflow", "TensorFlow"),
    ("tensorflow-cpu", "TensorFlow"),
    ("keras", "Keras"),
)
_VERSIONS = (
    "import sys\nfrom importlib.metadata import version\nfor n in sys.argv[1:]:\n"
    " try: print(n, version(n))\n except Exception: pass"
)


@lru_cache(maxsize=4)
def installed_packages(python: str) -> dict[str, str]:
    """Shown name -> version of the packages of _NAMED that `python` has (read from their
    metadata: nothing is imported, so this takes a fraction of a second even with TensorFlow)."""
    try:
        out = subprocess.run(
            [python, "-I", "-c", _VERSIONS, *(n for n, _ in _NAMED)],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    shown = dict(_NAMED)
    found: dict[str, str] = {}
    for line in out.splitlines():
        name, _, version = line.partition(" ")
        if name in shown and version:
            found.setdefault(shown[name], version.split("+")[0])
    return found


def sandbox_packages() -> str:
    """What the sandbox offers besides the standard library, for messages and prompts: what is
    really installed in its interpreter, with versions (e.g. "numpy 2.4.6, scikit-learn 1.9.1,
    torch 2.13.0")."""
    iso = detect()
    found = installed_packages(iso.python)
    if "numpy" not in found:  # the probe failed: say what detect() saw
        found = {"numpy": iso.numpy or "?", **found}
        if iso.torch:
            found.setdefault("torch", "")
    return ", ".join(f"{name} {version}".strip() for name, version in found.items())


@dataclass
class RunResult:
    """How one run of one block ended. Everything printed is `output` (stdout and stderr
    interleaved as a terminal shows them, capped); `traceback` is the error part of it."""

    ok: bool
    kind: str
    exit_status: int | None  # 0 clean, 1 raised, N exit(N), negative: killed by signal N
    output: str = ""
    output_total: int = 0  # characters printed, kept or not
    traceback: str = ""
    timed_out: bool = False
    error_type: str | None = None
    error_message: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # lang -> short explanation
    line: int = 0  # the block's line where it failed, when known
    seconds: float = 0.0
    checks: int = 0  # assert statements in the code
    probes: list[str] = field(default_factory=list)
    isolation: str = ""

    @property
    def not_run(self) -> bool:
        """The sandbox itself failed: says nothing about the code."""
        return self.kind in NOT_RUN_KINDS

    def error(self, lang: str) -> str:
        return self.errors.get(lang) or self.errors.get("en", "")

    def output_text(self, lang: str) -> str:
        """The output, with a note when some of it was not kept."""
        more = self.output_total - len(self.output)
        if more > 0:
            return self.output + "\n" + both("output_cut", more=more)[lang if lang else "en"]
        return self.output

    def for_model(self, lang: str) -> str:
        """What a repair prompt says about this run: the explanation, traceback, output tail."""
        parts = [self.error(lang)]
        if self.traceback:
            parts.append(self.traceback.strip()[-2000:])
        elif self.output.strip():
            parts.append(self.output.strip()[-1500:])
        return "\n\n".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunResult:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def count_checks(code: str) -> int:
    """`assert` statements and assert-style calls (np.testing.assert_allclose, …) in `code`."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return 0
    n = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            n += 1
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            n += name.startswith("assert")
    return n


def inside_source() -> str:
    return (resources.files("dltutor.verify") / "inside.py").read_text(encoding="utf-8")


class CodeSession:
    """Blocks run one after another in one sandboxed process. Use as a context manager."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or session_limits()
        self.iso = detect()
        self._sb: Sandbox | None = None
        self._calls = 0
        self._clean: list[tuple[str, str]] = []  # (code, name) of blocks that ran cleanly
        self._held = False

    def __enter__(self) -> CodeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop()
        if self._held:
            _SESSIONS.release()
            self._held = False

    def _stop(self) -> None:
        if self._sb is not None:
            self._sb.close()
            self._sb = None

    def _start(self) -> RunResult | None:
        """Start the sandbox and load the runner; a RunResult only when that failed."""
        if not self._held:
            if not _SESSIONS.acquire(timeout=60):
                return self._result("busy", errors=both("busy"))
            self._held = True
        sb = Sandbox(self.iso, self.limits)
        try:
            sb.start()
            reply = sb.request({"op": "load", "code": inside_source(), "functions": []})
        except (OSError, TimeoutError) as e:
            sb.close()
            return self._result("start", errors=both("start", detail=str(e)[:200]))
        except SandboxDied as d:
            sb.close()
            detail = f"{d.reason} {d.detail}".strip()
            return self._result("start", errors=both("start", detail=detail))
        if reply.get("ok") is not True:
            sb.close()
            raised = reply.get("raised") or {}
            detail = f"{raised.get('type', '?')}: {str(raised.get('message', ''))[:200]}"
            return self._result("start", errors=both("start", detail=detail))
        self._sb = sb
        for code, name in self._clean:  # bring back what earlier blocks defined
            if not self._call(code, quiet=True, name=name).ok:
                break
        return None

    def run(self, code: str, name: str | None = None) -> RunResult:
        """Run one block after the blocks before it; never raises for anything the code does."""
        needed = limits_for(code, self.limits)
        if needed != self.limits:  # TensorFlow: restart with its floors, replaying clean blocks
            self.limits = needed
            self._stop()
        if self._sb is None:
            failed = self._start()
            if failed is not None:
                return failed
        name = name or f"<block {len(self._clean) + 1}>"
        res = self._call(code, name=name)
        if (res.ok or res.kind == "suspicious") and self._sb is not None:
            self._clean.append((code, name))  # suspicious: it ran to its end; a probe fired
        return res

    def _call(self, code: str, *, name: str, quiet: bool = False) -> RunResult:
        sb = self._sb
        assert sb is not None
        self._calls += 1
        marker = f"\x1edltutor-{secrets.token_hex(8)}\x1e"
        checks = count_checks(code)
        start = time.perf_counter()
        sb.deadline = time.monotonic() + self.limits.wall_seconds
        mark = len(sb.output)
        request = {"op": "call", "id": self._calls, "fn": "__dltutor_run__", "kwargs": {}}
        request["args"] = [code, name, BLOCK_OUTPUT_CHARS, marker]
        try:
            reply = sb.request(request)
        except SandboxDied as d:
            # the process has been reaped: its status says how it ended (detail is for people)
            rc = sb.proc.returncode if sb.proc is not None else None
            self._stop()  # kills what is left, joins the output reader
            seconds = time.perf_counter() - start
            output = _after_marker(bytes(sb.output), marker, mark)
            res = self._died(d, rc if rc is not None else _exit_status(d.detail), output, seconds)
            res.checks = checks
            return res
        if reply.get("id") != self._calls:  # a reply forged by an earlier block, or lost sync
            self._stop()
            return self._result(
                "interfered", errors=both("interfered", detail="reply out of order")
            )
        if reply.get("ok") is not True:
            self._stop()
            raised = reply.get("raised") or {}
            detail = f"{raised.get('type', '?')}"[:80]
            return self._result(
                "interfered", exit_status=None, errors=both("interfered", detail=detail)
            )
        try:
            value = stub.decode(reply.get("value"), test_inputs=False)
            res = self._from_value(value)
        except (stub.WireError, ValueError, TypeError, KeyError) as e:
            self._stop()
            return self._result("interfered", errors=both("interfered", detail=str(e)[:80]))
        res.checks = checks
        if quiet:
            return res
        if res.ok and res.probes:
            flag(res, probe_errors(res.probes))
        return res

    def _from_value(self, v: Any) -> RunResult:
        """The block's own report, checked field by field (it comes from the sandbox)."""
        if not isinstance(v, dict):
            raise ValueError("not a report")
        ok, exit_status = v["ok"], v["exit"]
        if type(ok) is not bool or type(exit_status) is not int:
            raise ValueError("bad report")
        text = {k: str(v.get(k) or "") for k in ("error_type", "error_message", "traceback")}
        output, total = str(v.get("output") or ""), v.get("output_total")
        seconds, line = v.get("seconds"), v.get("line")
        probes = [str(p)[:100] for p in (v.get("probes") or [])][:10]
        mro = [str(c) for c in (v.get("mro") or [])][:20]
        res = RunResult(
            ok=ok,
            kind="ok",
            exit_status=exit_status,
            output=output[:BLOCK_OUTPUT_CHARS],
            output_total=total if type(total) is int and total >= len(output) else len(output),
            traceback=text["traceback"][-4000:],
            error_type=text["error_type"][:80] or None,
            error_message=text["error_message"][:1000],
            seconds=float(seconds) if type(seconds) is float else 0.0,
            line=line if type(line) is int and line >= 0 else 0,
            probes=probes,
            isolation=self.iso.level,
        )
        if not ok:
            res.kind, res.errors = _explain(res, mro, self.limits)
        return res

    def _died(self, d: SandboxDied, status: int | None, output: str, seconds: float) -> RunResult:
        lim = self.limits
        if d.reason == "wall":
            res = self._result(
                "timeout", exit_status=-9, errors=both("timeout", wall=lim.wall_seconds)
            )
            res.timed_out = True
        elif d.reason == "cpu":
            res = self._result("cpu", exit_status=-24, errors=both("cpu", cpu=lim.cpu_seconds))
        elif d.reason == "protocol":
            res = self._result("interfered", errors=both("interfered", detail=d.detail))
        elif status == 0:  # os._exit(0): a normal end of a program, if an abrupt one
            res = self._result("ok", exit_status=0)
            res.ok = True
        elif status is not None and (status < 0 or status > 128):
            signum = -status if status < 0 else status - 128  # bwrap reports a signal as 128 + N
            res = self._result(
                "crashed", exit_status=-signum, errors=both("crashed", detail=_signal(signum))
            )
        elif status is not None:
            res = self._result("exit", exit_status=status, errors=both("exit", status=status))
        else:
            res = self._result("crashed", errors=both("crashed", detail=d.detail or "?"))
        res.output, res.output_total = output[:BLOCK_OUTPUT_CHARS], len(output)
        res.seconds = seconds
        return res

    def _result(self, kind: str, **kw: Any) -> RunResult:
        kw.setdefault("exit_status", None)
        return RunResult(ok=False, kind=kind, isolation=self.iso.level, **kw)


def probe_errors(probes: list[str]) -> dict[str, str]:
    """The explanation of each kind of probe that fired (inside._install_probes), in each
    language. Probes come from the sandbox as "<kind>:<detail>:…"; only known kinds are
    explained, each once, with its details checked."""
    texts: list[dict[str, str]] = []
    seen: set[str] = set()
    for probe in probes:
        kind, *parts = probe.split(":")
        if kind in seen:
            continue
        seen.add(kind)
        if kind == "argmax":  # "argmax:<shape>:<axis>"
            shape = parts[0] if parts and re.fullmatch(r"\([\d, ]*\)", parts[0]) else "?"
            texts.append(both("argmax_probe", shape=shape))
        elif kind == "labelencoder_refit":  # "labelencoder_refit:<classes before>:<after>"
            nums = [p for p in parts[:2] if p.isdigit()]
            before, after = (nums + ["?", "?"])[:2]
            texts.append(both("labelencoder_refit_probe", before=before, after=after))
    if not texts:
        return both("error", kind="probe", message=", ".join(probes)[:200])
    return {lang: "\n\n".join(t[lang] for t in texts) for lang in texts[0]}


def flag(res: RunResult, errors: dict[str, str]) -> None:
    """Mark a run that ended cleanly as suspicious: it ran, but it cannot be doing what it
    claims. Explanations add up when more than one check fired."""
    if res.kind == "suspicious":
        errors = {k: f"{res.errors.get(k, '')}\n\n{v}".strip() for k, v in errors.items()}
    res.ok, res.kind, res.errors = False, "suspicious", errors


def _signal(n: int) -> str:
    try:
        return f"killed by {signal.Signals(n).name}"
    except ValueError:
        return f"signal {n}"


def _exit_status(detail: str) -> int | None:
    m = re.search(r"exit status (-?\d+)", detail or "")
    return int(m.group(1)) if m else None


def _after_marker(raw: bytes, marker: str, mark: int) -> str:
    """What the process printed during this block, from the raw output it passed on.

    The block's start was marked in the output; without the marker (output cap reached), fall
    back to everything after the length seen when the block started."""
    text = raw.decode("utf-8", errors="replace")
    at = text.rfind(marker)
    if at >= 0:
        return text[at + len(marker) :]
    return raw[mark:].decode("utf-8", errors="replace")


def _explain(res: RunResult, mro: list[str], lim: Limits) -> tuple[str, dict[str, str]]:
    """(kind, short explanation in each language) for a block that raised or exited."""
    etype, message = res.error_type or "?", res.error_message
    if etype == "SystemExit":
        return "exit", both("exit", status=res.exit_status)
    if "MemoryError" in mro:
        return "memory", both("memory", memory=lim.memory_mb)
    if "ModuleNotFoundError" in mro:
        m = re.search(r"No module named '([^']+)'", message)
        module = m.group(1).split(".")[0] if m else message[:60]
        return "error", both("no_module", module=module, packages=sandbox_packages())
    if "AssertionError" in mro:
        detail = message.strip()[:300]
        return "error", {
            "en": both("assertion", message=f": {detail}" if detail else "")["en"],
            "zh": both("assertion", message=f"：{detail}" if detail else "")["zh"],
        }
    if "NameError" in mro and etype != "UnboundLocalError":
        return "error", both("name_error", message=f"{etype}: {message}"[:300])
    if "SyntaxError" in mro:
        return "error", both("syntax", line=res.line or "?", message=message[:200])
    return "error", both("error", kind=etype, message=message[:300] or "(no message)")


def run_snippet(code: str, limits: Limits | None = None) -> RunResult:
    """Run one snippet alone in a fresh sandbox."""
    with CodeSession(limits) as session:
        return session.run(code)
