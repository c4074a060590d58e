# expect-fail: fractional_scale
# Uses alpha // r: an integer division that turns 1 / 4 into 0.
import numpy as np


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + (alpha // r) * (x @ A @ B)
