"""Hidden tests for ex.distillation_loss."""

import numpy as np

LOSS = ("the batch mean of alpha*T^2*KL(teacher || student) + (1-alpha)*CE", "批次平均 alpha*T^2*KL(teacher || student) + (1-alpha)*CE")


def check(t, s, te, y, why=LOSS, **kw):
    t.close(t.call("distillation_loss", s, te, y, **kw), t.ref.distillation_loss(s, te, y, **kw), why)


def test_known_value(t):
    s = np.array([[1.0, 2.0, 0.5]])
    te = np.array([[2.0, 1.0, 0.0]])
    check(t, s, te, np.array([1]))


def test_same_logits_only_ce_left(t):
    z = np.array([[0.2, 1.5], [2.0, -1.0]])
    y = np.array([1, 0])
    m = z.max(axis=1, keepdims=True)
    ce = -(z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[np.arange(2), y].mean()
    t.close(t.call("distillation_loss", z, z.copy(), y), 0.5 * ce, ("(1 - alpha) * CE: the KL is 0 when student and teacher agree", "(1 - alpha) * CE：学生与老师一致时 KL 为 0"))


def test_hard_term_only(t):
    rng = np.random.default_rng(59)
    s, te, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), np.array([0, 2, 1, 1])
    check(t, s, te, y, ("the plain cross-entropy when alpha = 0", "alpha = 0 时就是普通交叉熵"), alpha=0.0, T=3.0)


def test_soft_term_only(t):
    rng = np.random.default_rng(60)
    s, te, y = rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), np.array([4, 0, 2])
    check(t, s, te, y, ("T^2 * KL(softmax(teacher/T) || softmax(student/T)) when alpha = 1", "alpha = 1 时为 T^2 * KL(softmax(teacher/T) || softmax(student/T))"), alpha=1.0, T=4.0)


def test_large_logits(t):
    s = np.array([[1000.0, -1000.0, 0.0], [0.0, 500.0, 500.0]])
    te = np.array([[-1000.0, 1000.0, 0.0], [500.0, 0.0, 500.0]])
    got = t.call("distillation_loss", s, te, np.array([0, 1]))
    t.finite(got, ("a finite loss for large logits", "logits 很大时损失仍为有限值"))
    t.close(got, t.ref.distillation_loss(s, te, np.array([0, 1])), LOSS)


def test_random(t):
    rng = np.random.default_rng(61)
    for n, c, T, alpha in [(1, 2, 2.0, 0.5), (8, 10, 3.0, 0.7), (16, 4, 1.0, 0.3)]:
        s, te = rng.normal(scale=2.0, size=(n, c)), rng.normal(scale=2.0, size=(n, c))
        check(t, s, te, rng.integers(0, c, size=n), T=T, alpha=alpha)
