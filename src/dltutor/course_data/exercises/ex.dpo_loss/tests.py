"""Hidden tests for ex.dpo_loss."""

import math

import numpy as np

LOSS = ("mean of -log sigmoid(beta * ((pc - rc) - (pr - rr)))", "-log sigmoid(beta * ((pc - rc) - (pr - rr))) 的平均值")


def independent(pc, pr, rc, rr, beta):
    """Pair by pair, with the stable form of -log sigmoid(m) for either sign of m."""
    total = 0.0
    for a, b, c, d in zip(pc, pr, rc, rr):
        m = beta * ((a - c) - (b - d))
        total += (math.log1p(math.exp(-m)) if m >= 0 else -m + math.log1p(math.exp(m)))
    return total / len(pc)


def test_policy_equals_reference(t):
    pc, pr = np.array([-12.0, -30.5]), np.array([-9.0, -41.0])
    t.close(t.call("dpo_loss", pc, pr, pc.copy(), pr.copy()), math.log(2.0), ("log 2 = 0.693: every margin is 0 when the policy equals the reference", "log 2 = 0.693：策略等于参考模型时每个 m 都是 0"))


def test_one_pair_by_hand(t):
    # log-ratios: chosen -10 - (-11) = 1, rejected -12 - (-11) = -1; m = 0.1 * 2 = 0.2
    args = (np.array([-10.0]), np.array([-12.0]), np.array([-11.0]), np.array([-11.0]))
    t.close(t.call("dpo_loss", *args), math.log1p(math.exp(-0.2)), ("log(1 + e^-0.2) = 0.598 (m = 0.1 * (1 - (-1)) = 0.2)", "log(1 + e^-0.2) = 0.598（m = 0.1 * (1 - (-1)) = 0.2）"))


def test_reference_log_probs_matter(t):
    # the policy prefers the chosen answer by 2 nats, but the reference preferred it by 6:
    # relative to the reference the policy moved towards the rejected answer (m = 0.1 * -4)
    args = (np.array([-20.0]), np.array([-22.0]), np.array([-18.0]), np.array([-24.0]))
    t.close(t.call("dpo_loss", *args), math.log1p(math.exp(0.4)), ("log(1 + e^0.4) = 0.913: m = 0.1 * ((-20 + 18) - (-22 + 24)) = -0.4", "log(1 + e^0.4) = 0.913：m = 0.1 * ((-20 + 18) - (-22 + 24)) = -0.4"))


def test_beta(t):
    args = (np.array([-5.0, -7.0]), np.array([-6.0, -6.5]), np.array([-5.5, -7.2]), np.array([-5.8, -6.0]))
    for beta in (0.5, 2.0):
        t.close(t.call("dpo_loss", *args, beta=beta), independent(*args, beta), LOSS)


def test_batch_mean(t):
    rng = np.random.default_rng(171)
    args = tuple(rng.normal(-50.0, 10.0, size=6) for _ in range(4))
    t.close(t.call("dpo_loss", *args), independent(*args, 0.1), ("the mean over the 6 pairs, not the sum", "6 个偏好对的平均值，而不是总和"))


def test_large_margins_stable(t):
    # whole-answer log-probs in the thousands; margins -800, 0 and +900 with beta = 1
    pc = np.array([-3000.0, -1500.0, -2100.0])
    pr = np.array([-2200.0, -1500.0, -3000.0])
    rc = np.array([-2500.0, -1600.0, -2000.0])
    rr = np.array([-2500.0, -1600.0, -2000.0])
    got = t.call("dpo_loss", pc, pr, rc, rr, beta=1.0)
    t.finite(got, ("a finite loss for margins of -800 and +900", "m 为 -800 和 +900 时损失仍为有限值"))
    t.close(got, (800.0 + math.log(2.0) + 0.0) / 3, ("(800 + log 2 + 0) / 3 = 266.9", "(800 + log 2 + 0) / 3 = 266.9"))
    got = t.call("dpo_loss", np.array([-1000.0]), np.array([0.0]), np.array([0.0]), np.array([0.0]), beta=1.0)
    t.close(got, 1000.0, ("1000 for a margin of -1000", "m = -1000 时为 1000"))


def test_shape_mismatch_raises(t):
    t.raises("ValueError", ("the rejected log-probs have 2 entries, the others 3", "被拒绝回答的对数概率只有 2 个，其他都是 3 个"), "dpo_loss", np.zeros(3), np.zeros(2), np.zeros(3), np.zeros(3))


def test_random(t):
    rng = np.random.default_rng(172)
    for n, beta, scale in [(1, 0.1, 5.0), (8, 0.1, 40.0), (20, 0.05, 200.0), (5, 1.0, 3.0)]:
        args = tuple(rng.normal(-scale * 3, scale, size=n) for _ in range(4))
        t.close(t.call("dpo_loss", *args, beta=beta), independent(*args, beta), LOSS)
