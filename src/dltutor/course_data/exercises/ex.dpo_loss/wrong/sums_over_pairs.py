# expect-fail: policy_equals_reference, batch_mean
# Sums the pairs' losses instead of averaging them.
import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pc, pr, rc, rr = (np.asarray(a, dtype=float) for a in (policy_chosen, policy_rejected, ref_chosen, ref_rejected))
    if not (pc.shape == pr.shape == rc.shape == rr.shape):
        raise ValueError("shapes differ")
    m = beta * ((pc - rc) - (pr - rr))
    return float(np.sum(np.logaddexp(0.0, -m)))
