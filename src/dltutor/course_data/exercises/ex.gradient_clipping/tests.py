"""Hidden tests for ex.gradient_clipping."""

import numpy as np

NORM = ("the global L2 norm before clipping", "裁剪前的全局 L2 范数")


def run(t, grads, max_norm, **tol):
    got = t.call("clip_grad_norm", grads, max_norm)
    clipped, total = t.unpack(got, 2, "(clipped, total_norm)")
    want_clipped, want_total = t.ref.clip_grad_norm(grads, max_norm)
    t.close(total, want_total, NORM)
    t.expect(isinstance(clipped, list | tuple) and len(clipped) == len(grads), (f"a list of {len(grads)} arrays", f"包含 {len(grads)} 个数组的列表"), clipped)
    for i, (c, w) in enumerate(zip(clipped, want_clipped)):
        t.close(c, w, (f"array {i} after clipping", f"裁剪后的第 {i} 个数组"), **tol)


def test_below_the_limit_unchanged(t):
    run(t, [np.array([0.3, -0.4]), np.array([[0.1]])], 5.0, rtol=0, atol=0)


def test_two_arrays_scaled_together(t):
    grads = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]  # global norm 5
    got = t.call("clip_grad_norm", grads, 1.0)
    clipped, total = t.unpack(got, 2, "(clipped, total_norm)")
    t.close(total, 5.0, NORM)
    s = 1.0 / (5.0 + 1e-6)
    t.close(clipped[0], np.array([3.0 * s, 0.0]), ("[3, 0] * max_norm / (total_norm + 1e-6)", "[3, 0] * max_norm / (total_norm + 1e-6)"))
    t.close(clipped[1], np.array([[0.0], [4.0 * s]]), ("[[0], [4]] * max_norm / (total_norm + 1e-6)", "[[0], [4]] * max_norm / (total_norm + 1e-6)"))


def test_exactly_at_the_limit(t):
    run(t, [np.array([3.0, 4.0])], 5.0, rtol=1e-12, atol=0)


def test_single_big_gradient(t):
    run(t, [np.full((3, 3), 10.0)], 0.5)


def test_random(t):
    rng = np.random.default_rng(31)
    for max_norm in (0.1, 1.0, 100.0):
        grads = [rng.normal(size=s) for s in [(4,), (2, 3), (3, 2, 2)]]
        run(t, grads, max_norm)
