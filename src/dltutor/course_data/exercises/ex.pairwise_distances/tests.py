"""Hidden tests for ex.pairwise_distances."""

import numpy as np

D2 = ("D[i, j] = sum over k of (A[i, k] - B[j, k])^2", "D[i, j] = 对 k 求和 (A[i, k] - B[j, k])^2")
NEAR = ("for each row of A, the index of the nearest row of B (ties: the lowest index)", "A 的每一行最近的 B 的行的下标（并列时取最小下标）")


def loops(A, B):
    """Independent: one pair at a time, with Python floats."""
    return np.array([[sum((float(a) - float(b)) ** 2 for a, b in zip(ra, rb)) for rb in B] for ra in A]).reshape(len(A), len(B))


def test_known_values(t):
    A = np.array([[0.0, 0.0], [1.0, 1.0]])
    B = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]])
    t.close(t.call("pairwise_sq_dists", A, B), np.array([[25.0, 1.0, 0.0], [13.0, 1.0, 2.0]]), D2)


def test_shape_n_by_m(t):
    rng = np.random.default_rng(230)
    A, B = rng.normal(size=(5, 3)), rng.normal(size=(7, 3))
    got = t.call("pairwise_sq_dists", A, B)
    t.close(got, loops(A, B), ("a (5, 7) array: one row per row of A, one column per row of B", "(5, 7) 的数组：A 的每一行对应一行，B 的每一行对应一列"))


def test_large_offsets(t):
    rng = np.random.default_rng(231)
    A = 1e6 + rng.normal(size=(4, 8))
    B = 1e6 + rng.normal(size=(6, 8))
    got = t.call("pairwise_sq_dists", A, B)
    t.close(got, loops(A, B), ("accurate distances for points near 1e6 (about 8 to 30, not rounding noise)", "坐标约为 1e6 时距离仍然准确（约 8 到 30，而不是舍入噪声）"))


def test_never_negative(t):
    A = np.array([[1e5 + 0.1, -3e4, 7.0], [0.3, 0.3, 0.3]])
    got = t.call("pairwise_sq_dists", A, A.copy())
    g = t.array(got)
    t.expect(g.shape == (2, 2) and bool(np.all(g >= 0)), ("no negative squared distance", "平方距离不能为负"), got)
    t.close(np.diag(g), np.zeros(2), ("0 between a point and itself", "点到自身的距离为 0"))


def test_lists_and_one_dimension(t):
    t.close(t.call("pairwise_sq_dists", [[1.0], [4.0]], [[0.0], [2.0], [10.0]]), np.array([[1.0, 1.0, 81.0], [16.0, 4.0, 36.0]]), D2)


def test_mismatched_columns(t):
    why = ("A has 1 column and B has 3: a ValueError, not a silent broadcast", "A 有 1 列而 B 有 3 列：抛出 ValueError，而不是悄悄广播")
    t.raises("ValueError", why, "pairwise_sq_dists", np.ones((4, 1)), np.ones((2, 3)))
    t.raises("ValueError", ("A has 2 columns and B has 3", "A 有 2 列而 B 有 3 列"), "pairwise_sq_dists", np.ones((4, 2)), np.ones((2, 3)))


def test_empty(t):
    t.close(t.call("pairwise_sq_dists", np.zeros((0, 3)), np.ones((2, 3))), np.zeros((0, 2)), ("an empty (0, 2) array", "空的 (0, 2) 数组"))


def test_nearest(t):
    A = np.array([[0.0, 0.0], [5.0, 5.0], [9.0, 0.0]])
    B = np.array([[10.0, 0.0], [4.0, 4.0], [0.5, 0.0], [20.0, 20.0]])
    got = t.call("nearest", A, B)
    t.array(got, "i", ("an integer array", "整数数组"))
    t.equal(got, [2, 1, 0], NEAR)


def test_nearest_ties(t):
    A = np.array([[0.0, 0.0], [2.0, 0.0]])
    B = np.array([[1.0, 0.0], [-1.0, 0.0], [3.0, 0.0], [1.0, 0.0]])
    t.equal(t.call("nearest", A, B), [0, 0], ("[0, 0]: several rows of B are equally close; the lowest index wins", "[0, 0]：B 中有几行同样近，取下标最小的"))


def test_nearest_random(t):
    rng = np.random.default_rng(232)
    A, B = rng.normal(size=(30, 4)), rng.normal(size=(12, 4))
    got = t.call("nearest", A, B)
    t.equal(got, np.argmin(loops(A, B), axis=1), NEAR)
