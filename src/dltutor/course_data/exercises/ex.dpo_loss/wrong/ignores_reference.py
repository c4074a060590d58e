# expect-fail: reference_log_probs_matter, random
# Leaves the reference model out: the margin is beta * (log pi(y_w) - log pi(y_l)).
import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pc, pr = np.asarray(policy_chosen, dtype=float), np.asarray(policy_rejected, dtype=float)
    if not (pc.shape == pr.shape == np.shape(ref_chosen) == np.shape(ref_rejected)):
        raise ValueError("shapes differ")
    m = beta * (pc - pr)
    return float(np.mean(np.logaddexp(0.0, -m)))
