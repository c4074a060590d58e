import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    new = np.asarray(logp_new, dtype=float)
    old = np.asarray(logp_old, dtype=float)
    adv = np.asarray(advantages, dtype=float)
    ratio = np.exp(new - old)
    unclipped = ratio * adv
    clipped = np.clip(ratio, 1.0 - eps, 1.0 + eps) * adv
    n = new.size
    objective = float(np.minimum(unclipped, clipped).sum() / n)
    # the clipped term is a constant; where it is the (strictly) smaller one, no gradient flows
    flat = clipped < unclipped
    grad = np.where(flat, 0.0, unclipped / n)
    return objective, grad
