import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    arrays = [np.asarray(a, dtype=float) for a in (policy_chosen, policy_rejected, ref_chosen, ref_rejected)]
    if any(a.shape != arrays[0].shape for a in arrays):
        raise ValueError("the four log-probability arrays must have the same shape")
    pc, pr, rc, rr = arrays
    margin = beta * ((pc - rc) - (pr - rr))
    return float(np.mean(np.logaddexp(0.0, -margin)))
