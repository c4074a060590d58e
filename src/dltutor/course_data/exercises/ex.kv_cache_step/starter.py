import numpy as np


def kv_cache_step(x_t, K_cache, V_cache, Wq, Wk, Wv):
    """Append the new token's key and value to the caches and attend over all of them.

    x_t (B, d); caches (B, t, dk) and (B, t, dv). Return (out (B, dv), K_new, V_new).
    """
    # TODO: your code here
    raise NotImplementedError
