"""Hidden tests for ex.perplexity."""

import numpy as np

PPL = ("exp(-mean of the counted log-probs)", "exp(-计入的对数概率的平均值)")


def independent(log_probs, mask):
    """The same figure by an explicit loop over the counted positions."""
    total, n = 0.0, 0
    for lp, keep in zip(np.ravel(log_probs), np.ravel(mask)):
        if keep:
            total += float(lp)
            n += 1
    return float(np.exp(-total / n))


def test_lesson_example(t):
    lp = np.log(np.array([0.5, 0.25, 0.8, 0.1]))
    t.close(t.call("perplexity", lp), np.sqrt(10.0), ("sqrt(10) = 3.162: (0.5*0.25*0.8*0.1)^(-1/4)", "sqrt(10) = 3.162：(0.5*0.25*0.8*0.1)^(-1/4)"))


def test_uniform_model_is_vocab_size(t):
    lp = np.full(7, np.log(1 / 50))
    t.close(t.call("perplexity", lp), 50.0, ("50: a model uniform over 50 tokens", "50：在 50 个词元上均匀分布的模型"))
    t.close(t.call("perplexity", np.zeros(3)), 1.0, ("1.0 for a model that is always certain and right", "模型总是以概率 1 猜对时为 1.0"))


def test_mask_skips_padding(t):
    lp = np.log(np.array([[0.5, 0.25, 0.5, 0.9], [0.2, 0.9, 0.9, 0.9]]))
    mask = np.array([[True, True, True, False], [True, False, False, False]])
    want = np.exp(-np.mean(np.log([0.5, 0.25, 0.5, 0.2])))
    t.close(t.call("perplexity", lp, mask), want, ("the 4 counted tokens only (0.5, 0.25, 0.5, 0.2)", "只算计入的 4 个词元（0.5、0.25、0.5、0.2）"))


def test_padding_may_hold_inf_and_nan(t):
    lp = np.array([[-1.0, -2.0, -np.inf, np.nan], [-0.5, np.nan, -np.inf, -np.inf]])
    mask = np.array([[True, True, False, False], [True, False, False, False]])
    got = t.call("perplexity", lp, mask)
    t.finite(got, ("a finite figure: padded entries (-inf, nan) are ignored", "有限值：填充位置上的 -inf、nan 被忽略"))
    t.close(got, np.exp(3.5 / 3), ("exp((1 + 2 + 0.5) / 3)", "exp((1 + 2 + 0.5) / 3)"))


def test_token_weighted_not_per_sequence(t):
    lp = np.array([[-3.0, 0.0, 0.0, 0.0], [-1.0, -1.0, -1.0, -1.0]])
    mask = np.array([[1, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    t.close(t.call("perplexity", lp, mask), np.exp(7.0 / 5), ("exp(7/5): one mean over all 5 counted tokens, not the mean of the two sequences' perplexities", "exp(7/5)：对全部 5 个计入的词元取一次平均，而不是两条序列困惑度的平均"))


def test_integer_mask(t):
    lp = np.array([-0.1, -2.0, -0.7, -5.0, -1.3])
    mask = np.array([1, 0, 1, 0, 1])
    t.close(t.call("perplexity", lp, mask), np.exp((0.1 + 0.7 + 1.3) / 3), ("a 0/1 mask works like a boolean one: positions 0, 2, 4", "0/1 掩码与布尔掩码等价：位置 0、2、4"))


def test_long_text_is_stable(t):
    lp = np.full(10_000, -5.0)
    got = t.call("perplexity", lp)
    t.finite(got, ("a finite perplexity for 10,000 tokens", "10000 个词元时困惑度仍为有限值"))
    t.close(got, np.exp(5.0), ("e^5 = 148.4", "e^5 = 148.4"))
    lp = np.random.default_rng(161).uniform(-12.0, -0.01, size=(8, 3000))
    mask = np.ones(lp.shape, dtype=bool)
    mask[:, 2500:] = False
    got = t.call("perplexity", lp, mask)
    t.finite(got, ("a finite perplexity for 8 x 2,500 counted tokens", "8 x 2500 个计入的词元时困惑度仍为有限值"))
    t.close(got, independent(lp, mask), PPL)


def test_nothing_counted_raises(t):
    t.raises("ValueError", ("no token counts: the mask is all False", "没有计入的词元：mask 全为 False"), "perplexity", np.array([-1.0, -2.0]), np.array([False, False]))
    t.raises("ValueError", ("no token counts: the input is empty", "没有计入的词元：输入为空"), "perplexity", np.zeros(0))


def test_random(t):
    rng = np.random.default_rng(162)
    for shape in [(1,), (13,), (4, 9), (2, 3, 5)]:
        lp = np.log(rng.uniform(0.01, 1.0, size=shape))
        mask = rng.random(shape) < 0.7
        mask.flat[0] = True
        t.close(t.call("perplexity", lp, mask), independent(lp, mask), PPL)
        t.close(t.call("perplexity", lp), independent(lp, np.ones(shape, dtype=bool)), PPL)
