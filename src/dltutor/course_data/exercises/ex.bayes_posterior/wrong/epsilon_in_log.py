# expect-fail: zero_prior_stays_zero, zero_likelihood_rules_out, impossible_data
# Adds 1e-12 inside the logarithm "to avoid log(0)": an impossible hypothesis keeps a tiny
# probability, and impossible data never raise.
import numpy as np


def bayes_posterior(prior, likelihoods):
    prior = np.asarray(prior, dtype=float)
    lik = np.asarray(likelihoods, dtype=float).reshape(-1, len(prior))
    score = np.log(prior + 1e-12) + np.log(lik + 1e-12).sum(axis=0)
    e = np.exp(score - score.max())
    return e / e.sum()
