"""The wire format: what comes out of the sandbox is decoded strictly, as plain data only."""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest

from dltutor.grader import stub
from dltutor.grader.testkit import FnArg, RngArg, describe, to_wire


def roundtrip(x: object) -> object:
    return stub.decode(stub.encode(x), test_inputs=False)


def test_plain_values_roundtrip() -> None:
    value = {"a": [1, 2.5, None, True, "s"], ("k", 1): (1.0, float("inf"))}
    assert roundtrip(value) == value
    assert math.isnan(roundtrip(float("nan")))  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "int64", "bool", "uint8"])
def test_arrays_roundtrip(dtype: str) -> None:
    a = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    b = roundtrip(a)
    assert isinstance(b, np.ndarray) and b.dtype == a.dtype and b.shape == a.shape
    assert np.array_equal(a, b)


def test_numpy_scalars_and_subclasses_become_plain() -> None:
    class Sneaky(float):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = float.__hash__

    out = roundtrip(Sneaky(3.0))
    assert type(out) is float and out == 3.0
    scalar = roundtrip(np.float64(2.5))
    assert isinstance(scalar, np.ndarray) and scalar.shape == () and scalar[()] == 2.5


def test_unknown_objects_travel_as_descriptions_only() -> None:
    class AlwaysEqual:
        def __eq__(self, other: object) -> bool:
            return True

    out = roundtrip(AlwaysEqual())
    assert isinstance(out, stub.Opaque) and out.type_name.endswith("AlwaysEqual")
    assert "an object of type" in describe(out, "en")
    obj_array = np.array([AlwaysEqual()], dtype=object)
    assert isinstance(roundtrip(obj_array), stub.Opaque)


@pytest.mark.parametrize(
    "data",
    [
        {"$a": ["|O", [1], base64.b64encode(b"\0" * 8).decode()]},  # object dtype
        {"$a": ["<f8", [2], base64.b64encode(b"\0" * 8).decode()]},  # size mismatch
        {"$a": ["<f8", [-1], ""]},  # negative shape
        {"$a": ["<f8", [1], "!!!"]},  # not base64
        {"$a": [{"names": ["x"], "formats": ["<f8"]}, [1], ""]},  # structured
        {"$fn": "lambda x: 0"},  # functions only go into the sandbox
        {"$rng": 1},
        {"$t": "not a list"},
        {"a": 1, "b": 2},  # not a one-key tag
        {"$nope": 1},
    ],
)
def test_forged_values_rejected(data: object) -> None:
    with pytest.raises((stub.WireError, ValueError)):
        stub.decode(data, test_inputs=False)


def test_test_inputs_build_functions_and_generators() -> None:
    f = stub.decode(to_wire(FnArg("lambda x: float(np.sum(x ** 2))")), test_inputs=True)
    assert f(np.array([1.0, 2.0])) == 5.0
    rng = stub.decode(to_wire(RngArg(3)), test_inputs=True)
    assert rng.random() == np.random.default_rng(3).random()


def test_deep_nesting_is_cut() -> None:
    x: list[object] = []
    for _ in range(100):
        x = [x]
    enc = stub.encode(x)
    depth, node = 0, enc
    while isinstance(node, list):
        node, depth = node[0], depth + 1
    assert depth <= stub.MAX_DEPTH + 1 and "$obj" in node
