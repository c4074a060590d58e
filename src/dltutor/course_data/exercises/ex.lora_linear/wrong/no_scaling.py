# expect-fail: known_values, random
# Leaves out the alpha / r scale.
import numpy as np


def lora_forward(x, W, A, B, alpha, r):
    return x @ W + x @ A @ B
