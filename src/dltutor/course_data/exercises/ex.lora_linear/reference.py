import numpy as np


def lora_forward(x, W, A, B, alpha, r):
    x = np.asarray(x, dtype=float)
    return x @ W + (alpha / r) * ((x @ A) @ B)
