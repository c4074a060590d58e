"""Hidden tests for ex.cross_entropy."""

import math

import numpy as np

CE = ("the mean of -log softmax(logits)[true class]", "真实类别 -log softmax 的平均值")


def test_known_value(t):
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    labels = np.array([0, 1])
    t.close(t.call("cross_entropy", logits, labels), t.ref.cross_entropy(logits, labels), CE)


def test_uniform_logits(t):
    logits = np.zeros((4, 5))
    labels = np.array([0, 1, 2, 4])
    t.close(t.call("cross_entropy", logits, labels), math.log(5), ("log(C) = log 5 for equal logits", "logits 全相等时为 log(C) = log 5"))


def test_single_example(t):
    logits = np.array([[1.0, 3.0]])
    want = -math.log(math.exp(1.0) / (math.exp(1.0) + math.exp(3.0)))
    t.close(t.call("cross_entropy", logits, np.array([0])), want, CE)


def test_large_logits(t):
    logits = np.array([[1000.0, 0.0, -1000.0], [10000.0, 10001.0, 9999.0]])
    labels = np.array([2, 0])
    got = t.call("cross_entropy", logits, labels)
    t.finite(got, ("a finite loss for large logits", "logits 很大时损失仍为有限值"))
    t.close(got, t.ref.cross_entropy(logits, labels), CE)


def test_confident_and_right_is_near_zero(t):
    logits = np.array([[50.0, 0.0], [0.0, 50.0]])
    t.close(t.call("cross_entropy", logits, np.array([0, 1])), 0.0, ("about 0 when every prediction is confident and right", "预测又自信又正确时约为 0"))


def test_random(t):
    rng = np.random.default_rng(7)
    for n, c in [(1, 2), (8, 3), (32, 10)]:
        logits = rng.normal(scale=3.0, size=(n, c))
        labels = rng.integers(0, c, size=n)
        t.close(t.call("cross_entropy", logits, labels), t.ref.cross_entropy(logits, labels), CE)
