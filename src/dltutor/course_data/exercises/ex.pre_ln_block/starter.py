import numpy as np


def pre_ln_block(x, params, causal=False):
    """One pre-LN Transformer block on x of shape (T, d) or (B, T, d):
    h = x + Attn(LN1(x)); y = h + FFN(LN2(h)). Single-head attention, ReLU FFN, eps = 1e-5.
    """
    # TODO: your code here
    raise NotImplementedError
