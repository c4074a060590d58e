import numpy as np


def bayes_posterior(prior, likelihoods):
    prior = np.asarray(prior, dtype=float)
    lik = np.asarray(likelihoods, dtype=float).reshape(-1, prior.shape[0])
    # log space: a product of thousands of likelihoods underflows to 0.0 in float64
    with np.errstate(divide="ignore"):  # log(0) = -inf is wanted: exp(-inf) is exactly 0
        score = np.log(prior) + np.log(lik).sum(axis=0)
    top = score.max()
    if top == -np.inf:
        raise ValueError("the observations are impossible under every hypothesis")
    e = np.exp(score - top)
    return e / e.sum()
