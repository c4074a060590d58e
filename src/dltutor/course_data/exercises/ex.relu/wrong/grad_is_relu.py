# expect-fail: grad_values, grad_random
# Returns relu(x) itself as the "gradient" (a mix-up of the function and its derivative).
import numpy as np


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    return np.maximum(x, 0.0)
