import numpy as np


def ppo_clip_objective(logp_new, logp_old, advantages, eps=0.2):
    """Mean of min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A) over all tokens, and its
    gradient with respect to logp_new (same shape). Return (objective, grad).
    """
    # TODO: your code here
    raise NotImplementedError
