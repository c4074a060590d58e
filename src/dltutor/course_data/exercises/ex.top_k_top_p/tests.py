"""Hidden tests for ex.top_k_top_p."""

import numpy as np

DIST = ("the filtered, renormalised distribution", "截断并重新归一化后的分布")


def check(t, logits, why=DIST, **kw):
    t.close(t.call("top_k_top_p_probs", logits, **kw), t.ref.top_k_top_p_probs(logits, **kw), why)


def test_no_filtering_is_softmax(t):
    logits = np.array([1.0, 2.0, 0.5, -1.0])
    e = np.exp(logits - logits.max())
    t.close(t.call("top_k_top_p_probs", logits), e / e.sum(), ("the plain softmax when k and p are None", "k、p 都为 None 时就是 softmax"))


def test_top_k_only(t):
    check(t, np.array([0.1, 3.0, 2.0, -1.0, 2.5]), ("only the 2 most probable tokens (1 and 4), renormalised", "只保留概率最大的 2 个词元（1 和 4）并重新归一化"), k=2)


def test_top_p_only(t):
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]))
    check(t, logits, ("tokens 0 and 1 (0.5 + 0.3 >= 0.6), renormalised", "词元 0 和 1（0.5 + 0.3 >= 0.6），重新归一化"), p=0.6)


def test_top_p_includes_crossing_token(t):
    logits = np.log(np.array([0.1, 0.6, 0.3]))
    check(t, logits, ("tokens 1 and 2: the token that reaches p is kept", "词元 1 和 2：使累计和达到 p 的那个词元要保留"), p=0.65)


def test_k_then_p(t):
    logits = np.log(np.array([0.4, 0.3, 0.2, 0.1]))
    # after top-3: [0.444, 0.333, 0.222]; p = 0.75 then needs tokens 0 and 1
    check(t, logits, ("top-3 first, then top-p on the renormalised distribution", "先取前 3 个，再在重新归一化后的分布上做 top-p"), k=3, p=0.75)


def test_ties_lower_index_first(t):
    check(t, np.zeros(4), ("[0.5, 0.5, 0, 0]: ties keep the lower indices", "[0.5, 0.5, 0, 0]：概率相同时保留下标小的"), k=2)
    check(t, np.array([1.0, 2.0, 2.0, 1.0]), ("equal logits 1 and 2: index 1 kept first", "logits 相同的 1 和 2：先保留下标 1"), k=1)
    check(t, np.zeros(4), ("tokens 0 and 1: two of four equal tokens reach p = 0.5", "词元 0 和 1：四个等概率词元中的两个就达到 p = 0.5"), p=0.5)


def test_temperature(t):
    logits = np.array([1.0, 2.0, 3.0])
    check(t, logits, ("the softmax of logits / 2", "logits / 2 的 softmax"), temperature=2.0)
    check(t, logits, ("the softmax of logits / 0.5", "logits / 0.5 的 softmax"), temperature=0.5)


def test_random(t):
    rng = np.random.default_rng(52)
    for k, p, temp in [(5, None, 1.0), (None, 0.9, 0.7), (10, 0.8, 1.5), (1, 0.3, 1.0), (50, 0.95, 1.0)]:
        logits = rng.normal(scale=2.0, size=40)
        check(t, logits, k=k, p=p, temperature=temp)
