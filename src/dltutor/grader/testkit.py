"""What hidden tests are written with: `Check`, handed to every `test_*` function in tests.py.

Tests run in the trusted process. `t.call("dot", a, b)` sends the arguments into the sandbox,
calls the learner's function there and returns what came back, decoded as plain data (numbers,
strings, lists, tuples, dicts, numpy arrays, or `Opaque` for anything else). Every comparison
(`t.close`, `t.equal`, ...) happens here, on our own values: the learner's objects never reach
this process, so no `__eq__`, `__array__` or patched numpy can vouch for them.

A failed expectation raises `Failure` with a message that says what was called, what was
expected in words and what came back; never the test's source. A passing test may `note` what it
measured (a project's accuracy), which becomes its message.
"""

from __future__ import annotations

import math
import time
from types import ModuleType
from typing import Any

import numpy as np

from dltutor.grader import stub
from dltutor.grader.limits import Limits
from dltutor.grader.messages import msg, pick
from dltutor.grader.sandbox import Sandbox, SandboxDied

Words = str | tuple[str, str] | None  # a test's wording: shared, or (en, zh)


class Failure(Exception):
    """A test failed; `message` is for the learner. `error` names a broken limit, if any."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error = error


class FnArg:
    """A function passed to the learner's code, as an expression over `np` and `math`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._fn = stub.make_function(source)

    def __call__(self, *args: Any) -> Any:
        return self._fn(*args)

    def __repr__(self) -> str:
        return self.source


class RngArg:
    """`np.random.default_rng(seed)`, built fresh inside the sandbox and here on demand."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def make(self) -> np.random.Generator:
        return np.random.default_rng(self.seed)

    def __repr__(self) -> str:
        return f"np.random.default_rng({self.seed})"


class KeptRef:
    """Part of what an earlier call returned, left in the sandbox and passed back as it was
    (e.g. the opaque cache of a forward pass, which may hold anything)."""

    def __init__(self, handle: int, path: tuple[Any, ...], label: str) -> None:
        self.handle = handle
        self.path = path
        self.label = label

    def __repr__(self) -> str:
        return self.label


def raised_of(reply: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A reply's exception description and its class names (mro), checked to be well-formed."""
    raised = reply.get("raised")
    info: dict[str, Any] = raised if isinstance(raised, dict) else {}
    mro = info.get("mro")
    return info, [str(m) for m in mro] if isinstance(mro, list) else []


def to_wire(x: Any) -> Any:
    if isinstance(x, FnArg):
        return {"$fn": x.source}
    if isinstance(x, RngArg):
        return {"$rng": x.seed}
    if isinstance(x, KeptRef):
        return {"$ref": [x.handle, list(x.path)]}
    return stub.encode(x)


# ---- describing values -------------------------------------------------------------------


def fmt_number(x: Any) -> str:
    if isinstance(x, bool | np.bool_):
        return str(bool(x))
    if isinstance(x, int | np.integer):
        return str(int(x))
    v = float(x)
    if math.isnan(v) or math.isinf(v):
        return repr(v)
    text = f"{v:.6g}"
    return text if any(c in text for c in ".en") else text + ".0"  # 32.0, not 32


def fmt_array(a: np.ndarray, limit: int = 24) -> str:
    """Small arrays as nested lists of short numbers: [[1.0, 2.5], [3.0, -4.0]]."""
    if a.ndim == 0:
        return fmt_number(a[()])
    if a.size > limit:
        return "…"
    return "[" + ", ".join(fmt_array(row, limit) for row in a) + "]"


def describe(x: Any, lang: str, limit: int = 24) -> str:
    """A short description of a value for a message."""
    if isinstance(x, stub.Opaque):
        return msg("an_object", lang, type=x.type_name, repr=x.text[:80])
    if x is None or isinstance(x, bool | str):
        return repr(x)
    if isinstance(x, int | float | np.generic):
        return fmt_number(x)
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return fmt_number(x[()])
        shape = tuple(int(n) for n in x.shape)
        if x.size > limit:
            return msg("an_array", lang, shape=shape) + f" ({x.dtype})"
        return msg("array_of", lang, shape=shape, values=fmt_array(x, limit))
    if isinstance(x, FnArg | RngArg | KeptRef):
        return repr(x)
    if isinstance(x, list | tuple):
        if len(x) > 12:
            return msg("a_list_of", lang, n=len(x))
        inner = ", ".join(describe(v, lang, 8) for v in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    if isinstance(x, dict):
        return msg("a_dict_keys", lang, keys=sorted(map(str, x)))
    return type(x).__name__


def describe_arg(x: Any) -> str:
    """An argument as it appears in a call: small values in full, large arrays by shape."""
    if isinstance(x, np.ndarray) and x.ndim > 0:
        if x.size <= 12:
            return f"np.array({fmt_array(x)})"
        return f"<array shape={tuple(int(n) for n in x.shape)} dtype={x.dtype}>"
    if isinstance(x, list) and len(x) > 12:
        return f"<list of {len(x)}>"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {describe_arg(v)}" for k, v in x.items()) + "}"
    if isinstance(x, float | np.floating):
        return fmt_number(x)
    return repr(x) if not isinstance(x, list | tuple) else _seq_arg(x)


def _seq_arg(x: list[Any] | tuple[Any, ...]) -> str:
    inner = ", ".join(describe_arg(v) for v in x)
    return f"({inner}{',' if len(x) == 1 else ''})" if isinstance(x, tuple) else f"[{inner}]"


def as_float_array(x: Any) -> np.ndarray | None:
    """Our decoded value as a float array, or None when it is not numeric data."""
    if isinstance(x, stub.Opaque | str | dict) or x is None:
        return None
    try:
        a = np.asarray(x)
    except (ValueError, TypeError):
        return None
    if a.dtype.kind not in "biuf":
        return None
    return a.astype(np.float64)


def plain(x: Any) -> Any:
    """Our decoded value in comparable form: tuples as lists, arrays as lists, numbers as float
    or int. Only ever applied to data we decoded ourselves."""
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {
            plain(k) if not isinstance(k, list | tuple) else tuple(plain(k)): plain(v)
            for k, v in x.items()
        }
    if isinstance(x, np.generic):
        return x.item()
    return x


# ---- the test context --------------------------------------------------------------------


class Check:
    """The hidden tests' view of one submission. Methods raise `Failure` when something's off."""

    def __init__(
        self,
        sandbox: Sandbox,
        ref: ModuleType,
        lang: str,
        params: dict[str, list[str]],
        limits: Limits | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.ref = ref  # the reference solution, loaded here (trusted)
        self.lang = lang
        self.params = params  # function name -> parameter names, for messages
        self.limits = limits or Limits()
        self.last_call = ""
        self.last_warnings: list[str] = []  # warnings the last call issued (e.g. overflow)
        self.learner_seconds = 0.0
        self.state: dict[str, Any] = {}  # what a test leaves for later ones (a trained model)
        self.notes = ""  # what the current test measured; its message if it passes
        self.metrics: dict[str, float] = {}  # figures for GradeResult.metrics
        self._next_id = 1

    # -- building arguments --

    def fn(self, source: str) -> FnArg:
        return FnArg(source)

    def rng(self, seed: int) -> RngArg:
        return RngArg(seed)

    # -- calling the learner's code --

    def _request(
        self,
        fn: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        keep: bool = False,
        timeout: float | None = None,
        shown: str | None = None,
    ) -> dict[str, Any]:
        parts = [describe_arg(a) for a in args] + [
            f"{k}={describe_arg(v)}" for k, v in kwargs.items()
        ]
        self.last_call = shown or f"{fn}({', '.join(parts)})"
        call_id = self._next_id
        self._next_id += 1
        reply = self.sandbox.request(
            {
                "op": "call",
                "id": call_id,
                "fn": fn,
                "args": [to_wire(a) for a in args],
                "kwargs": {k: to_wire(v) for k, v in kwargs.items()},
                "keep": keep,
            },
            timeout=timeout,
        )
        if reply.get("id") != call_id or not isinstance(reply.get("ok"), bool):
            self.sandbox.close_process()
            raise SandboxDied("protocol", "unexpected reply")
        seconds = reply.get("seconds")
        if isinstance(seconds, int | float) and 0 <= seconds < 1e6:
            self.learner_seconds += float(seconds)
        return reply

    def call(self, fn: str, *args: Any, **kwargs: Any) -> Any:
        """Call the learner's `fn`; return what it returned, or fail with what it raised."""
        return self._call(fn, args, kwargs, keep=False)

    def call_keep(self, fn: str, *args: Any, **kwargs: Any) -> tuple[Any, int]:
        """Like `call`, and the returned value also stays in the sandbox: `t.kept(handle, 1)`
        passes its element 1 to a later call exactly as the learner's code made it."""
        value = self._call(fn, args, kwargs, keep=True)
        return value, self._next_id - 1

    def kept(self, handle: int, *path: Any, label: str = "") -> KeptRef:
        """A reference to (part of) what call `handle` returned; `label` names it in messages."""
        return KeptRef(handle, path, label or f"<what call #{handle} returned>")

    def call_timed(
        self, seconds: float | None, fn: str, *args: Any, **kwargs: Any
    ) -> tuple[Any, int, float]:
        """Like `call_keep`, but the call gets at most `seconds` (None: what is left of the wall
        time); past them the run is stopped and says so. Returns the value, the handle and the
        seconds the call took, measured here (the learner's clock cannot be trusted)."""
        start = time.perf_counter()
        value = self._call(fn, args, kwargs, keep=True, timeout=seconds)
        return value, self._next_id - 1, time.perf_counter() - start

    def forward(self, model: KeptRef, x: np.ndarray) -> Any:
        """What the learner's torch model (kept in the sandbox) outputs for the batch `x`."""
        shown = f"{model.label}({describe_arg(np.asarray(x, dtype=np.float32))})"
        return self._call("$forward", (model, x), {}, keep=False, shown=shown)

    def layers(self, model: KeptRef) -> Any:
        """A torch model's layers: {"layers": [type names], "parameters": count}; raises
        `Failure` when it is not a torch.nn.Module."""
        return self._call("$layers", (model,), {}, keep=False, shown=model.label)

    def note(self, text: Words) -> None:
        """Say what the current test measured; a passing test shows it as its message."""
        said = pick(text, self.lang)
        sep = "; " if self.lang == "en" else "；"
        self.notes = f"{self.notes}{sep}{said}" if self.notes else said

    def metric(self, name: str, value: float) -> None:
        self.metrics[name] = float(value)

    def _call(
        self,
        fn: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        keep: bool,
        timeout: float | None = None,
        shown: str | None = None,
    ) -> Any:
        reply = self._request(fn, args, kwargs, keep, timeout, shown)
        if not reply["ok"]:
            self._fail_raised(reply)
        self._check_unmodified(fn, reply.get("modified"), len(args))
        said = reply.get("warnings")
        self.last_warnings = [str(w)[:200] for w in said] if isinstance(said, list) else []
        try:
            return stub.decode(reply.get("value"), test_inputs=False)
        except (stub.WireError, ValueError, TypeError) as e:
            self.sandbox.close_process()
            raise SandboxDied("protocol", "unreadable value") from e

    def raises(self, kind: str, why: Words, fn: str, *args: Any, **kwargs: Any) -> None:
        """Expect the learner's `fn` to raise `kind` (an exception class name, e.g. ValueError)."""
        reply = self._request(fn, args, kwargs)
        if reply["ok"]:
            self._check_unmodified(fn, reply.get("modified"), len(args))
            try:
                got = describe(stub.decode(reply.get("value"), test_inputs=False), self.lang)
            except (stub.WireError, ValueError, TypeError):
                got = "?"
            self.fail_raw(
                msg("should_raise", self.lang, kind=kind, why=pick(why, self.lang), got=got)
            )
        raised, mro = raised_of(reply)
        if kind not in mro:
            if "MemoryError" in mro:
                self._fail_raised(reply)
            self.fail_raw(
                msg(
                    "wrong_exception",
                    self.lang,
                    kind=kind,
                    why=pick(why, self.lang),
                    exc=_exc(str(raised.get("type", "?"))[:80], raised.get("message")),
                )
            )

    def _fail_raised(self, reply: dict[str, Any]) -> None:
        raised, mro = raised_of(reply)
        kind = str(raised.get("type", "?"))[:80]
        text = msg("raised", self.lang, exc=_exc(kind, raised.get("message")))
        tb = str(raised.get("traceback", ""))[-1500:].rstrip()
        if tb:
            text += "\n" + tb
        error = None
        if "MemoryError" in mro:
            error = "memory"
        self.fail_raw(text, error=error)

    def _check_unmodified(self, fn: str, modified: Any, n_args: int) -> None:
        if not modified:
            return
        names = self.params.get(fn, [])
        shown = []
        for m in modified if isinstance(modified, list) else []:
            if isinstance(m, int) and 0 <= m < n_args:
                shown.append(names[m] if m < len(names) else f"#{m + 1}")
            elif isinstance(m, str):
                shown.append(m[:40])
        self.fail_raw(msg("modified", self.lang, names=", ".join(f"`{s}`" for s in shown) or "?"))

    # -- expectations --

    def fail_raw(self, text: str, error: str | None = None) -> None:
        head = msg("called", self.lang, call=self.last_call) if self.last_call else ""
        sep = "" if self.lang == "zh" else " "
        raise Failure(f"{head}{sep}{text}".strip(), error)

    def fail(self, expected: Words, got: Any) -> None:
        """Fail with 'Expected <words>. Got <value>.'"""
        self.fail_raw(
            msg(
                "expected_got",
                self.lang,
                expected=pick(expected, self.lang),
                got=describe(got, self.lang),
            )
        )

    def expect(self, ok: bool, expected: Words, got: Any) -> None:
        if not ok:
            self.fail(expected, got)

    def _expected(self, why: Words, value: str) -> str:
        w = pick(why, self.lang)
        return msg("expected_why", self.lang, why=w, value=value) if w else value

    def close(
        self,
        got: Any,
        expected: Any,
        why: Words = None,
        *,
        rtol: float = 1e-5,
        atol: float = 1e-6,
    ) -> None:
        """`got` must have `expected`'s shape and be allclose to it (finite where it is)."""
        exp = np.asarray(expected, dtype=np.float64)
        g = as_float_array(got)
        if exp.ndim == 0:
            want = self._expected(why, fmt_number(exp[()]))
            if g is None or g.ndim != 0:
                self.fail(_also(want, msg("a_number", self.lang), self.lang), got)
        else:
            shape = tuple(int(n) for n in exp.shape)
            small = exp.size <= 24
            what = (
                msg("array_of", self.lang, shape=shape, values=fmt_array(exp))
                if small
                else msg("an_array", self.lang, shape=shape)
            )
            want = self._expected(why, what)
            if g is None or g.shape != exp.shape:
                self.fail(want, got)
        assert g is not None
        if np.allclose(g, exp, rtol=rtol, atol=atol, equal_nan=False):
            return
        text = msg("expected_got", self.lang, expected=want, got=describe(got, self.lang))
        if exp.ndim > 0:
            with np.errstate(invalid="ignore"):
                diff = np.abs(g - exp)
            diff = np.where(np.isnan(diff), np.inf, diff)
            idx = np.unravel_index(int(np.argmax(diff)), exp.shape)
            text += " " + msg(
                "worst",
                self.lang,
                index=tuple(int(i) for i in idx),
                expected=fmt_number(exp[idx]),
                got=fmt_number(g[idx]),
            )
        self.fail_raw(text)

    def equal(self, got: Any, expected: Any, why: Words = None) -> None:
        """Exact equality of plain data (tuples and lists alike, arrays as lists)."""
        if isinstance(got, stub.Opaque) or plain(got) != plain(expected):
            self.fail(self._expected(why, describe(expected, self.lang)), got)

    def unpack(self, got: Any, n: int, what: str = "") -> list[Any]:
        """A tuple/list of exactly `n` values (e.g. `(w, b)`), or fail."""
        if isinstance(got, list | tuple) and len(got) == n:
            return list(got)
        self.fail(msg("a_sequence", self.lang, n=n, what=what).strip(), got)
        raise AssertionError("unreachable")

    def array(self, got: Any, dtype_kind: str | None = None, why: Words = None) -> np.ndarray:
        """`got` as an ndarray; with `dtype_kind` ('b' bool, 'i' signed int, 'f' float...) it
        must be an actual ndarray of that kind."""
        if dtype_kind is None:
            a = as_float_array(got)
            if a is None:
                self.fail(why or msg("an_array", self.lang, shape="…"), got)
            assert a is not None
            return a
        if not isinstance(got, np.ndarray) or got.dtype.kind != dtype_kind:
            want = msg(
                "array_dtype",
                self.lang,
                dtype={"b": "bool", "i": "int", "f": "float"}.get(dtype_kind, dtype_kind),
            )
            self.fail(self._expected(why, want), _dtype_view(got))
        return got

    def no_warnings(self, why: Words = None) -> None:
        """The last call must not have issued a warning (numpy's overflow warnings included)."""
        if self.last_warnings:
            want = pick(why, self.lang) or msg("no_warning", self.lang)
            self.fail_raw(msg("warned", self.lang, expected=want, warning=self.last_warnings[0]))

    def finite(self, got: Any, why: Words = None) -> None:
        g = as_float_array(got)
        if g is None or not np.all(np.isfinite(g)):
            self.fail(self._expected(why, msg("finite", self.lang)), got)


def _exc(kind: str, message: Any) -> str:
    text = str(message or "")[:500]
    return f"{kind}: {text}" if text else kind


def _also(want: str, kind: str, lang: str) -> str:
    return f"{kind} ({want})" if lang == "en" else f"{kind}（{want}）"


def _dtype_view(got: Any) -> Any:
    if isinstance(got, np.ndarray):
        return stub.Opaque("ndarray", f"dtype={got.dtype}, shape={got.shape}")
    return got
