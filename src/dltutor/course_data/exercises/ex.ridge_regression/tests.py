"""Hidden tests for ex.ridge_regression."""

import numpy as np

W = ("the ridge weights w", "岭回归的权重 w")
B = ("the intercept b (not penalised)", "截距 b（不受惩罚）")


def objective_gradient(X, y, lam, w, b):
    """dJ/dw and dJ/db of J = mean((y - Xw - b)^2) + lam |w|^2: zero at the minimum."""
    r = y - X @ w - b
    return -2 / len(y) * X.T @ r + 2 * lam * w, -2 * r.mean()


def run(t, X, y, lam, why=(W, B)):
    got = t.call("ridge_fit", X, y, lam)
    w, b = t.unpack(got, 2, "(w, b)")
    want_w, want_b = t.ref.ridge_fit(X, y, lam)
    t.close(w, want_w, why[0])
    t.close(b, want_b, why[1])
    return t.array(w), float(t.array(b))


def test_lam_zero_is_least_squares(t):
    rng = np.random.default_rng(181)
    X = rng.normal(size=(30, 3)) + 2.0
    y = X @ np.array([1.5, -2.0, 0.5]) + 4.0 + 0.1 * rng.normal(size=30)
    A = np.hstack([X, np.ones((30, 1))])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]  # independent: ordinary least squares
    got = t.call("ridge_fit", X, y, 0.0)
    w, b = t.unpack(got, 2, "(w, b)")
    t.close(w, theta[:3], ("with lam = 0, the least-squares weights", "lam = 0 时即最小二乘的权重"))
    t.close(b, theta[3], ("with lam = 0, the least-squares intercept", "lam = 0 时即最小二乘的截距"))


def test_one_feature_by_hand(t):
    # x = [0, 1, 2], y = [1, 3, 5]: centred x = [-1, 0, 1], centred y = [-2, 0, 2];
    # w = (sum xc*yc) / (sum xc^2 + N lam) = 4 / (2 + 3*2) = 0.5, b = 3 - 1 * 0.5 = 2.5
    got = t.call("ridge_fit", np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]), 2.0)
    w, b = t.unpack(got, 2, "(w, b)")
    t.close(w, np.array([0.5]), ("w = 4 / (2 + N*lam) = 0.5 with N = 3, lam = 2", "w = 4 / (2 + N*lam) = 0.5，其中 N = 3、lam = 2"))
    t.close(b, 2.5, ("b = mean(y) - mean(x) * w = 2.5", "b = mean(y) - mean(x) * w = 2.5"))


def test_gradient_is_zero_at_the_solution(t):
    rng = np.random.default_rng(182)
    for n, d, lam in [(20, 2, 0.1), (50, 5, 1.0), (8, 12, 0.5)]:  # the last: more features than examples
        X = rng.normal(loc=1.0, size=(n, d))
        y = rng.normal(size=n) + 3.0
        w, b = run(t, X, y, lam)
        gw, gb = objective_gradient(X, y, lam, w, b)
        t.close(gw, np.zeros(d), ("dJ/dw = 0: a minimum of mean squared error + lam |w|^2", "dJ/dw = 0：均方误差 + lam |w|^2 的极小点"), atol=1e-8)
        t.close(gb, 0.0, ("dJ/db = 0", "dJ/db = 0"), atol=1e-8)


def test_intercept_not_penalised(t):
    # a constant target far from 0: b must carry it whatever lam is
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    y = np.full(4, 100.0)
    got = t.call("ridge_fit", X, y, 10.0)
    w, b = t.unpack(got, 2, "(w, b)")
    t.close(w, np.zeros(2), ("w = 0: y does not depend on x", "w = 0：y 与 x 无关"))
    t.close(b, 100.0, ("b = 100: the intercept is not shrunk", "b = 100：截距不被收缩"))


def test_strong_penalty_shrinks_to_the_mean(t):
    rng = np.random.default_rng(183)
    X = rng.normal(size=(40, 3)) + 5.0
    y = X @ np.array([2.0, 0.0, -1.0]) + 1.0
    w, b = run(t, X, y, 1e6)
    t.expect(np.abs(w).max() < 1e-4, ("weights close to 0 for lam = 1e6", "lam = 1e6 时权重接近 0"), w)


def test_off_centre_features(t):
    rng = np.random.default_rng(184)
    X = rng.normal(size=(25, 2)) * np.array([1.0, 3.0]) + np.array([10.0, -20.0])
    y = X @ np.array([0.7, 0.2]) - 3.0 + rng.normal(size=25)
    run(t, X, y, 0.3)


def test_lists_and_single_example(t):
    run(t, [[1.0, 2.0], [3.0, 1.0], [0.0, 0.0]], [1.0, 2.0, 0.5], 0.2)
    run(t, np.array([[2.0, -1.0]]), np.array([7.0]), 1.0, (("w = 0 for a single example", "只有一个样本时 w = 0"), ("b = y", "b = y")))


def test_more_features_than_examples(t):
    rng = np.random.default_rng(185)
    X, y = rng.normal(size=(5, 9)), rng.normal(size=5)
    run(t, X, y, 0.05)
