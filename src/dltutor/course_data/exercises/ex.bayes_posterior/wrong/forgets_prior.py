# expect-fail: disease_test, no_observations
# Normalises the likelihoods alone (the base-rate fallacy): the prior never enters.
import numpy as np


def bayes_posterior(prior, likelihoods):
    prior = np.asarray(prior, dtype=float)
    lik = np.asarray(likelihoods, dtype=float).reshape(-1, len(prior))
    with np.errstate(divide="ignore"):
        score = np.log(lik).sum(axis=0) + np.where(prior > 0, 0.0, -np.inf)
    if score.max() == -np.inf:
        raise ValueError("impossible observations")
    e = np.exp(score - score.max())
    return e / e.sum()
