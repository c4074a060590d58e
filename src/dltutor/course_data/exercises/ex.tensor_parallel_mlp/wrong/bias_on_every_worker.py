# expect-fail: two_workers, output_bias_added_once
# Every worker adds b2, so the all-reduced sum holds num_workers copies of the output bias.
import numpy as np


def tensor_parallel_mlp(x, W1, b1, W2, b2, num_workers):
    h = np.shape(W1)[1]
    if not 1 <= num_workers <= h:
        raise ValueError(f"num_workers must be between 1 and the {h} hidden units")
    x = np.asarray(x, dtype=float)
    partials = []
    for k, block in enumerate(np.array_split(np.arange(h), num_workers)):
        hidden = np.maximum(0.0, x @ W1[:, block] + b1[block])  # this worker's units only
        partial = hidden @ W2[block, :]
        partial = partial + b2
        partials.append(partial)
    return partials
