import numpy as np


def top_k_top_p_probs(logits, k=None, p=None, temperature=1.0):
    """Sampling distribution after temperature, top-k, then top-p filtering (1-D logits).

    Ties in probability: lower index first. Returns probabilities summing to 1.
    """
    # TODO: your code here
    raise NotImplementedError
