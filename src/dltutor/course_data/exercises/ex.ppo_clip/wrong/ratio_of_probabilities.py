# expect-fail: very_low_log_probs
# Forms the ratio as exp(new) / exp(old): for log-probs near -1000 that is 0 / 0 = nan.
import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new, old, adv = (np.asarray(a, dtype=float) for a in (logp_new, logp_old, advantages))
    ratio = np.exp(new) / np.exp(old)
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1 - eps, 1 + eps) * adv
    grad = np.where(clipped < unclipped, 0.0, unclipped / new.size)
    return float(np.minimum(unclipped, clipped).mean()), grad
