"""The part of code verification that runs *inside* the sandbox, next to the code it runs.

The grader's stub loads this file as its "learner module" (op `load`) and then calls
`__dltutor_run__` once per code block (op `call`), so blocks run one after another in one process
and share one namespace, like the cells of a notebook: an article's later blocks use what its
earlier blocks defined. Each call returns plain data (what the block printed, how it ended); the
trusted side decodes it strictly and trusts none of it beyond "this is what the block said".

It must stand alone (standard library; numpy and scikit-learn only if present): its source is
read as text and sent into the sandbox. Nothing here is a security boundary; the sandbox is.
"""

from __future__ import annotations

import builtins
import functools
import io
import linecache
import os
import sys
import time
import traceback
import types
import warnings
from typing import Any

_HERE = __file__
_MAIN: types.ModuleType | None = None  # the namespace all blocks share
_PROBES: list[str] = []  # suspicious operations seen during the current block


class _Capture:
    """What a block prints (stdout and stderr interleaved, as a terminal shows them), capped."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def add(self, s: str) -> None:
        self.total += len(s)
        room = self.cap - self.kept
        if room > 0:
            piece = s[:room]
            self.parts.append(piece)
            self.kept += len(piece)

    def text(self) -> str:
        return "".join(self.parts)


class _Tee(io.TextIOBase):
    """A stdout/stderr that keeps a copy and passes everything on to the real stream, so that if
    the process is killed (time limit) the trusted side still has the output up to that point."""

    def __init__(self, real: Any, capture: _Capture) -> None:
        self._real = real
        self._capture = capture

    def write(self, s: Any) -> int:
        s = str(s)
        self._capture.add(s)
        try:
            self._real.write(s)
            if "\n" in s:
                self._real.flush()
        except Exception:
            pass
        return len(s)

    def flush(self) -> None:
        try:
            self._real.flush()
        except Exception:
            pass

    def fileno(self) -> int:
        return int(self._real.fileno())

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True


def _install_probes() -> None:
    """Watch for operations that run without error but can only be wrong.

    - `np.argmax` over an axis of length 1 always returns 0: a model with one output cannot
      choose among classes (seed 002's chatbot does exactly this). Only the module function is
      wrapped; the ndarray method cannot be.
    - A scikit-learn `LabelEncoder` fitted again on different data: the codes of its earlier fit
      now decode to other classes (seed 002 fits one encoder on the questions, then the answers,
      then the new question). Watched from the moment a block imports scikit-learn (importing
      it here would cost every session a second).
    """
    _watch_imports()
    try:
        import numpy as np
    except ImportError:
        return
    original = np.argmax
    if getattr(original, "__dltutor_probe__", False):
        return

    def argmax(a: Any, axis: Any = None, *args: Any, **kwargs: Any) -> Any:
        try:
            arr = np.asarray(a)
            if axis is None:
                degenerate = arr.size == 1 and arr.ndim >= 1
            else:
                degenerate = arr.ndim > 0 and arr.shape[axis] == 1 and arr.size > 0
            if degenerate:
                _PROBES.append(f"argmax:{tuple(arr.shape)}:{axis}")
        except Exception:
            pass
        return original(a, axis, *args, **kwargs)

    argmax.__doc__ = original.__doc__
    argmax.__name__ = "argmax"
    argmax.__dltutor_probe__ = True  # type: ignore[attr-defined]
    np.argmax = argmax


# module -> what to do to it once it is imported (and has the named class): see _watch_imports
_ON_IMPORT: dict[str, tuple[str, Any]] = {}


def _watch_imports() -> None:
    """Patch classes of libraries the code may import, right after they are imported: wrap
    `builtins.__import__` to check, after each import, whether a watched module has arrived.
    Once all have, the wrapper costs one empty-dict test per import."""
    if getattr(builtins.__import__, "__dltutor_probe__", False):
        return
    _ON_IMPORT["sklearn.preprocessing._label"] = ("LabelEncoder", _watch_label_encoder)
    real_import = builtins.__import__

    def watching_import(*args: Any, **kwargs: Any) -> Any:
        module = real_import(*args, **kwargs)
        if _ON_IMPORT:
            for name, (cls_name, patch) in list(_ON_IMPORT.items()):
                cls = getattr(sys.modules.get(name), cls_name, None)
                if isinstance(cls, type):  # the module has run far enough to define it
                    del _ON_IMPORT[name]
                    try:
                        patch(cls)
                    except Exception:
                        pass
        return module

    watching_import.__dltutor_probe__ = True  # type: ignore[attr-defined]
    builtins.__import__ = watching_import


def _classes(encoder: Any) -> tuple[Any, ...] | None:
    classes = getattr(encoder, "__dict__", {}).get("classes_")
    try:
        return None if classes is None else tuple(classes.tolist())
    except Exception:
        return None


def _watch_label_encoder(cls: type) -> None:
    """Record a refit of a fitted LabelEncoder on data with other classes."""
    for method in ("fit", "fit_transform"):
        original = cls.__dict__.get(method)
        if original is None:
            continue

        def wrapper(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            before = _classes(self)
            out = _original(self, *args, **kwargs)
            after = _classes(self)
            if before is not None and after is not None and before != after:
                _PROBES.append(f"labelencoder_refit:{len(before)}:{len(after)}")
            return out

        setattr(cls, method, functools.wraps(original)(wrapper))


def _limit_framework_threads() -> None:
    """TensorFlow sizes its two thread pools by the machine's cores, and every thread counts
    against the sandbox's RLIMIT_NPROC: hold each to one thread, as the BLAS libraries are
    (grader.isolation.THREAD_VARS), and keep its informational start-up lines out of the
    output. Read by TensorFlow when it creates its runtime, so setting them here is in time."""
    for var, value in (
        ("TF_NUM_INTRAOP_THREADS", "1"),
        ("TF_NUM_INTEROP_THREADS", "1"),
        ("TF_CPP_MIN_LOG_LEVEL", "1"),
    ):
        os.environ.setdefault(var, value)


def _main_module() -> types.ModuleType:
    global _MAIN
    if _MAIN is None:
        _MAIN = types.ModuleType("__main__")
        _MAIN.__dict__["__builtins__"] = __builtins__
        sys.modules["__main__"] = _MAIN  # pickling, dataclasses and typing look it up here
        _limit_framework_threads()
        _install_probes()
    return _MAIN


def _show_warning(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _traceback(e: BaseException) -> str:
    """The traceback as Python prints it, without this file's frames: the runner's own, at the
    top, and the import watcher's (_watch_imports), in the middle of an import that failed."""
    te = traceback.TracebackException(type(e), e, e.__traceback__)
    seen: set[int] = set()
    todo = [te]
    while todo:  # the exception and those chained to it
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        t.stack = traceback.StackSummary.from_list([f for f in t.stack if f.filename != _HERE])
        todo += [c for c in (t.__cause__, t.__context__) if c is not None]
    return "".join(te.format())


def _safe_str(e: BaseException) -> str:
    try:
        return str(e)
    except BaseException:
        return "(str failed)"


def _line_of(e: BaseException, name: str) -> int:
    """The line of the block where it failed (0 when unknown)."""
    if isinstance(e, SyntaxError) and e.filename == name:
        return int(e.lineno or 0)
    line, tb = 0, e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def __dltutor_run__(source: str, name: str, cap: int, marker: str = "") -> dict[str, Any]:
    """Run one block in the shared namespace; report how it ended and what it printed.

    `marker` is written to the real stdout first: if the process is killed during the block, the
    trusted side finds this block's output after it."""
    main = _main_module()
    try:
        sys.stdout.write(marker)
        sys.stdout.flush()
    except Exception:
        pass
    capture = _Capture(int(cap))
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(real_out, capture), _Tee(real_err, capture)
    del _PROBES[:]
    # Python caches source lines by file name: register the block so tracebacks show its lines.
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    result: dict[str, Any] = {"ok": True, "exit": 0, "error_type": None, "error_message": ""}
    result["mro"] = []
    result["traceback"] = ""
    result["line"] = 0
    start = time.perf_counter()
    try:
        # The stub records warnings during calls; show them as Python would, in the output.
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            exec(compile(source, name, "exec"), main.__dict__)
    except SystemExit as e:
        code = e.code
        if code is None or code == 0:
            pass
        else:
            result.update(ok=False, error_type="SystemExit", mro=["SystemExit"])
            if isinstance(code, int):
                result["exit"] = code
            else:
                result["exit"] = 1
                capture.add(f"{code}\n")
            result["error_message"] = str(code)[:1000]
    except BaseException as e:  # everything the block raised, KeyboardInterrupt included
        try:
            text = _traceback(e)
        except BaseException:
            text = f"{type(e).__name__}: (the traceback could not be formatted)\n"
        capture.add(text)
        result.update(ok=False, exit=1, error_type=type(e).__name__)
        result["mro"] = [c.__name__ for c in type(e).__mro__][:20]
        message = e.msg if isinstance(e, SyntaxError) else _safe_str(e)
        result["error_message"] = str(message)[:1000]
        result["traceback"] = text[-4000:]
        try:
            result["line"] = _line_of(e, name)
        except BaseException:
            pass
    finally:
        seconds = time.perf_counter() - start
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        sys.stdout, sys.stderr = real_out, real_err
    result["seconds"] = seconds
    result["output"] = capture.text()
    result["output_total"] = capture.total
    result["probes"] = list(_PROBES[:10])
    return result
