"""Hidden tests for ex.lora_linear."""

import numpy as np

LORA = ("x @ W + (alpha / r) * (x @ A @ B)", "x @ W + (alpha / r) * (x @ A @ B)")


def check(t, x, W, A, B, alpha, r, why=LORA):
    t.close(t.call("lora_forward", x, W, A, B, alpha, r), t.ref.lora_forward(x, W, A, B, alpha, r), why)


def test_zero_b_is_frozen_layer(t):
    rng = np.random.default_rng(54)
    x, W, A = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(4, 2))
    t.close(t.call("lora_forward", x, W, A, np.zeros((2, 5)), 16, 2), x @ W, ("x @ W: with B = 0 (LoRA's initial state) the adapter adds nothing", "x @ W：B = 0（LoRA 的初始状态）时旁路不起作用"))


def test_known_values(t):
    x = np.array([[1.0, 2.0]])
    W = np.eye(2)
    A = np.array([[1.0], [1.0]])
    B = np.array([[0.5, -0.5]])
    t.close(t.call("lora_forward", x, W, A, B, 8, 1), np.array([[13.0, -10.0]]), ("[1, 2] + 8 * 3 * [0.5, -0.5] = [13, -10]", "[1, 2] + 8 * 3 * [0.5, -0.5] = [13, -10]"))


def test_fractional_scale(t):
    rng = np.random.default_rng(55)
    x, W, A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    check(t, x, W, A, B, 1, 4, ("the adapter scaled by alpha / r = 1 / 4 = 0.25", "旁路乘以 alpha / r = 1 / 4 = 0.25"))


def test_random(t):
    rng = np.random.default_rng(56)
    for n, din, dout, r, alpha in [(1, 2, 3, 1, 2), (5, 8, 6, 4, 16), (10, 16, 16, 8, 32)]:
        check(t, rng.normal(size=(n, din)), rng.normal(size=(din, dout)), rng.normal(size=(din, r)), rng.normal(size=(r, dout)), alpha, r)
