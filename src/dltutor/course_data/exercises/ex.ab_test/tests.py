"""Hidden tests for ex.ab_test."""

import math

import numpy as np

Z = ("the pooled z statistic (B minus A)", "合并标准误的 z 统计量（B 减 A）")
P = ("the two-sided p-value erfc(|z| / sqrt(2))", "双侧 p 值 erfc(|z| / sqrt(2))")


def normal_cdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2)))


def independent_test(xa, na, xb, nb):
    p = (xa + xb) / (na + nb)
    z = (xb / nb - xa / na) / math.sqrt(p * (1 - p) / na + p * (1 - p) / nb)
    return z, 2 * (1 - normal_cdf(abs(z)))


def check_test(t, xa, na, xb, nb, z_why=Z, p_why=P):
    got = t.call("two_proportion_z_test", xa, na, xb, nb)
    z, p = t.unpack(got, 2, "(z, p_value)")
    want_z, want_p = independent_test(xa, na, xb, nb)
    t.close(z, want_z, z_why)
    t.close(p, want_p, p_why)


def test_lesson_example(t):
    check_test(t, 1000, 10_000, 1100, 10_000, ("z = 2.30 for 10.0% versus 11.0%", "10.0% 对 11.0% 时 z = 2.30"), ("p = 0.021, two-sided", "双侧 p = 0.021"))


def test_b_worse_gives_negative_z(t):
    check_test(t, 1100, 10_000, 1000, 10_000, ("z = -2.30: B converts less than A", "z = -2.30：B 的转化率低于 A"), ("the same p = 0.021", "同样是 p = 0.021"))


def test_pooled_standard_error(t):
    check_test(t, 30, 100, 90, 200, ("z for rates 0.30 and 0.45, with the pooled rate 0.40 in the standard error", "转化率 0.30 与 0.45 的 z，标准误中用合并转化率 0.40"))


def test_p_value_two_sided(t):
    got = t.call("two_proportion_z_test", 500, 5000, 562, 5000)
    z, p = t.unpack(got, 2, "(z, p_value)")
    want_z, want_p = independent_test(500, 5000, 562, 5000)
    t.close(z, want_z, Z)
    t.close(p, want_p, (f"p = {want_p:.4f}: both tails, P(|Z| >= {want_z:.3f})", f"p = {want_p:.4f}：两侧尾部之和 P(|Z| >= {want_z:.3f})"))


def test_no_variation(t):
    got = t.call("two_proportion_z_test", 0, 50, 0, 70)
    t.close(t.array(got), np.array([0.0, 1.0]), ("(0.0, 1.0): nobody converted in either group", "(0.0, 1.0)：两组都没有人转化"))
    got = t.call("two_proportion_z_test", 50, 50, 70, 70)
    t.close(t.array(got), np.array([0.0, 1.0]), ("(0.0, 1.0): everybody converted", "(0.0, 1.0)：所有人都转化了"))


def test_bad_counts_raise(t):
    t.raises("ValueError", ("60 conversions in a group of 50", "50 人的组里有 60 次转化"), "two_proportion_z_test", 60, 50, 10, 50)
    t.raises("ValueError", ("group A is empty", "A 组为空"), "two_proportion_z_test", 0, 0, 10, 50)
    t.raises("ValueError", ("a negative count", "转化数为负"), "two_proportion_z_test", 5, 50, -1, 50)


def test_sample_size_lesson_example(t):
    got = t.call("sample_size_per_arm", 0.10, 0.11)
    t.equal(got, 14752, ("14752 per arm: 14751.97 rounded up", "每组 14752：14751.97 向上取整"))


def test_sample_size_other_levels(t):
    # alpha = 0.01 (z = 2.575829), power 0.9 (z = 1.281552), B worse than A
    want = math.ceil((2.575829 + 1.281552) ** 2 * 2 * 0.175 * 0.825 / 0.05**2)
    got = t.call("sample_size_per_arm", 0.20, 0.15, z_alpha=2.575829, z_power=1.281552)
    t.equal(got, want, (f"{want} per arm for 20% versus 15% at alpha 0.01 and power 0.9", f"20% 对 15%、alpha 0.01、功效 0.9 时每组 {want}"))
    for pa, pb in [(0.5, 0.52), (0.03, 0.035), (0.9, 0.8)]:
        pbar, d = (pa + pb) / 2, pb - pa
        want = math.ceil((1.959964 + 0.841621) ** 2 * 2 * pbar * (1 - pbar) / d**2)
        t.equal(t.call("sample_size_per_arm", pa, pb), want, ("n = ceil((z_alpha + z_power)^2 * 2 p(1-p) / delta^2), p the mean rate", "n = ceil((z_alpha + z_power)^2 * 2 p(1-p) / delta^2)，p 为平均转化率"))


def test_sample_size_bad_input_raises(t):
    t.raises("ValueError", ("equal rates: no difference to detect", "转化率相同：没有差异可检测"), "sample_size_per_arm", 0.1, 0.1)
    t.raises("ValueError", ("a rate of 0", "转化率为 0"), "sample_size_per_arm", 0.0, 0.1)
    t.raises("ValueError", ("a rate above 1", "转化率大于 1"), "sample_size_per_arm", 0.5, 1.2)


def test_random(t):
    rng = np.random.default_rng(241)
    for _ in range(6):
        na, nb = int(rng.integers(20, 20_000)), int(rng.integers(20, 20_000))
        ra = rng.uniform(0.02, 0.6)
        rb = ra + rng.uniform(-0.05, 0.05)
        xa, xb = int(rng.binomial(na, ra)), int(rng.binomial(nb, min(max(rb, 0.01), 0.99)))
        check_test(t, xa, na, xb, nb)
