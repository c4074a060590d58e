"""Hidden tests for ex.gru_cell."""

import numpy as np

H_WHY = ("h_new = z * h + (1 - z) * tanh(x W_n + (r * h) U_n + b_n)", "h_new = z * h + (1 - z) * tanh(x W_n + (r * h) U_n + b_n)")


def independent(x, h, W, U, b):
    """Per example and unit, with the blocks named as in the lesson; no shared code with the reference."""
    N, H = h.shape
    out = np.zeros((N, H))
    sig = lambda v: 0.5 * (1.0 + np.tanh(0.5 * v))  # = 1 / (1 + e^-v), without overflow
    for i in range(N):
        r = sig(x[i] @ W[:, 0:H] + h[i] @ U[:, 0:H] + b[0:H])
        z = sig(x[i] @ W[:, H:2 * H] + h[i] @ U[:, H:2 * H] + b[H:2 * H])
        cand = np.tanh(x[i] @ W[:, 2 * H:] + (r * h[i]) @ U[:, 2 * H:] + b[2 * H:])
        out[i] = z * h[i] + (1 - z) * cand
    return out


def run(t, x, h, W, U, b, why=H_WHY):
    got = t.call("gru_step", x, h, W, U, b)
    t.close(got, independent(x, h, W, U, b), why)
    return got


def test_update_gate_copies_the_state(t):
    # z = sigmoid(20) ~ 1: the old state is carried over unchanged
    x, h = np.ones((1, 2)), np.array([[0.7, -1.3]])
    W, U = np.full((2, 6), 0.3), np.full((2, 6), -0.2)
    b = np.array([0.0, 0.0, 20.0, 20.0, 0.0, 0.0])
    run(t, x, h, W, U, b, ("about h: an update gate near 1 keeps the old state", "约等于 h：更新门接近 1 时保留旧的隐状态"))


def test_update_gate_closed_takes_candidate(t):
    # z ~ 0 and r ~ 1: h_new = tanh(x W_n + h U_n + b_n)
    x, h = np.array([[0.5]]), np.array([[2.0]])
    W, U = np.array([[0.0, 0.0, 1.0]]), np.array([[0.0, 0.0, 0.25]])
    b = np.array([20.0, -20.0, 0.1])
    run(t, x, h, W, U, b, ("about tanh(0.5 + 2 * 0.25 + 0.1): the candidate", "约为 tanh(0.5 + 2 * 0.25 + 0.1)：候选隐状态"))


def test_reset_gate_hides_the_state(t):
    # r ~ 0: the candidate does not see h; z ~ 0: h_new is the candidate
    x, h = np.array([[0.5]]), np.array([[2.0]])
    W, U = np.array([[0.0, 0.0, 1.0]]), np.array([[0.0, 0.0, 0.25]])
    b = np.array([-20.0, -20.0, 0.1])
    run(t, x, h, W, U, b, ("about tanh(0.5 + 0.1): the reset gate hides the old state from the candidate", "约为 tanh(0.5 + 0.1)：重置门把旧隐状态挡在候选之外"))


def test_reset_before_the_product(t):
    # two units with different reset values: (r * h) @ U_n differs from r * (h @ U_n)
    x = np.zeros((1, 1))
    h = np.array([[1.0, 2.0]])
    W = np.zeros((1, 6))
    U = np.zeros((2, 6))
    U[:, 4:] = np.array([[1.0, -1.0], [0.5, 2.0]])
    b = np.array([20.0, -20.0, -20.0, -20.0, 0.0, 0.0])  # r = (1, 0), z = 0
    run(t, x, h, W, U, b, ("tanh((r * h) @ U_n) with r = (1, 0): the reset scales h before the product", "tanh((r * h) @ U_n)，r = (1, 0)：重置门在矩阵乘法之前作用于 h"))


def test_zero_everything(t):
    run(t, np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6))


def test_random(t):
    rng = np.random.default_rng(210)
    for n, d, hd in [(1, 1, 1), (3, 4, 2), (5, 2, 6), (2, 7, 3)]:
        args = (rng.normal(size=(n, d)), rng.normal(size=(n, hd)), rng.normal(size=(d, 3 * hd)), rng.normal(size=(hd, 3 * hd)), rng.normal(size=3 * hd))
        run(t, *args)


def test_large_inputs_stay_finite(t):
    x = np.array([[800.0, -900.0]])
    W = np.array([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0]])
    got = run(t, x, np.array([[0.5]]), W, np.ones((1, 3)), np.zeros(3))
    t.finite(got, ("finite values for pre-activations around ±1000", "预激活在 ±1000 左右时结果仍为有限值"))
