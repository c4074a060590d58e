"""Hidden tests for ex.bayes_posterior."""

import math

import numpy as np

POST = ("the posterior: prior times the likelihoods, normalised", "后验：先验乘以各似然，再归一化")


def independent(prior, lik):
    """Written apart from the reference: log-scores with math.fsum, then a shifted exp."""
    K = len(prior)
    scores = []
    for k in range(K):
        col = [row[k] for row in lik]
        if prior[k] == 0 or any(v == 0 for v in col):
            scores.append(-math.inf)
        else:
            scores.append(math.log(prior[k]) + math.fsum(math.log(v) for v in col))
    top = max(scores)
    e = [math.exp(s - top) if s > -math.inf else 0.0 for s in scores]
    return np.array(e) / sum(e)


def check(t, prior, lik, why=POST):
    got = t.call("bayes_posterior", prior, lik)
    t.close(got, independent(np.asarray(prior, dtype=float), np.asarray(lik, dtype=float).reshape(-1, len(prior))), why)
    return t.array(got)


def test_disease_test(t):
    # 1% ill; P(+ | ill) = 0.99, P(+ | healthy) = 0.05; one positive test
    got = t.call("bayes_posterior", np.array([0.01, 0.99]), np.array([[0.99, 0.05]]))
    t.close(got, np.array([1 / 6, 5 / 6]), ("P(ill | +) = 0.0099 / 0.0594 = 1/6", "P(患病 | +) = 0.0099 / 0.0594 = 1/6"))


def test_two_observations(t):
    got = t.call("bayes_posterior", np.array([0.01, 0.99]), np.array([[0.99, 0.05], [0.99, 0.05]]))
    want = np.array([0.99**2 * 0.01, 0.05**2 * 0.99])
    t.close(got, want / want.sum(), ("two positive tests: both likelihoods multiply", "两次阳性：两个似然相乘"))


def test_no_observations(t):
    prior = np.array([0.2, 0.5, 0.3])
    t.close(t.call("bayes_posterior", prior, np.zeros((0, 3))), prior, ("the prior itself when M = 0", "M = 0 时就是先验本身"))


def test_three_hypotheses(t):
    # which coin: P(heads) = 0.2, 0.5 or 0.8; observed heads, heads, tails
    heads, tails = [0.2, 0.5, 0.8], [0.8, 0.5, 0.2]
    check(t, np.array([1 / 3, 1 / 3, 1 / 3]), np.array([heads, heads, tails]))
    check(t, [0.6, 0.3, 0.1], [heads, heads, heads, heads])


def test_many_observations_do_not_underflow(t):
    rng = np.random.default_rng(190)
    lik = rng.uniform(0.05, 0.5, size=(2000, 4))  # the products are around 1e-1000
    got = check(t, np.array([0.1, 0.2, 0.3, 0.4]), lik, ("the posterior after 2000 observations (the products underflow float64)", "2000 次观测后的后验（乘积会在 float64 中下溢）"))
    t.finite(got, ("finite probabilities after 2000 observations", "2000 次观测后仍是有限的概率"))


def test_zero_prior_stays_zero(t):
    got = check(t, np.array([0.0, 0.5, 0.5]), np.array([[0.9, 0.1, 0.2]]))
    t.expect(got[0] == 0.0, ("exactly 0.0 for a hypothesis with prior 0", "先验为 0 的假设后验恰为 0.0"), got)


def test_zero_likelihood_rules_out(t):
    lik = np.array([[0.5, 0.4, 0.3], [0.0, 0.6, 0.2], [0.7, 0.2, 0.9]])
    got = check(t, np.array([0.5, 0.25, 0.25]), lik)
    t.expect(got[0] == 0.0, ("exactly 0.0 for a hypothesis under which an observation is impossible", "某次观测在该假设下不可能时，后验恰为 0.0"), got)


def test_impossible_data(t):
    t.raises("ValueError", ("no hypothesis can explain the observations (every product is 0)", "没有任何假设能解释这些观测（每个乘积都是 0）"), "bayes_posterior", np.array([0.5, 0.5, 0.0]), np.array([[0.0, 0.3, 0.9], [0.5, 0.0, 0.5]]))


def test_single_hypothesis(t):
    t.close(t.call("bayes_posterior", np.array([1.0]), np.array([[0.1], [0.2]])), np.array([1.0]), ("[1.0]: one hypothesis takes all the probability", "[1.0]：只有一个假设时它拥有全部概率"))


def test_random(t):
    rng = np.random.default_rng(191)
    for m, k in [(1, 2), (5, 3), (40, 6), (300, 10)]:
        prior = rng.dirichlet(np.ones(k))
        check(t, prior, rng.uniform(0.01, 1.0, size=(m, k)))
