# expect-fail: relu_values, relu_random
# Zeroes the negatives in the caller's array instead of a copy.
import numpy as np


def relu(x):
    x[x < 0] = 0.0
    return x


def relu_grad(x):
    return (x > 0).astype(float)
