"""Hidden tests for ex.sgd_momentum."""

import numpy as np

W = ("w + v_new", "w + v_new")
V = ("momentum*velocity - lr*grad", "momentum*velocity - lr*grad")


def step(t, *args, **kw):
    w_new, v_new = t.unpack(t.call("sgd_momentum_step", *args, **kw), 2, "(w_new, v_new)")
    return w_new, v_new


def test_one_step(t):
    w, g, v = np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([0.1, -0.2])
    w_new, v_new = step(t, w, g, v, lr=0.1, momentum=0.5)
    t.close(v_new, np.array([0.0, -0.2]), V)
    t.close(w_new, np.array([1.0, -2.2]), W)


def test_defaults(t):
    w, g, v = np.array([0.3, 0.1, -0.4]), np.array([1.0, -1.0, 2.0]), np.array([0.05, 0.0, -0.1])
    w_new, v_new = step(t, w, g, v)
    want_w, want_v = t.ref.sgd_momentum_step(w, g, v)
    t.close(v_new, want_v, ("v_new with the defaults lr=0.01, momentum=0.9", "使用默认值 lr=0.01、momentum=0.9 的 v_new"))
    t.close(w_new, want_w, W)


def test_from_rest(t):
    w, g = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [0.0, -1.0]])
    w_new, v_new = step(t, w, g, np.zeros((2, 2)), lr=0.5)
    t.close(v_new, -0.5 * g, ("-lr*grad when starting from velocity 0", "速度为 0 时等于 -lr*grad"))
    t.close(w_new, w - 0.5 * g, W)


def test_several_steps(t):
    rng = np.random.default_rng(28)
    w, v = rng.normal(size=5), np.zeros(5)
    w_ref, v_ref = w.copy(), v.copy()
    for _ in range(5):
        g = rng.normal(size=5)
        w, v = step(t, w, g, v, lr=0.05, momentum=0.8)
        w_ref, v_ref = t.ref.sgd_momentum_step(w_ref, g, v_ref, lr=0.05, momentum=0.8)
        w, v = t.array(w), t.array(v)
    t.close(w, w_ref, ("w after five steps", "五步之后的 w"))
    t.close(v, v_ref, ("the velocity after five steps", "五步之后的速度"))
