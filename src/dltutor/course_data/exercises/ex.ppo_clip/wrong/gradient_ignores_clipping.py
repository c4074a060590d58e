# expect-fail: lesson_tokens, good_token_pushed_too_far, bad_token_pushed_too_far
# Gets the objective right but gives every token the gradient ratio * A / N, clipped or not.
import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new, old, adv = (np.asarray(a, dtype=float) for a in (logp_new, logp_old, advantages))
    ratio = np.exp(new - old)
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1 - eps, 1 + eps) * adv
    return float(np.minimum(unclipped, clipped).mean()), unclipped / new.size
