"""Hidden tests for ex.logistic_regression."""

import numpy as np


def blobs(seed, n, d, center, offset=0.0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.5).astype(float)
    X = rng.normal(scale=0.7, size=(n, d)) + np.where(y[:, None] > 0, center, -np.asarray(center))
    return X + offset, y


def sigmoid(z):
    with np.errstate(over="ignore"):  # the learner's weights may have diverged
        return 1.0 / (1.0 + np.exp(-z))


def accuracy_of(t, X, y, got):
    w, b = t.unpack(got, 2, "(w, b)")
    w = t.array(w)
    b = t.array(b)
    t.expect(w.shape == (X.shape[1],) and b.ndim == 0, ("w of shape (D,) and a number b", "形状为 (D,) 的 w 和一个数 b"), got)
    return float(np.mean((sigmoid(X @ w + b) > 0.5) == (y > 0.5)))


def test_well_separated_accuracy(t):
    X, y = blobs(15, 200, 2, np.array([2.0, 1.5]))
    acc = accuracy_of(t, X, y, t.call("fit_logistic_regression", X, y))
    t.expect(acc >= 0.95, ("an accuracy >= 0.95 on two well-separated classes", "在两类分得很开的数据上准确率 >= 0.95"), acc)


def test_shifted_classes(t):
    X, y = blobs(16, 200, 2, np.array([1.5, 1.5]), offset=4.0)
    acc = accuracy_of(t, X, y, t.call("fit_logistic_regression", X, y, lr=0.5, epochs=2000))
    t.expect(acc >= 0.95, ("an accuracy >= 0.95 (classes far from the origin: the bias matters)", "准确率 >= 0.95（类别远离原点：偏置很重要）"), acc)


def test_follows_definition(t):
    X, y = blobs(17, 80, 3, np.array([0.5, -0.3, 0.2]))
    w, b = t.unpack(t.call("fit_logistic_regression", X, y, lr=0.2, epochs=200), 2, "(w, b)")
    w_ref, b_ref = t.ref.fit_logistic_regression(X, y, lr=0.2, epochs=200)
    why = ("the result of gradient descent on the mean cross-entropy from zeros", "从零出发、对平均交叉熵做梯度下降的结果")
    t.close(w, w_ref, why, rtol=1e-3, atol=1e-4)
    t.close(b, b_ref, why, rtol=1e-3, atol=1e-4)


def test_predict_matches_sigmoid(t):
    rng = np.random.default_rng(18)
    X = rng.normal(size=(10, 3))
    w, b = np.array([0.5, -1.0, 2.0]), 0.3
    t.close(t.call("predict_proba", X, w, b), sigmoid(X @ w + b), ("sigmoid(X @ w + b)", "sigmoid(X @ w + b)"))


def test_probabilities_in_open_interval(t):
    rng = np.random.default_rng(19)
    X = rng.normal(scale=3.0, size=(50, 2))
    p = t.array(t.call("predict_proba", X, np.array([2.0, -1.5]), -0.5))
    t.expect(p.shape == (50,) and bool(np.all((p > 0) & (p < 1))), ("50 probabilities, each strictly between 0 and 1", "50 个概率，每个都严格在 0 和 1 之间"), p)


def test_large_scores_no_overflow(t):
    # a naive 1 / (1 + np.exp(-z)) returns 0.0 at z = -800 too (numpy only warns that exp(800)
    # overflowed), so the warning is what to catch
    X = np.array([[800.0], [-800.0], [0.0]])
    got = t.call("predict_proba", X, np.array([1.0]), 0.0)
    t.no_warnings(("no overflow warning for scores of ±800", "分数为 ±800 时不产生溢出警告"))
    t.finite(got, ("finite probabilities even for scores of ±800", "分数为 ±800 时概率仍为有限值"))
    t.close(got, np.array([1.0, 0.0, 0.5]), ("1, 0 and 0.5", "1、0 和 0.5"))
