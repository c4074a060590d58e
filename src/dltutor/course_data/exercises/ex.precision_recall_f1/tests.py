"""Hidden tests for ex.precision_recall_f1."""

import numpy as np

PRF = ("(precision, recall, F1)", "（精确率, 召回率, F1）")


def check(t, y_true, y_pred, why=PRF):
    got = t.call("precision_recall_f1", y_true, y_pred)
    values = t.unpack(got, 3, "(p, r, f1)")
    t.close(np.array([t.array(v) for v in values], dtype=float), np.array(t.ref.precision_recall_f1(y_true, y_pred)), why)
    for v in values:
        t.expect(t.array(v).ndim == 0, ("three single numbers", "三个单独的数"), got)


def test_known_counts(t):
    # TP = 2, FP = 1, FN = 2: p = 2/3, r = 1/2, F1 = 4/7
    y_true = [1, 1, 1, 1, 0, 0]
    y_pred = [1, 1, 0, 0, 1, 0]
    got = t.call("precision_recall_f1", y_true, y_pred)
    p, r, f1 = t.unpack(got, 3, "(p, r, f1)")
    t.close(p, 2 / 3, ("precision TP/(TP+FP) = 2/3", "精确率 TP/(TP+FP) = 2/3"))
    t.close(r, 1 / 2, ("recall TP/(TP+FN) = 1/2", "召回率 TP/(TP+FN) = 1/2"))
    t.close(f1, 4 / 7, ("F1 = 2pr/(p+r) = 4/7", "F1 = 2pr/(p+r) = 4/7"))


def test_perfect(t):
    check(t, np.array([0, 1, 1, 0]), np.array([0, 1, 1, 0]), ("(1.0, 1.0, 1.0) for perfect predictions", "完全预测正确时为 (1.0, 1.0, 1.0)"))


def test_no_predicted_positives(t):
    check(t, [1, 0, 1], [0, 0, 0], ("p = 0.0 (no predicted positives), r = 0.0, F1 = 0.0", "p = 0.0（没有预测为正的样本），r = 0.0，F1 = 0.0"))


def test_nothing_positive(t):
    check(t, [0, 0, 0], [0, 0, 0], ("(0.0, 0.0, 0.0) when there is no positive at all", "完全没有正例时为 (0.0, 0.0, 0.0)"))


def test_all_wrong(t):
    check(t, [1, 0, 1, 0], [0, 1, 0, 1])


def test_random(t):
    rng = np.random.default_rng(20)
    for n in (5, 50, 500):
        y_true = rng.integers(0, 2, size=n)
        y_pred = np.where(rng.random(n) < 0.7, y_true, 1 - y_true)
        check(t, y_true, y_pred)
