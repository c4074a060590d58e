"""Hidden tests for ex.magnitude_pruning."""

import numpy as np


def run(t, w, s, why):
    got = t.call("prune_by_magnitude", w, s)
    w_pruned, mask = t.unpack(got, 2, "(w_pruned, mask)")
    want_w, want_mask = t.ref.prune_by_magnitude(w, s)
    t.array(mask, "b", ("a boolean mask", "布尔类型的掩码"))
    t.equal(mask, want_mask, why)
    t.close(w_pruned, want_w, ("w with the pruned entries set to 0", "被剪掉的元素置 0 后的 w"))


def test_known_values(t):
    w = np.array([0.5, -3.0, 0.1, 2.0, -0.2, 1.0])
    run(t, w, 0.5, ("[T, T, F, T, F, F]: the 3 smallest |w| (0.1, -0.2, 0.5) pruned", "[T, T, F, T, F, F]：剪掉 |w| 最小的 3 个（0.1、-0.2、0.5）"))


def test_ties_lower_index_first(t):
    w = np.array([1.0, -1.0, 1.0, 3.0, -1.0])
    run(t, w, 0.4, ("[F, F, T, T, T]: of the equal magnitudes, indices 0 and 1 go first", "[F, F, T, T, T]：绝对值相同时先剪下标 0 和 1"))


def test_floor_of_count(t):
    w = np.array([4.0, 1.0, 3.0, 2.0, 5.0])
    run(t, w, 0.5, ("floor(0.5 * 5) = 2 entries pruned", "剪掉 floor(0.5 * 5) = 2 个元素"))
    run(t, w, 0.39, ("floor(0.39 * 5) = 1 entry pruned", "剪掉 floor(0.39 * 5) = 1 个元素"))


def test_extremes(t):
    w = np.array([[1.0, -2.0], [3.0, 0.5]])
    run(t, w, 0.0, ("nothing pruned at sparsity 0", "sparsity 为 0 时不剪"))
    run(t, w, 1.0, ("everything pruned at sparsity 1", "sparsity 为 1 时全部剪掉"))


def test_matrix_shape(t):
    w = np.random.default_rng(64).normal(size=(4, 6))
    run(t, w, 0.75, ("the mask of the 6 largest |w|, shaped like w", "保留 |w| 最大的 6 个，形状与 w 相同"))


def test_random(t):
    rng = np.random.default_rng(65)
    for shape, s in [((10,), 0.3), ((5, 5), 0.9), ((2, 3, 4), 0.5)]:
        w = np.round(rng.normal(size=shape), 1)  # rounding makes ties likely
        run(t, w, s, ("the mask of the kept entries", "保留元素的掩码"))
