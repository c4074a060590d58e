# expect-fail: known_values, random
# Scales by r / alpha instead of alpha / r.
import numpy as np


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + (r / alpha) * (x @ A @ B)
