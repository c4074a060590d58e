"""Hidden tests for ex.ppo_clip."""

import math

import numpy as np

OBJ = ("the mean of min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A)", "min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A) 的平均值")
GRAD = ("d objective / d logp_new: ratio * A / N where the unclipped term is the minimum, else 0", "目标对 logp_new 的导数：未截断项取到最小值处为 ratio * A / N，否则为 0")


def independent(new, old, adv, eps):
    """Token by token, case by case as the lesson describes them."""
    new, old, adv = (np.asarray(a, dtype=float).ravel() for a in (new, old, adv))
    n = new.size
    obj, grad = 0.0, []
    for a, b, A in zip(new, old, adv):
        r = math.exp(a - b)
        if (A > 0 and r > 1 + eps) or (A < 0 and r < 1 - eps):
            obj += (1 + eps if A > 0 else 1 - eps) * A  # the clipped term is the minimum
            grad.append(0.0)
        else:
            obj += r * A
            grad.append(r * A / n)
    return obj / n, np.array(grad)


def run(t, new, old, adv, eps=None, obj_why=OBJ, grad_why=GRAD):
    kw = {} if eps is None else {"eps": eps}
    got = t.call("ppo_clip_objective", new, old, adv, **kw)
    obj, grad = t.unpack(got, 2, "(objective, grad)")
    want_obj, want_grad = independent(new, old, adv, 0.2 if eps is None else eps)
    t.close(obj, want_obj, obj_why)
    t.close(grad, want_grad.reshape(np.shape(new)), grad_why)


def test_unchanged_policy(t):
    old = np.log(np.array([0.3, 0.1, 0.5, 0.2]))
    adv = np.array([1.0, -2.0, 0.5, 3.0])
    got = t.call("ppo_clip_objective", old.copy(), old, adv)
    obj, grad = t.unpack(got, 2, "(objective, grad)")
    t.close(obj, 0.625, ("mean(A) = 0.625: every ratio is 1", "mean(A) = 0.625：所有比率都是 1"))
    t.close(grad, adv / 4, ("A / N: at ratio 1 nothing is clipped", "A / N：比率为 1 时没有截断"))


def test_lesson_tokens(t):
    old = np.log(np.array([0.30, 0.10, 0.50, 0.20]))
    new = np.log(np.array([0.42, 0.11, 0.35, 0.26]))  # ratios 1.4, 1.1, 0.7, 1.3
    adv = np.array([1.0, 1.0, -1.0, -1.0])
    run(t, new, old, adv, grad_why=("zero gradient for tokens 0 and 2 (clipped), 1.1/4 for token 1, -1.3/4 for token 3", "词元 0、2 被截断，梯度为 0；词元 1 为 1.1/4，词元 3 为 -1.3/4"))


def test_good_token_pushed_too_far(t):
    run(t, np.array([math.log(1.5)]), np.array([0.0]), np.array([2.0]), obj_why=("1.2 * 2 = 2.4: ratio 1.5 is clipped to 1.2 for a positive advantage", "1.2 * 2 = 2.4：优势为正时比率 1.5 被截断为 1.2"), grad_why=("0: no gradient beyond 1 + eps", "0：超过 1 + eps 后没有梯度"))


def test_bad_token_made_more_likely(t):
    run(t, np.array([math.log(1.5)]), np.array([0.0]), np.array([-2.0]), obj_why=("1.5 * -2 = -3.0: the min keeps the unclipped, worse term", "1.5 * -2 = -3.0：min 保留未截断、更差的那一项"), grad_why=("1.5 * -2 = -3.0: the gradient pushes this token back down", "1.5 * -2 = -3.0：梯度把这个词元的概率往回压"))


def test_bad_token_pushed_too_far(t):
    run(t, np.array([math.log(0.5)]), np.array([0.0]), np.array([-2.0]), obj_why=("0.8 * -2 = -1.6: ratio 0.5 is clipped to 0.8 for a negative advantage", "0.8 * -2 = -1.6：优势为负时比率 0.5 被截断为 0.8"), grad_why=("0: no gradient below 1 - eps", "0：低于 1 - eps 后没有梯度"))


def test_good_token_made_less_likely(t):
    run(t, np.array([math.log(0.5)]), np.array([0.0]), np.array([2.0]), obj_why=("0.5 * 2 = 1.0: the min keeps the unclipped term", "0.5 * 2 = 1.0：min 保留未截断的项"), grad_why=("0.5 * 2 = 1.0: the gradient raises this token again", "0.5 * 2 = 1.0：梯度重新提高这个词元的概率"))


def test_eps(t):
    old = np.log(np.array([0.2, 0.2, 0.2, 0.2, 0.2]))
    new = np.log(np.array([0.23, 0.17, 0.26, 0.15, 0.21]))  # ratios 1.15, 0.85, 1.3, 0.75, 1.05
    adv = np.array([1.0, -1.0, -0.5, 0.5, 2.0])
    run(t, new, old, adv, eps=0.1)


def test_very_low_log_probs(t):
    old = np.array([-1000.0, -950.0, -990.0])
    new = np.array([-999.9, -950.5, -990.0])  # ratios 1.105, 0.607, 1.0
    adv = np.array([1.5, -0.7, 0.3])
    got = t.call("ppo_clip_objective", new, old, adv)
    obj, grad = t.unpack(got, 2, "(objective, grad)")
    t.finite(obj, ("a finite objective for log-probs near -1000", "对数概率接近 -1000 时目标仍为有限值"))
    t.finite(grad, ("a finite gradient for log-probs near -1000", "对数概率接近 -1000 时梯度仍为有限值"))
    run(t, new, old, adv)


def test_two_d_batch(t):
    rng = np.random.default_rng(181)
    old = np.log(rng.uniform(0.05, 0.9, size=(3, 7)))
    new = old + rng.normal(scale=0.3, size=(3, 7))
    adv = rng.normal(size=(3, 7))
    run(t, new, old, adv, grad_why=("a (3, 7) gradient; the mean runs over all 21 tokens", "(3, 7) 的梯度；平均针对全部 21 个词元"))


def test_random(t):
    rng = np.random.default_rng(182)
    for n, eps, spread in [(1, 0.2, 0.1), (10, 0.2, 0.5), (40, 0.1, 0.3), (25, 0.3, 1.0)]:
        old = np.log(rng.uniform(0.01, 1.0, size=n))
        new = old + rng.normal(scale=spread, size=n)
        adv = rng.normal(size=n)
        run(t, new, old, adv, eps=eps)
