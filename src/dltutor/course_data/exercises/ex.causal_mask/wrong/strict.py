# expect-fail: one, four
# Strictly lower (j < i): a position may not even attend to itself.
import numpy as np


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)
