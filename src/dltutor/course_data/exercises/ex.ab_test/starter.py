import math

import numpy as np


def two_proportion_z_test(conv_a, n_a, conv_b, n_b):
    """Pooled two-proportion z-test of B against A; return (z, two-sided p-value)."""
    # TODO: your code here
    raise NotImplementedError


def sample_size_per_arm(p_a, p_b, z_alpha=1.959964, z_power=0.841621):
    """Users per group to detect p_a versus p_b (two-sided alpha, given power), rounded up."""
    # TODO: your code here
    raise NotImplementedError
