# expect-fail: bad_token_made_more_likely, good_token_made_less_likely
# Uses only the clipped term: a token moved the wrong way is then clipped too, and never pulled back.
import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new, old, adv = (np.asarray(a, dtype=float) for a in (logp_new, logp_old, advantages))
    ratio = np.exp(new - old)
    inside = (ratio > 1 - eps) & (ratio < 1 + eps)
    grad = np.where(inside, ratio * adv / new.size, 0.0)
    return float((np.clip(ratio, 1 - eps, 1 + eps) * adv).mean()), grad
