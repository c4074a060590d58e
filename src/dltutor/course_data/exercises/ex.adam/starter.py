import numpy as np


def adam_step(w, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step with bias correction; t is the 1-based step count.

    Return (w_new, m_new, v_new) as new arrays (m_new, v_new uncorrected).
    """
    # TODO: your code here
    raise NotImplementedError
