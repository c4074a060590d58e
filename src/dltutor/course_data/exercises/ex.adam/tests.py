"""Hidden tests for ex.adam."""

import numpy as np

WHY = {
    "w": ("w - lr * m_hat / (sqrt(v_hat) + eps)", "w - lr * m_hat / (sqrt(v_hat) + eps)"),
    "m": ("m_new = beta1*m + (1-beta1)*grad (uncorrected)", "m_new = beta1*m + (1-beta1)*grad（未修正）"),
    "v": ("v_new = beta2*v + (1-beta2)*grad**2 (uncorrected)", "v_new = beta2*v + (1-beta2)*grad**2（未修正）"),
}


def step(t, *args, **kw):
    got = t.call("adam_step", *args, **kw)
    return t.unpack(got, 3, "(w_new, m_new, v_new)")


def compare(t, got, want):
    for name, g, w in zip("wmv", got, want):
        t.close(g, w, WHY[name])


def test_first_step(t):
    w, g = np.array([1.0, -1.0, 0.5]), np.array([0.2, -0.4, 1.0])
    z = np.zeros(3)
    got = step(t, w, g, z, z.copy(), 1)
    # with bias correction the first step moves each weight by about lr * sign(grad)
    compare(t, got, t.ref.adam_step(w, g, z, z, 1))


def test_several_steps(t):
    rng = np.random.default_rng(29)
    w = rng.normal(size=4)
    m, v = np.zeros(4), np.zeros(4)
    w_ref, m_ref, v_ref = w.copy(), m.copy(), v.copy()
    for step_no in range(1, 6):
        g = rng.normal(size=4)
        w, m, v = (t.array(x) for x in step(t, w, g, m, v, step_no, lr=0.01))
        w_ref, m_ref, v_ref = t.ref.adam_step(w_ref, g, m_ref, v_ref, step_no, lr=0.01)
    compare(t, (w, m, v), (w_ref, m_ref, v_ref))


def test_later_step_and_options(t):
    rng = np.random.default_rng(30)
    w, g = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    m, v = rng.normal(size=(2, 3)) * 0.1, rng.random((2, 3)) * 0.01
    kw = dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    compare(t, step(t, w, g, m, v, 100, **kw), t.ref.adam_step(w, g, m, v, 100, **kw))


def test_tiny_gradients(t):
    w, g = np.array([0.0, 1.0]), np.array([1e-6, -1e-7])
    z = np.zeros(2)
    compare(t, step(t, w, g, z, z.copy(), 1), t.ref.adam_step(w, g, z, z, 1))


def test_zero_gradient_keeps_w(t):
    w = np.array([0.25, -3.0])
    got = step(t, w, np.zeros(2), np.zeros(2), np.zeros(2), 3)
    t.close(got[0], w, ("w unchanged when the gradient and the moments are zero", "梯度与矩都为零时 w 不变"))
