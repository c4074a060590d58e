# expect-fail: large_margins_stable
# -log(1 / (1 + exp(-m))): exp(800) overflows, the sigmoid becomes 0 and the loss inf.
import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pc, pr, rc, rr = (np.asarray(a, dtype=float) for a in (policy_chosen, policy_rejected, ref_chosen, ref_rejected))
    if not (pc.shape == pr.shape == rc.shape == rr.shape):
        raise ValueError("shapes differ")
    m = beta * ((pc - rc) - (pr - rr))
    return float(np.mean(-np.log(1.0 / (1.0 + np.exp(-m)))))
