import numpy as np


def bayes_posterior(prior, likelihoods):
    """P(h | d_1, ..., d_M) for K hypotheses after M conditionally independent observations.

    prior: (K,); likelihoods: (M, K), likelihoods[m, k] = P(d_m | h_k). Return (K,).
    """
    # TODO: your code here
    raise NotImplementedError
