"""The part of the grader that runs *inside* the sandbox, next to the learner's code.

Its source is handed to the sandbox interpreter with `python -I -c`, so it must stand alone:
standard library and numpy only (torch only when the learner's code imported it), nothing from
dltutor. It loads the learner's file, then serves calls from the trusted side over two pipe fds:
it decodes the arguments, calls the learner's function, and sends back what came back as plain
data. Besides the learner's functions it offers two of its own, for project exercises:
`$forward` (a model's output for a batch) and `$layers` (a model's layer types and size).

Nothing it sends is trusted. The learner's code shares this process and may rewrite any of it;
the trusted side therefore decodes strictly (`decode(..., test_inputs=False)`) and does every
comparison itself, on its own numpy arrays. The hidden tests and the expected values never
enter the sandbox.

Wire format (both directions): frames of a 4-byte big-endian length and UTF-8 JSON. Values:
JSON scalars and lists as themselves, and one-key objects for the rest —
`{"$f": "nan"|"inf"|"-inf"}`, `{"$t": [...]}` (tuple), `{"$d": [[k, v], ...]}` (dict),
`{"$a": [dtype, shape, base64]}` (numeric or bool ndarray, C order; a torch tensor travels as
one), `{"$obj": [type, repr]}` (anything else, described only). Into the sandbox only: `{"$fn": source}` (a function given
as a lambda expression over `np` and `math`) and `{"$rng": seed}` (`np.random.default_rng`).
"""

from __future__ import annotations

import base64
import json
import math
import os
import struct
import sys
import time
import warnings
from typing import Any

MAX_FRAME = 64 * 1024 * 1024  # bytes; the trusted side refuses bigger frames
MAX_DEPTH = 32
MAX_ARRAY_BYTES = 32 * 1024 * 1024
NUMERIC_KINDS = "biufc"  # bool, int, uint, float, complex
CPU_LIMIT_EXIT = 152  # exit status after SIGXCPU, so the trusted side can say "CPU time"


# Values the learner's functions returned that a later call gets back as they were (e.g. an
# opaque cache from a forward pass), by call id. Only ever filled inside the sandbox.
KEPT: dict[int, Any] = {}


class WireError(ValueError):
    """A frame or value that does not follow the wire format."""


class Opaque:
    """Something the learner returned that is not plain data: only its type and repr travel."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


# ---- encoding ------------------------------------------------------------------------------


def encode(obj: Any, depth: int = 0) -> Any:
    """Turn a value into wire data. Exact type checks, so subclasses are converted, not trusted."""
    np = sys.modules.get("numpy")
    if depth > MAX_DEPTH:
        return {"$obj": [type(obj).__name__, "(nested too deeply)"]}
    if obj is None or type(obj) in (bool, str):
        return obj
    if type(obj) is int:
        return obj
    if type(obj) is float:
        return _encode_float(obj)
    if np is not None and isinstance(obj, np.ndarray | np.generic):
        return _encode_array(np, np.asarray(obj), depth)
    torch = sys.modules.get("torch")
    if np is not None and torch is not None and _is_tensor(torch, obj):
        return _encode_tensor(np, obj, depth)
    if isinstance(obj, bool | int) and not isinstance(obj, float):
        return int(obj)
    if isinstance(obj, float):
        return _encode_float(float.__float__(obj))
    if isinstance(obj, str):
        return str.__str__(obj)
    if isinstance(obj, tuple):
        return {"$t": [encode(x, depth + 1) for x in tuple.__iter__(obj)]}
    if isinstance(obj, list):
        return [encode(x, depth + 1) for x in list.__iter__(obj)]
    if isinstance(obj, dict):
        return {"$d": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in dict.items(obj)]}
    return {"$obj": [_type_name(obj), _safe_repr(obj)]}


def _encode_float(x: float) -> Any:
    if math.isnan(x):
        return {"$f": "nan"}
    if math.isinf(x):
        return {"$f": "inf" if x > 0 else "-inf"}
    return x


def _encode_array(np: Any, arr: Any, depth: int) -> Any:
    if arr.dtype.kind in NUMERIC_KINDS:
        if arr.nbytes > MAX_ARRAY_BYTES:
            return {"$obj": ["ndarray", f"(too large: {arr.nbytes} bytes)"]}
        data = np.ascontiguousarray(arr).tobytes()
        return {"$a": [arr.dtype.str, list(arr.shape), base64.b64encode(data).decode("ascii")]}
    if arr.dtype.kind in "US" and arr.size <= 100_000:
        return encode(arr.tolist(), depth + 1)
    if arr.dtype.kind == "O" and arr.size <= 100_000:
        return {"$obj": ["ndarray", f"(dtype=object, shape={arr.shape})"]}
    return {"$obj": ["ndarray", f"(dtype={arr.dtype}, shape={arr.shape})"]}


def _is_tensor(torch: Any, obj: Any) -> bool:
    try:
        return isinstance(obj, torch.Tensor)
    except BaseException:
        return False


def _encode_tensor(np: Any, t: Any, depth: int) -> Any:
    """A torch tensor as the ndarray of its values (bfloat16 and the like as float32)."""
    try:
        t = t.detach().cpu()
        if t.is_floating_point() and t.dtype.itemsize < 4:
            t = t.float()
        arr = np.array(t.numpy())
    except BaseException:
        return {"$obj": ["Tensor", _safe_repr(t)]}
    return _encode_array(np, arr, depth)


def _type_name(obj: Any) -> str:
    try:
        return str(type(obj).__qualname__)[:80]
    except Exception:
        return "?"


def _safe_repr(obj: Any) -> str:
    try:
        return str(repr(obj))[:200]
    except BaseException:
        return "(repr failed)"


# ---- decoding ------------------------------------------------------------------------------


def decode(data: Any, test_inputs: bool, depth: int = 0) -> Any:
    """Turn wire data back into values. `test_inputs=False` (data from the sandbox) allows plain
    data only and checks every array header; `test_inputs=True` (inside the sandbox) also builds the
    functions and random generators the tests pass in."""
    if depth > MAX_DEPTH + 2:
        raise WireError("nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(x, test_inputs, depth + 1) for x in data]
    if type(data) is not dict or len(data) != 1:
        raise WireError("not a wire value")
    ((key, val),) = data.items()
    if key == "$f" and val in ("nan", "inf", "-inf"):
        return float(val)
    if key == "$t" and type(val) is list:
        return tuple(decode(x, test_inputs, depth + 1) for x in val)
    if key == "$d" and type(val) is list:
        out = {}
        for pair in val:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict entry")
            k = decode(pair[0], test_inputs, depth + 1)
            if isinstance(k, list):
                k = tuple(k)
            try:
                out[k] = decode(pair[1], test_inputs, depth + 1)
            except TypeError as e:  # unhashable key
                raise WireError("bad dict key") from e
        return out
    if key == "$a" and type(val) is list and len(val) == 3:
        return _decode_array(*val)
    if key == "$obj" and type(val) is list and len(val) == 2:
        return Opaque(str(val[0])[:80], str(val[1])[:200])
    if test_inputs and key == "$fn" and type(val) is str:
        return make_function(val)
    if test_inputs and key == "$ref" and type(val) is list and len(val) == 2:
        obj = KEPT[val[0]]  # something the learner's code returned earlier, kept here
        for step in val[1]:
            obj = obj[step]
        return obj
    if test_inputs and key == "$rng" and type(val) is int:
        import numpy as np

        return np.random.default_rng(val)
    raise WireError(f"unknown wire tag {str(key)[:20]!r}")


def _decode_array(dtype: Any, shape: Any, b64: Any) -> Any:
    import numpy as np

    if type(dtype) is not str or type(shape) is not list or type(b64) is not str:
        raise WireError("bad array header")
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise WireError("bad dtype") from e
    if dt.kind not in NUMERIC_KINDS or dt.hasobject or dt.fields is not None:
        raise WireError("array dtype not allowed")
    if len(shape) > 32 or any(type(n) is not int or n < 0 for n in shape):
        raise WireError("bad array shape")
    raw = base64.b64decode(b64, validate=True)
    if len(raw) != math.prod(shape) * dt.itemsize:
        raise WireError("array size does not match its shape")
    arr = np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    return arr


def make_function(source: str) -> Any:
    """Build a function passed in by a test: one expression over `np` and `math`."""
    import numpy as np

    return eval(source, {"np": np, "math": math, "__builtins__": __builtins__})


# ---- the stub's own functions, for project exercises ---------------------------------------


def _torch_module(model: Any) -> Any:
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(model, torch.nn.Module):
        raise TypeError(f"expected a torch.nn.Module, got {_type_name(model)}")
    return torch


def _forward(model: Any, x: Any) -> Any:
    """The model's output for the batch `x` (as float32), without gradients."""
    import numpy as np

    torch = _torch_module(model)
    with torch.no_grad():
        return model(torch.as_tensor(np.asarray(x), dtype=torch.float32))


def _layers(model: Any) -> Any:
    """The model's layer types, in order, and its number of parameters."""
    _torch_module(model)
    names = [_type_name(m) for m in model.modules()][:200]
    return {"layers": names, "parameters": sum(int(p.numel()) for p in model.parameters())}


BUILTINS: dict[str, Any] = {"$forward": _forward, "$layers": _layers}


# ---- framing -------------------------------------------------------------------------------


def frame(msg: Any) -> bytes:
    body = json.dumps(msg, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return struct.pack(">I", len(body)) + body


def _read_exact(fd: int, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def read_frame(fd: int) -> Any:
    (n,) = struct.unpack(">I", _read_exact(fd, 4))
    if n > MAX_FRAME:
        raise WireError("frame too large")
    return json.loads(_read_exact(fd, n).decode("utf-8"))


def write_frame(fd: int, msg: Any) -> None:
    data = memoryview(frame(msg))
    while data:
        n = os.write(fd, data)
        data = data[n:]


# ---- the serve loop ------------------------------------------------------------------------


def _describe_exception(e: BaseException, filename: str) -> dict[str, Any]:
    import traceback

    # only the learner's own frames, named as the learner knows the file
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == filename]
    for f in frames:
        f.filename = "solution.py"
    where = "".join(traceback.format_list(frames))
    if isinstance(e, SyntaxError):  # no frame of its own: show the offending line
        where = "".join(traceback.format_exception_only(type(e), e)[:-1])
        where = where.replace(filename, "solution.py")
    mro = [c.__name__ for c in type(e).__mro__]
    return {
        "type": _type_name(e),
        "mro": mro[:20],
        "message": _safe_str(e)[:1000],
        "traceback": where[-4000:],
    }


def _safe_str(e: BaseException) -> str:
    try:
        return str(e)
    except BaseException:
        return "(str failed)"


def _flush() -> None:
    """Push out what the learner printed: the process may be killed rather than exit."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _seed() -> None:
    """The same random state for every run, so the same code reaches the same result (torch
    seeds itself from the OS otherwise)."""
    import random

    random.seed(0)
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    try:
        if np is not None:
            np.random.seed(0)
        if torch is not None:
            torch.manual_seed(0)
    except BaseException:
        pass


def _dumps(x: Any) -> str:
    return json.dumps(x, sort_keys=True, separators=(",", ":"))


def serve(req_fd: int, resp_fd: int) -> None:
    import importlib.util
    import signal

    def on_cpu_limit(signum: int, frame_: Any) -> None:
        try:
            write_frame(resp_fd, {"event": "cpu_limit"})
        finally:
            os._exit(CPU_LIMIT_EXIT)

    signal.signal(signal.SIGXCPU, on_cpu_limit)
    import numpy  # noqa: F401  (imported before the learner's code, for the codec)

    write_frame(resp_fd, {"event": "ready"})  # a warm pool waits for this

    module: Any = None
    path = os.path.abspath("solution.py")
    while True:
        try:
            msg = read_frame(req_fd)
        except EOFError:
            return
        op = msg.get("op")
        if op == "exit":
            return
        if op == "load":
            with open(path, "w", encoding="utf-8") as f:
                f.write(msg["code"])
            try:
                spec = importlib.util.spec_from_file_location("solution", path)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                sys.modules["solution"] = module
                _seed()
                spec.loader.exec_module(module)
                _seed()  # torch, if the learner's file imported it
            except BaseException as e:  # SystemExit and KeyboardInterrupt too
                _flush()
                write_frame(resp_fd, {"ok": False, "raised": _describe_exception(e, path)})
                continue
            _flush()
            missing = [n for n in msg["functions"] if not callable(getattr(module, n, None))]
            write_frame(resp_fd, {"ok": True, "missing": missing})
        elif op == "call":
            args = [decode(a, test_inputs=True) for a in msg["args"]]
            kwargs = {k: decode(v, test_inputs=True) for k, v in msg["kwargs"].items()}
            start = time.perf_counter()
            caught: list[Any] = []
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    fn: Any = BUILTINS.get(msg["fn"]) or getattr(module, msg["fn"])
                    value = fn(*args, **kwargs)
            except BaseException as e:
                seconds = time.perf_counter() - start
                _flush()
                reply = {"id": msg["id"], "ok": False, "raised": _describe_exception(e, path)}
                reply["seconds"] = seconds
                write_frame(resp_fd, reply)
                continue
            seconds = time.perf_counter() - start
            _flush()
            # Which data arguments the call left changed (tests pass fresh copies each call).
            modified = [i for i, a in enumerate(msg["args"]) if _changed(a, args[i])]
            modified += [k for k, a in msg["kwargs"].items() if _changed(a, kwargs[k])]
            try:
                out = encode(value)
            except BaseException:
                out = {"$obj": [_type_name(value), "(could not be read)"]}
            if msg.get("keep"):
                KEPT[msg["id"]] = value
            said = [f"{w.category.__name__}: {w.message}"[:200] for w in caught[:5]]
            reply = {"id": msg["id"], "ok": True, "value": out, "modified": modified}
            reply["warnings"] = said
            reply["seconds"] = seconds
            write_frame(resp_fd, reply)


def _changed(sent: Any, now: Any) -> bool:
    if type(sent) is not list and not (type(sent) is dict and set(sent) & {"$a", "$t", "$d"}):
        return False  # scalars, functions and generators are not checked
    try:
        return _dumps(encode(now)) != _dumps(sent)
    except BaseException:
        return True


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
    _flush()
    os._exit(0)  # skip the interpreter's teardown: the sandbox is thrown away anyway
