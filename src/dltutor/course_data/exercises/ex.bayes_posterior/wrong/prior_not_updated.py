# expect-fail: two_observations, three_hypotheses, random
# Applies Bayes' rule to each observation from the original prior, so only the last one counts.
import numpy as np


def bayes_posterior(prior, likelihoods):
    prior = np.asarray(prior, dtype=float)
    post = prior.copy()
    for row in np.asarray(likelihoods, dtype=float).reshape(-1, len(prior)):
        joint = prior * row
        if joint.sum() == 0:
            raise ValueError("impossible observations")
        post = joint / joint.sum()
    return post
