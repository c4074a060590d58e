# expect-fail: lesson_example, b_worse_gives_negative_z
# Subtracts the other way round: z is positive when A does better.
import math


def two_proportion_z_test(conv_a, n_a, conv_b, n_b):
    if n_a <= 0 or n_b <= 0:
        raise ValueError("group sizes must be positive")
    if not (0 <= conv_a <= n_a and 0 <= conv_b <= n_b):
        raise ValueError("conversions must lie between 0 and the group size")
    pooled = (conv_a + conv_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        return 0.0, 1.0  # no variation at all: no evidence of a difference
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (conv_a / n_a - conv_b / n_b) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def sample_size_per_arm(p_a, p_b, z_alpha=1.959964, z_power=0.841621):
    if not (0 < p_a < 1 and 0 < p_b < 1):
        raise ValueError("conversion rates must lie strictly between 0 and 1")
    if p_a == p_b:
        raise ValueError("no difference to detect")
    p_bar = (p_a + p_b) / 2
    delta = p_b - p_a
    return math.ceil((z_alpha + z_power) ** 2 * 2 * p_bar * (1 - p_bar) / delta**2)
