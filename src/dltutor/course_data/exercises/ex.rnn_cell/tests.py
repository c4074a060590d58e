"""Hidden tests for ex.rnn_cell."""

import numpy as np

RNN = ("tanh(x @ Wx + h @ Wh + b)", "tanh(x @ Wx + h @ Wh + b)")


def test_known_values(t):
    x = np.array([[1.0, 0.0]])
    h = np.array([[0.5, -0.5]])
    Wx = np.array([[0.2, 0.4], [1.0, 1.0]])
    Wh = np.array([[1.0, 2.0], [0.0, 1.0]])
    b = np.array([0.1, -0.1])
    t.close(t.call("rnn_step", x, h, Wx, Wh, b), np.tanh(x @ Wx + h @ Wh + b), RNN)


def test_zero_state(t):
    x = np.array([[0.3, -0.2, 0.1]])
    Wx = np.arange(6.0).reshape(3, 2) / 10
    t.close(t.call("rnn_step", x, np.zeros((1, 2)), Wx, np.ones((2, 2)), np.zeros(2)), np.tanh(x @ Wx), ("tanh(x @ Wx) when h = 0 and b = 0", "h = 0、b = 0 时为 tanh(x @ Wx)"))


def test_memory_matters(t):
    x = np.zeros((2, 3))
    h = np.array([[1.0, -1.0], [0.5, 2.0]])
    Wh = np.array([[0.5, 0.1], [-0.3, 0.8]])
    t.close(t.call("rnn_step", x, h, np.ones((3, 2)), Wh, np.zeros(2)), np.tanh(h @ Wh), ("tanh(h @ Wh) when the input is zero", "输入为零时为 tanh(h @ Wh)"))


def test_saturates(t):
    x = np.array([[100.0]])
    got = t.call("rnn_step", x, np.zeros((1, 2)), np.array([[1.0, -1.0]]), np.eye(2), np.zeros(2))
    t.close(got, np.array([[1.0, -1.0]]), ("±1: tanh saturates", "±1：tanh 饱和"))


def test_random(t):
    rng = np.random.default_rng(41)
    for n, d, hdim in [(1, 1, 1), (4, 3, 5), (8, 10, 6)]:
        x, h = rng.normal(size=(n, d)), rng.normal(size=(n, hdim))
        Wx, Wh, b = rng.normal(size=(d, hdim)), rng.normal(size=(hdim, hdim)), rng.normal(size=hdim)
        t.close(t.call("rnn_step", x, h, Wx, Wh, b), t.ref.rnn_step(x, h, Wx, Wh, b), RNN)
