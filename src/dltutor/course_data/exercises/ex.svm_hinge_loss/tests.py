"""Hidden tests for ex.svm_hinge_loss."""

import numpy as np

LOSS = ("lam/2 |w|^2 + mean of max(0, 1 - y (Xw + b))", "lam/2 |w|^2 + max(0, 1 - y (Xw + b)) 的平均")
GW = ("the subgradient with respect to w", "对 w 的次梯度")
GB = ("the subgradient with respect to b (the bias is not penalised)", "对 b 的次梯度（偏置不受惩罚）")


def run(t, w, b, X, y, lam, why=(LOSS, GW, GB)):
    got = t.call("svm_loss_grad", w, b, X, y, lam)
    loss, gw, gb = t.unpack(got, 3, "(loss, grad_w, grad_b)")
    want = t.ref.svm_loss_grad(w, b, X, y, lam)
    t.close(loss, want[0], why[0])
    t.close(gw, want[1], why[1])
    t.close(gb, want[2], why[2])
    return loss, gw, gb


def numerical(w, b, X, y, lam, eps=1e-6):
    """Central differences of the objective, written here independently of the reference."""
    def f(w, b):
        return lam / 2 * np.sum(w * w) + np.mean(np.maximum(0, 1 - y * (X @ w + b)))
    gw = np.array([(f(w + eps * e, b) - f(w - eps * e, b)) / (2 * eps) for e in np.eye(len(w))])
    return f(w, b), gw, (f(w, b + eps) - f(w, b - eps)) / (2 * eps)


def test_by_hand(t):
    # margins: 1*(2+0) = 2 (outside), -1*(0.5+0) = -0.5 (wrong side), 1*(0+0) = 0 (on the boundary)
    X = np.array([[2.0, 0.0], [0.5, 0.5], [0.0, 0.0]])
    y = np.array([1.0, -1.0, 1.0])
    w, b, lam = np.array([1.0, 0.0]), 0.0, 0.1
    got = t.call("svm_loss_grad", w, b, X, y, lam)
    loss, gw, gb = t.unpack(got, 3, "(loss, grad_w, grad_b)")
    t.close(loss, 0.05 + (0 + 1.5 + 1.0) / 3, ("0.1/2 * 1 + (0 + 1.5 + 1) / 3", "0.1/2 * 1 + (0 + 1.5 + 1) / 3"))
    t.close(gw, np.array([0.1 + 0.5 / 3, 0.5 / 3]), ("lam*w - (y2 x2 + y3 x3) / 3", "lam*w - (y2 x2 + y3 x3) / 3"))
    t.close(gb, 0.0, ("-(y2 + y3) / 3 = 0", "-(y2 + y3) / 3 = 0"))


def test_margin_exactly_one_is_not_active(t):
    # the second example has margin exactly 1: no hinge loss and a subgradient of 0
    X = np.array([[3.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([1, 1, -1])
    w, b = np.array([1.0, 0.0]), 0.0
    run(t, w, b, X, y, 0.5, (LOSS, ("only examples with margin < 1 count (the one at exactly 1 does not)", "只计入间隔 < 1 的样本（间隔恰为 1 的不算）"), GB))


def test_all_outside_the_margin(t):
    X = np.array([[2.0, 2.0], [-3.0, -1.0]])
    y = np.array([1.0, -1.0])
    w, b = np.array([1.0, 1.0]), 0.5
    got = t.call("svm_loss_grad", w, b, X, y, 0.2)
    loss, gw, gb = t.unpack(got, 3, "(loss, grad_w, grad_b)")
    t.close(loss, 0.2, ("only the penalty 0.2/2 * 2 = 0.2: every margin is above 1", "只有惩罚项 0.2/2 * 2 = 0.2：所有间隔都大于 1"))
    t.close(gw, np.array([0.2, 0.2]), ("lam * w", "lam * w"))
    t.close(gb, 0.0, ("0.0: no example inside the margin", "0.0：没有样本落在间隔之内"))


def test_bias_not_penalised(t):
    X = np.array([[0.5], [-0.2], [0.1], [-1.0]])
    y = np.array([1.0, -1.0, -1.0, 1.0])
    run(t, np.array([0.3]), 5.0, X, y, 1.0)
    run(t, np.array([-0.7]), -3.0, X, y, 2.0)


def test_mean_over_all_examples(t):
    rng = np.random.default_rng(171)
    X = rng.normal(size=(50, 3))
    y = np.where(rng.random(50) < 0.5, -1.0, 1.0)
    run(t, np.zeros(3), 0.0, X, y, 0.0, (("the mean hinge loss: 1.0 at w = 0, b = 0", "平均合页损失：w = 0、b = 0 时为 1.0"), GW, GB))


def test_integer_labels_and_lists(t):
    run(t, [0.5, -0.5], 0.1, [[1.0, 2.0], [2.0, 1.0], [-1.0, 0.0]], [1, -1, -1], 0.01)


def test_zero_one_labels_rejected(t):
    t.raises("ValueError", ("the labels must be -1 or +1, not 0/1", "标签必须是 -1 或 +1，而不是 0/1"), "svm_loss_grad", np.zeros(2), 0.0, np.ones((3, 2)), np.array([0, 1, 1]), 0.1)


def test_against_numerical_gradient(t):
    rng = np.random.default_rng(172)
    for n, d, lam in [(5, 1, 0.1), (30, 4, 0.01), (80, 10, 1.0)]:
        X = rng.normal(size=(n, d))
        y = np.where(X[:, 0] + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
        w, b = rng.normal(size=d), float(rng.normal())
        loss, gw, gb = run(t, w, b, X, y, lam)
        nl, ngw, ngb = numerical(w, b, X, y, lam)
        t.close(loss, nl, LOSS)
        t.close(gw, ngw, ("the gradient (checked by central differences)", "梯度（用中心差分核对）"), rtol=1e-4, atol=1e-6)
        t.close(gb, ngb, ("the gradient for b (checked by central differences)", "b 的梯度（用中心差分核对）"), rtol=1e-4, atol=1e-6)
