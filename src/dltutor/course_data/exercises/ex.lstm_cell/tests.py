"""Hidden tests for ex.lstm_cell."""

import numpy as np

H_WHY = ("h_new = o * tanh(c_new)", "h_new = o * tanh(c_new)")
C_WHY = ("c_new = f * c + i * g", "c_new = f * c + i * g")


def run(t, *args):
    got = t.call("lstm_step", *args)
    h_new, c_new = t.unpack(got, 2, "(h_new, c_new)")
    h_ref, c_ref = t.ref.lstm_step(*args)
    t.close(c_new, c_ref, C_WHY)
    t.close(h_new, h_ref, H_WHY)


def test_gates_in_order(t):
    # one unit; each gate's pre-activation is set by its own column of b
    x, h, c = np.zeros((1, 1)), np.zeros((1, 1)), np.array([[2.0]])
    W, U = np.zeros((1, 4)), np.zeros((1, 4))
    b = np.array([10.0, -10.0, 0.5, 10.0])  # input gate open, forget gate shut, g = tanh(0.5), output open
    got = t.call("lstm_step", x, h, c, W, U, b)
    h_new, c_new = t.unpack(got, 2, "(h_new, c_new)")
    t.close(c_new, t.ref.lstm_step(x, h, c, W, U, b)[1], ("about tanh(0.5): the old c forgotten, the candidate written", "约为 tanh(0.5)：旧的 c 被遗忘，写入候选值"))
    t.close(h_new, t.ref.lstm_step(x, h, c, W, U, b)[0], H_WHY)


def test_forget_keeps_memory(t):
    x, h, c = np.zeros((1, 2)), np.zeros((1, 2)), np.array([[1.5, -0.5]])
    W, U = np.zeros((2, 8)), np.zeros((2, 8))
    b = np.array([-20.0, -20.0, 20.0, 20.0, 0.0, 0.0, 20.0, 20.0])  # i shut, f open, o open
    run(t, x, h, c, W, U, b)


def test_zero_everything(t):
    run(t, np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))


def test_random(t):
    rng = np.random.default_rng(42)
    for n, d, hdim in [(1, 2, 3), (4, 5, 2), (6, 3, 7)]:
        args = (
            rng.normal(size=(n, d)),
            rng.normal(size=(n, hdim)),
            rng.normal(size=(n, hdim)),
            rng.normal(size=(d, 4 * hdim)),
            rng.normal(size=(hdim, 4 * hdim)),
            rng.normal(size=4 * hdim),
        )
        run(t, *args)


def test_large_inputs_no_overflow(t):
    # pre-activations (1000, -1000, 1000, 1000): a naive 1 / (1 + np.exp(-z)) still returns finite
    # numbers here (numpy only warns that exp(1000) overflowed), so the warning is what to catch
    x = np.array([[1000.0, 0.0]])
    W = np.ones((2, 4)) * np.array([1.0, -1.0, 1.0, 1.0])
    got = t.call("lstm_step", x, np.zeros((1, 1)), np.ones((1, 1)), W, np.zeros((1, 4)), np.zeros(4))
    t.no_warnings(("no overflow warning for pre-activations of ±1000", "预激活为 ±1000 时不产生溢出警告"))
    h_new, c_new = t.unpack(got, 2, "(h_new, c_new)")
    why = ("i = 1, f = 0, g = 1, o = 1: c_new = 1 and h_new = tanh(1)", "i = 1、f = 0、g = 1、o = 1：c_new = 1，h_new = tanh(1)")
    t.close(c_new, np.array([[1.0]]), why)
    t.close(h_new, np.array([[np.tanh(1.0)]]), why)
