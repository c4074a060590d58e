"""Hidden tests for ex.beam_search."""

import math

import numpy as np

# The lesson's toy model as a bigram table: bos=0, the=1, a=2, cat=3, dog=4, end=5, <e>=6
# (impossible continuations get 1e-6 so every log-probability is finite).
LESSON_ROWS = [
    [1e-06, 0.499998, 0.3999984, 1e-06, 1e-06, 1e-06, 0.0999996],
    [1e-06, 1e-06, 1e-06, 0.3499986, 0.3499986, 0.2999988, 1e-06],
    [1e-06, 1e-06, 1e-06, 0.8999955, 1e-06, 1e-06, 0.0999995],
    [1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 0.999994],
    [1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 0.999994],
    [1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 0.999994],
    [1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 1e-06, 0.999994],
]
LESSON_MODEL = f"lambda p: np.log(np.array({LESSON_ROWS}))[p[-1]]"


def lesson_logp(tokens):
    prev, total = 0, 0.0
    for tok in tokens:
        total += math.log(LESSON_ROWS[prev][tok])
        prev = tok
    return total


def table_model(rows, default):
    """A model that looks the whole prefix up in a table (a default row for other prefixes)."""
    return f"lambda p: np.log(np.array({rows!r}.get(tuple(int(v) for v in p), {default!r})))"


def run(t, model, args, want_tokens, want_score, why, **kw):
    got = t.call("beam_search", t.fn(model), *args, **kw)
    tokens, score = t.unpack(got, 2, "(tokens, score)")
    t.equal(tokens, want_tokens, why)
    t.close(score, want_score, ("its total log-probability", "它的总对数概率"))


def test_lesson_example(t):
    run(t, LESSON_MODEL, (0, 6, 2, 5), [2, 3, 6], lesson_logp([2, 3, 6]), ("[2, 3, 6] ('a cat <e>', p = 0.36), which beats greedy's 'the cat <e>' (0.175)", "[2, 3, 6]（'a cat <e>'，p = 0.36），胜过贪心得到的 'the cat <e>'（0.175）"))


def test_width_one_is_greedy(t):
    run(t, LESSON_MODEL, (0, 6, 1, 5), [1, 3, 6], lesson_logp([1, 3, 6]), ("[1, 3, 6]: greedy; cat (3) and dog (4) tie, the smaller tuple wins", "[1, 3, 6]：即贪心；cat (3) 与 dog (4) 同分，元组小者优先"))


def test_finished_hypotheses_stay(t):
    rows = {(7,): [0.5, 0.45, 0.05], (7, 1): [0.05, 0.05, 0.9], (7, 1, 2): [0.9, 0.05, 0.05]}
    model = table_model(rows, [1 / 3] * 3)
    run(t, model, (7, 0, 2, 4), [0], math.log(0.5), ("[0]: eos right away (p = 0.5) stays in the beam and beats [1, 2, 0] (p = 0.3645)", "[0]：立即生成 eos（p = 0.5）的假设留在束中，胜过 [1, 2, 0]（p = 0.3645）"))


def test_length_normalisation(t):
    rows = {(7,): [0.5, 0.45, 0.05], (7, 1): [0.05, 0.05, 0.9], (7, 1, 2): [0.9, 0.05, 0.05]}
    model = table_model(rows, [1 / 3] * 3)
    run(t, model, (7, 0, 2, 4), [1, 2, 0], math.log(0.45 * 0.9 * 0.9), ("[1, 2, 0]: with alpha = 1 its score per token, log(0.3645)/3, beats log(0.5)/1", "[1, 2, 0]：alpha = 1 时它的每词元得分 log(0.3645)/3 高于 log(0.5)/1"), alpha=1.0)


def test_max_len(t):
    model = "lambda p: np.log(np.array([0.6, 0.35, 0.05]))"
    run(t, model, (5, 2, 2, 3), [0, 0, 0], 3 * math.log(0.6), ("[0, 0, 0]: 3 steps, no eos reached", "[0, 0, 0]：3 步，没有生成 eos"))
    run(t, model, (5, 2, 3, 1), [0], math.log(0.6), ("[0]: max_len = 1 allows one token", "[0]：max_len = 1 只允许一个词元"))


def test_ties_across_beams(t):
    # after step 1 the beam is (9, 2) [0.5] then (9, 1) [0.3]; step 2 gives (9, 2, 1) = 0.3 and a
    # tie (9, 1, 0) = (9, 2, 0) = 0.15 for the second place: the smaller tuple (9, 1, 0) stays,
    # and it finishes best: (9, 1, 0, 3) = 0.135
    rows = {
        (9,): [0.1, 0.3, 0.5, 0.1],
        (9, 2): [0.3, 0.6, 0.05, 0.05],
        (9, 1): [0.5, 0.1, 0.1, 0.3],
        (9, 1, 0): [0.05, 0.025, 0.025, 0.9],
    }
    run(t, table_model(rows, [0.25] * 4), (9, 3, 2, 3), [1, 0, 3], math.log(0.135), ("[1, 0, 3]: (9, 1, 0) wins its tie with (9, 2, 0) as the smaller tuple", "[1, 0, 3]：(9, 1, 0) 与 (9, 2, 0) 同分，元组较小而保留"))


def test_random_models(t):
    for seed, V, width, max_len, alpha in [(1, 5, 3, 4, 0.0), (2, 6, 2, 5, 0.7), (3, 4, 4, 6, 1.0), (4, 8, 1, 4, 0.0), (5, 6, 5, 5, 0.5)]:
        model = (
            "lambda p: (lambda z: z - np.log(np.exp(z).sum()))("
            f"2.0 * np.random.default_rng([{seed}] + [int(v) for v in p]).normal(size={V}))"
        )
        f = t.fn(model)
        want_tokens, want_score = t.ref.beam_search(f, V, V - 1, width, max_len, alpha=alpha)
        run(t, model, (V, V - 1, width, max_len), want_tokens, want_score, ("the beam-search result", "束搜索的结果"), alpha=alpha)
