"""Hidden tests for ex.matmul."""

import numpy as np

PRODUCT = ("the matrix product A @ B", "矩阵乘积 A @ B")
WHY_RAISE = ("A's columns and B's rows differ", "A 的列数与 B 的行数不同")


def test_square_2x2(t):
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    B = np.array([[5.0, 6.0], [7.0, 8.0]])
    t.close(t.call("matmul", A, B), np.array([[19.0, 22.0], [43.0, 50.0]]), PRODUCT)


def test_rectangular(t):
    A = np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 1.0]])  # (2, 3)
    B = np.array([[3.0, 1.0, 0.0, 1.0], [2.0, 1.0, 1.0, 0.0], [1.0, 0.0, 2.0, -1.0]])  # (3, 4)
    t.close(t.call("matmul", A, B), A @ B, PRODUCT)


def test_identity(t):
    A = np.arange(9.0).reshape(3, 3)
    t.close(t.call("matmul", A, np.eye(3)), A, ("A itself (B is the identity)", "A 本身（B 是单位矩阵）"))


def test_row_times_column(t):
    a = np.array([[1.0, 2.0, 3.0]])
    b = np.array([[4.0], [5.0], [6.0]])
    t.close(t.call("matmul", a, b), np.array([[32.0]]), PRODUCT)
    t.close(t.call("matmul", b, a), b @ a, ("an outer product of shape (3, 3)", "形状为 (3, 3) 的外积"))


def test_inner_sizes_differ(t):
    t.raises("ValueError", WHY_RAISE, "matmul", np.ones((2, 3)), np.ones((2, 3)))
    t.raises("ValueError", WHY_RAISE, "matmul", np.ones((4, 2)), np.ones((3, 4)))


def test_random_shapes(t):
    rng = np.random.default_rng(1)
    for n, k, m in [(1, 1, 1), (5, 3, 2), (2, 7, 6), (16, 8, 4)]:
        A, B = rng.normal(size=(n, k)), rng.normal(size=(k, m))
        t.close(t.call("matmul", A, B), t.ref.matmul(A, B), PRODUCT)
