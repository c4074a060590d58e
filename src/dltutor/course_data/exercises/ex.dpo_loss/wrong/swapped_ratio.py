# expect-fail: one_pair_by_hand, reference_log_probs_matter
# Takes each log-ratio the wrong way round (reference minus policy), which flips the margin's sign.
import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pc, pr, rc, rr = (np.asarray(a, dtype=float) for a in (policy_chosen, policy_rejected, ref_chosen, ref_rejected))
    if not (pc.shape == pr.shape == rc.shape == rr.shape):
        raise ValueError("shapes differ")
    m = beta * ((rc - pc) - (rr - pr))
    return float(np.mean(np.logaddexp(0.0, -m)))
