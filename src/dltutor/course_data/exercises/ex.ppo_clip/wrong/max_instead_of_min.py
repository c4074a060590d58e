# expect-fail: bad_token_made_more_likely, good_token_made_less_likely
# Takes the optimistic maximum of the two terms instead of the pessimistic minimum.
import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new, old, adv = (np.asarray(a, dtype=float) for a in (logp_new, logp_old, advantages))
    ratio = np.exp(new - old)
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1 - eps, 1 + eps) * adv
    grad = np.where(clipped > unclipped, 0.0, unclipped / new.size)
    return float(np.maximum(unclipped, clipped).mean()), grad
