import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    """Multi-head self-attention of x (B, T, D) with (D, D) projections; returns (B, T, D).

    Raise ValueError when D is not divisible by num_heads.
    """
    # TODO: your code here
    raise NotImplementedError
