import numpy as np


def additive_attention(query, keys, values, Wq, Wk, w, src_lens=None):
    """Scores w . tanh(Wq q + Wk k_j), softmax over each sentence's real positions, context = sum_j a_j v_j.

    query (B, dq), keys (B, T, dk), values (B, T, dv); Wq (h, dq), Wk (h, dk), w (h,).
    Return (context (B, dv), weights (B, T)).
    """
    # TODO: your code here
    raise NotImplementedError
