"""Hidden tests for ex.ppmi."""

import math

import numpy as np

PPMI = ("max(0, ln(C[w, c] * total / (row_w * col_c))), 0 where C is 0", "max(0, ln(C[w, c] * 总数 / (行和_w * 列和_c)))，C 为 0 处为 0")
QUIET = ("no runtime warning (no log of 0, no division by 0)", "没有运行时警告（不对 0 取对数，不除以 0）")


def independent(C):
    """Entry by entry with math.log, written apart from the reference."""
    C = np.asarray(C, dtype=float)
    total = C.sum()
    out = np.zeros(C.shape)
    for w in range(C.shape[0]):
        for c in range(C.shape[1]):
            if C[w, c] > 0:
                p_wc = C[w, c] / total
                p_w, p_c = C[w].sum() / total, C[:, c].sum() / total
                out[w, c] = max(0.0, math.log(p_wc / (p_w * p_c)))
    return out


def run(t, C, why=PPMI):
    got = t.call("ppmi", C)
    t.no_warnings(QUIET)
    t.close(got, independent(C), why)
    return got


def test_by_hand(t):
    # total 10; row sums 4, 6; column sums 5, 5
    C = np.array([[3.0, 1.0], [2.0, 4.0]])
    want = np.array([[math.log(3 * 10 / 20), 0.0], [0.0, math.log(4 * 10 / 30)]])
    t.close(t.call("ppmi", C), want, ("[[ln 1.5, 0], [0, ln(4/3)]]: the negative PMIs of the off-diagonal are clipped to 0", "[[ln 1.5, 0], [0, ln(4/3)]]：非对角线上为负的 PMI 被截为 0"))


def test_independent_counts_give_zero(t):
    C = np.outer([1.0, 2.0, 5.0], [3.0, 1.0, 4.0, 2.0])  # word and context independent
    run(t, C, ("all zeros: PMI is 0 when words and contexts are independent", "全为 0：词与上下文相互独立时 PMI 为 0"))


def test_zero_counts(t):
    C = np.array([[4.0, 0.0, 1.0], [0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    got = run(t, C)
    t.finite(got, ("finite values: 0.0 where the count is 0", "有限值：计数为 0 处为 0.0"))


def test_zero_row_and_column(t):
    C = np.array([[2.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 5.0]])  # an unused word and an unused context
    got = run(t, C, ("0.0 in the row and column that are all zero, no nan", "全零的行和列为 0.0，没有 nan"))
    t.finite(got, ("finite values", "有限值"))


def test_all_zero(t):
    got = t.call("ppmi", np.zeros((2, 3)))
    t.no_warnings(QUIET)
    t.close(got, np.zeros((2, 3)), ("all zeros for an all-zero matrix", "全零矩阵得到全零"))


def test_not_square_and_integer_counts(t):
    C = np.array([[5, 0, 2, 1], [1, 3, 0, 0]])  # 2 words, 4 contexts, integer counts
    run(t, C)
    run(t, [[1, 2], [0, 7], [4, 4]])


def test_scale_invariant(t):
    C = np.array([[1.0, 4.0, 2.0], [3.0, 1.0, 0.0]])
    t.close(t.call("ppmi", C * 1e9), independent(C), ("the same PPMI for counts multiplied by 1e9 (only ratios matter)", "计数乘以 1e9 后 PPMI 不变（只与比例有关）"))


def test_lesson_style_corpus(t):
    rng = np.random.default_rng(250)
    C = rng.poisson(0.8, size=(12, 12)).astype(float)
    C = C + C.T  # a symmetric co-occurrence matrix, with zeros
    run(t, C)


def test_random(t):
    rng = np.random.default_rng(251)
    for shape in [(1, 5), (6, 3), (20, 30)]:
        C = rng.integers(0, 6, size=shape).astype(float)
        run(t, C)
