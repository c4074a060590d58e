# expect-fail: two_workers, relu_inside_each_worker
# Splits the input features (rows of W1) instead of the hidden units, applying the ReLU to partial sums.
import numpy as np


def tensor_parallel_mlp(x, W1, b1, W2, b2, num_workers):
    h = np.shape(W1)[1]
    if not 1 <= num_workers <= h:
        raise ValueError(f"num_workers must be between 1 and the {h} hidden units")
    x = np.asarray(x, dtype=float)
    partials = []
    for k, block in enumerate(np.array_split(np.arange(x.shape[1]), num_workers)):
        hidden = np.maximum(0.0, x[:, block] @ W1[block, :] + (b1 if k == 0 else 0.0))
        partial = hidden @ W2
        if k == 0:
            partial = partial + b2  # the output bias once, not once per worker
        partials.append(partial)
    return partials
