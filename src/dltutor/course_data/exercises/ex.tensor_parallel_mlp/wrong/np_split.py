# expect-fail: uneven_split
# Uses np.split, which refuses hidden sizes that num_workers does not divide.
import numpy as np


def tensor_parallel_mlp(x, W1, b1, W2, b2, num_workers):
    h = np.shape(W1)[1]
    if not 1 <= num_workers <= h:
        raise ValueError(f"num_workers must be between 1 and the {h} hidden units")
    x = np.asarray(x, dtype=float)
    partials = []
    for k, block in enumerate(np.split(np.arange(h), num_workers)):
        hidden = np.maximum(0.0, x @ W1[:, block] + b1[block])  # this worker's units only
        partial = hidden @ W2[block, :]
        if k == 0:
            partial = partial + b2  # the output bias once, not once per worker
        partials.append(partial)
    return partials
