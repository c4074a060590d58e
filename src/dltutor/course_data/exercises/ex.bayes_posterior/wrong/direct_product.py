# expect-fail: many_observations_do_not_underflow
# Multiplies the likelihoods directly: after 2000 observations every product underflows to 0.0,
# so the data look impossible (or, without the check, 0/0 gives nan).
import numpy as np


def bayes_posterior(prior, likelihoods):
    prior = np.asarray(prior, dtype=float)
    joint = prior * np.prod(np.asarray(likelihoods, dtype=float).reshape(-1, len(prior)), axis=0)
    if joint.sum() == 0:
        raise ValueError("impossible observations")
    return joint / joint.sum()
