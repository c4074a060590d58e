"""Hidden tests for ex.mlp_forward_backward."""

import numpy as np

KEYS = ("W1", "b1", "W2", "b2")
OUT = ("relu(X @ W1 + b1) @ W2 + b2", "relu(X @ W1 + b1) @ W2 + b2")


def make(seed, n, d, h, c):
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(d, h)),
        "b1": rng.normal(size=h),
        "W2": rng.normal(size=(h, c)),
        "b2": rng.normal(size=c),
    }
    return rng.normal(size=(n, d)), params, rng.normal(size=(n, c))


def forward(t, X, params):
    got, handle = t.call_keep("mlp_forward", X, params)
    out, _ = t.unpack(got, 2, "(out, cache)")
    return out, t.kept(handle, 1, label="<the cache your mlp_forward returned>")


def check_grads(t, grads, want):
    t.expect(isinstance(grads, dict) and set(grads) == set(KEYS), ("a dict with keys W1, b1, W2, b2", "键为 W1、b1、W2、b2 的字典"), grads)
    for k in KEYS:
        t.close(grads[k], want[k], (f"d sum(out*dout) / d {k}", f"sum(out*dout) 对 {k} 的梯度"))


def test_forward_known(t):
    X = np.array([[1.0, -1.0]])
    params = {"W1": np.array([[1.0, 2.0], [3.0, -1.0]]), "b1": np.array([0.5, 0.0]), "W2": np.array([[1.0], [2.0]]), "b2": np.array([0.25])}
    # a = [1 - 3 + 0.5, 2 + 1] = [-1.5, 3] -> h = [0, 3] -> out = 6.25
    out, _ = forward(t, X, params)
    t.close(out, np.array([[6.25]]), OUT)


def test_forward_random(t):
    X, params, _ = make(21, 5, 4, 6, 3)
    out, _ = forward(t, X, params)
    t.close(out, t.ref.mlp_forward(X, params)[0], OUT)


def test_gradients_known(t):
    X = np.array([[1.0, -1.0], [0.5, 2.0]])
    params = {"W1": np.array([[1.0, 2.0], [3.0, -1.0]]), "b1": np.array([0.5, 0.0]), "W2": np.array([[1.0], [2.0]]), "b2": np.array([0.25])}
    dout = np.array([[1.0], [-2.0]])
    _, cache = forward(t, X, params)
    want = t.ref.mlp_backward(dout, t.ref.mlp_forward(X, params)[1])
    check_grads(t, t.call("mlp_backward", dout, cache), want)


def test_gradients_random(t):
    for seed, shape in [(22, (1, 3, 4, 2)), (23, (8, 5, 7, 3)), (24, (16, 10, 12, 4))]:
        X, params, dout = make(seed, *shape)
        _, cache = forward(t, X, params)
        want = t.ref.mlp_backward(dout, t.ref.mlp_forward(X, params)[1])
        check_grads(t, t.call("mlp_backward", dout, cache), want)


def test_gradients_match_finite_differences(t):
    X, params, dout = make(25, 3, 2, 3, 2)
    _, cache = forward(t, X, params)
    grads = t.call("mlp_backward", dout, cache)
    want = {}
    for k in KEYS:
        g = np.zeros_like(params[k])
        for idx in np.ndindex(params[k].shape):
            p_plus = {kk: v.copy() for kk, v in params.items()}
            p_minus = {kk: v.copy() for kk, v in params.items()}
            p_plus[k][idx] += 1e-6
            p_minus[k][idx] -= 1e-6
            f_plus = np.sum(t.ref.mlp_forward(X, p_plus)[0] * dout)
            f_minus = np.sum(t.ref.mlp_forward(X, p_minus)[0] * dout)
            g[idx] = (f_plus - f_minus) / 2e-6
        want[k] = g
    t.expect(isinstance(grads, dict) and set(grads) == set(KEYS), ("a dict with keys W1, b1, W2, b2", "键为 W1、b1、W2、b2 的字典"), grads)
    for k in KEYS:
        t.close(grads[k], want[k], (f"the finite-difference gradient for {k}", f"{k} 的有限差分梯度"), rtol=1e-4, atol=1e-5)


def test_cache_is_per_call(t):
    X1, params1, dout = make(26, 4, 3, 5, 2)
    X2, params2, _ = make(27, 4, 3, 5, 2)
    _, cache1 = forward(t, X1, params1)
    forward(t, X2, params2)
    want = t.ref.mlp_backward(dout, t.ref.mlp_forward(X1, params1)[1])
    check_grads(t, t.call("mlp_backward", dout, cache1), want)
