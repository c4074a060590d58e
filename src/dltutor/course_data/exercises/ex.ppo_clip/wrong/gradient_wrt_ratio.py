# expect-fail: lesson_tokens, bad_token_made_more_likely
# Differentiates with respect to the ratio instead of log pi: A / N, missing the chain-rule factor ratio.
import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new, old, adv = (np.asarray(a, dtype=float) for a in (logp_new, logp_old, advantages))
    ratio = np.exp(new - old)
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1 - eps, 1 + eps) * adv
    grad = np.where(clipped < unclipped, 0.0, adv / new.size)
    return float(np.minimum(unclipped, clipped).mean()), grad
