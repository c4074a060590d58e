# expect-fail: large_margins_stable
# Guards the log with a small epsilon: finite, but caps each pair's loss at -log(1e-12) = 27.6.
import numpy as np


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    pc, pr, rc, rr = (np.asarray(a, dtype=float) for a in (policy_chosen, policy_rejected, ref_chosen, ref_rejected))
    if not (pc.shape == pr.shape == rc.shape == rr.shape):
        raise ValueError("shapes differ")
    m = beta * ((pc - rc) - (pr - rr))
    with np.errstate(over="ignore"):
        sig = 1.0 / (1.0 + np.exp(-m))
    return float(np.mean(-np.log(sig + 1e-12)))
