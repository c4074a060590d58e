"""Hidden tests for ex.standardize."""

import math

import numpy as np

Z = ("(x - training mean) / training std, per column", "(x - 训练集均值) / 训练集标准差，逐列")


def independent(X_train, X_test):
    """Column by column with plain Python, written apart from the reference."""
    X_train, X_test = np.asarray(X_train, dtype=float), np.asarray(X_test, dtype=float)
    outs = [np.zeros(X_train.shape), np.zeros(X_test.shape)]
    for j in range(X_train.shape[1]):
        vals = [float(v) for v in X_train[:, j] if not math.isnan(v)]
        mu = math.fsum(vals) / len(vals)
        sd = math.sqrt(math.fsum((v - mu) ** 2 for v in vals) / len(vals)) or 1.0
        for X, out in zip((X_train, X_test), outs):
            for i in range(X.shape[0]):
                out[i, j] = 0.0 if math.isnan(X[i, j]) else (X[i, j] - mu) / sd
    return outs


def run(t, X_train, X_test, why=(Z, Z)):
    got = t.call("standardize_split", X_train, X_test)
    z_train, z_test = t.unpack(got, 2, "(Z_train, Z_test)")
    want_train, want_test = independent(X_train, X_test)
    t.close(z_train, want_train, why[0])
    t.close(z_test, want_test, why[1])
    return z_train, z_test


def test_training_columns_become_standard(t):
    rng = np.random.default_rng(240)
    X_train = rng.normal(loc=[50.0, -3.0, 0.001], scale=[10.0, 0.5, 0.0001], size=(40, 3))
    z_train, _ = run(t, X_train, X_train[:5] + 1.0)
    z = t.array(z_train)
    t.close(z.mean(axis=0), np.zeros(3), ("column means 0 on the training set", "训练集上各列均值为 0"))
    t.close(z.std(axis=0), np.ones(3), ("column standard deviations 1 on the training set", "训练集上各列标准差为 1"))


def test_test_set_uses_training_statistics(t):
    X_train = np.array([[0.0], [2.0], [4.0]])  # mean 2, std sqrt(8/3)
    X_test = np.array([[10.0], [12.0]])  # far from the training data: must NOT come out centred
    got = t.call("standardize_split", X_train, X_test)
    _, z_test = t.unpack(got, 2, "(Z_train, Z_test)")
    sd = math.sqrt(8 / 3)
    t.close(z_test, np.array([[8 / sd], [10 / sd]]), ("(x - 2) / 1.633: the training mean and std, not the test set's own", "(x - 2) / 1.633：用训练集的均值和标准差，而不是测试集自己的"))


def test_population_std(t):
    run(t, np.array([[1.0, 10.0], [3.0, 30.0]]), np.array([[2.0, 0.0]]), (("std with ddof=0: (1 - 2) / 1 = -1", "ddof=0 的标准差：(1 - 2) / 1 = -1"), Z))


def test_missing_values(t):
    nan = np.nan
    X_train = np.array([[1.0, nan], [nan, 4.0], [3.0, 8.0], [5.0, 6.0]])
    X_test = np.array([[nan, 5.0], [2.0, nan]])
    z_train, z_test = run(t, X_train, X_test, (("missing values skipped by the statistics and set to 0.0", "统计量跳过缺失值，缺失处为 0.0"), ("missing test values set to 0.0 (the training mean)", "测试集缺失处为 0.0（即训练集均值）")))
    t.finite(z_train, ("no nan left in Z_train", "Z_train 中不再有 nan"))
    t.finite(z_test, ("no nan left in Z_test", "Z_test 中不再有 nan"))


def test_constant_column(t):
    X_train = np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 3.0]])
    X_test = np.array([[9.0, 2.0]])
    got = t.call("standardize_split", X_train, X_test)
    z_train, z_test = t.unpack(got, 2, "(Z_train, Z_test)")
    t.close(z_train, independent(X_train, X_test)[0], ("a constant column becomes 0 (its std counts as 1)", "常数列变为 0（其标准差按 1 计）"))
    t.close(z_test, independent(X_train, X_test)[1], ("9 - 7 = 2 in the constant column: centred, divided by 1", "常数列中为 9 - 7 = 2：只中心化，除以 1"))


def test_single_known_value(t):
    # one observed training value in column 0: std 0, counted as 1
    nan = np.nan
    run(t, np.array([[nan, 1.0], [4.0, 3.0], [nan, 5.0]]), np.array([[6.0, 1.0]]))


def test_lists_and_empty_test_set(t):
    run(t, [[1.0, 2.0], [3.0, 5.0], [2.0, -1.0]], np.zeros((0, 2)))


def test_column_mismatch(t):
    t.raises("ValueError", ("X_train has 3 columns and X_test 2", "X_train 有 3 列而 X_test 有 2 列"), "standardize_split", np.ones((4, 3)), np.ones((2, 2)))


def test_random(t):
    rng = np.random.default_rng(241)
    for n, m, d in [(10, 4, 1), (30, 12, 5), (100, 50, 8)]:
        X_train = rng.normal(loc=rng.normal(size=d) * 100, scale=rng.uniform(0.1, 20, size=d), size=(n, d))
        X_test = rng.normal(loc=rng.normal(size=d) * 100, scale=rng.uniform(0.1, 20, size=d), size=(m, d))
        X_train[rng.random((n, d)) < 0.1] = np.nan
        X_train[0] = rng.normal(size=d)  # every column keeps an observed value
        X_test[rng.random((m, d)) < 0.1] = np.nan
        run(t, X_train, X_test)
