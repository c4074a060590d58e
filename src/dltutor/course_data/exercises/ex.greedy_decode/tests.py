"""Hidden tests for ex.greedy_decode."""

import math

import numpy as np

TOK = ("the greedy tokens: the largest logit at each step, fed back in, ending with eos", "贪心选出的词元：每步取 logit 最大者并作为下一步输入，以 eos 结束")
LP = ("the sum of the chosen tokens' log-softmax values", "所选词元 log-softmax 值之和")


def lit(a):
    return repr(np.asarray(a, dtype=float).tolist())


def bigram(table):
    """A step whose logits depend only on the previous token; the state counts the steps."""
    return f"lambda tok, s: (np.array({lit(table)})[tok], s + 1)"


def independent(step, state, bos, eos, max_len):
    """The decode loop again, with Python floats and math.fsum for the log-sum-exp."""
    out, lps, tok = [], [], bos
    while len(out) < max_len:
        logits, state = step(tok, state)
        logits = [float(v) for v in np.asarray(logits)]
        best = max(logits)
        tok = logits.index(best)
        lps.append(best - best - math.log(math.fsum(math.exp(v - best) for v in logits)))
        out.append(tok)
        if tok == eos:
            break
    return out, math.fsum(lps)


def check(t, src, state, bos, eos, max_len, why=(TOK, LP)):
    got = t.call("greedy_decode", t.fn(src), state, bos, eos, max_len)
    tokens, lp = t.unpack(got, 2, "(tokens, logprob)")
    want_tokens, want_lp = independent(t.fn(src), state, bos, eos, max_len)
    t.equal(tokens, want_tokens, why[0])
    t.close(lp, want_lp, why[1])
    return tokens


# vocabulary of the bigram tests: 0 1 2 3, bos = 4, eos = 5
TABLE = [
    [0.0, 2.0, 0.5, 0.1, -9.0, 0.0],  # after 0: 1
    [0.3, 0.0, 3.0, 0.2, -9.0, 1.0],  # after 1: 2
    [0.1, 0.4, 0.0, 2.5, -9.0, 0.2],  # after 2: 3
    [0.0, 0.1, 0.2, 0.0, -9.0, 4.0],  # after 3: eos
    [5.0, 0.1, 0.2, 0.3, -9.0, 0.0],  # after bos: 0
    [0.0, 0.0, 0.0, 0.0, -9.0, 9.0],  # after eos (never asked)
]


def test_feeds_tokens_back_until_eos(t):
    got = t.call("greedy_decode", t.fn(bigram(TABLE)), 0, 4, 5, 10)
    tokens, _ = t.unpack(got, 2, "(tokens, logprob)")
    t.equal(tokens, [0, 1, 2, 3, 5], ("[0, 1, 2, 3, 5]: each token is the input of the next step, and eos ends it", "[0, 1, 2, 3, 5]：每个词元作为下一步的输入，eos 结束解码"))
    check(t, bigram(TABLE), 0, 4, 5, 10)


def test_eos_first(t):
    table = [row[:] for row in TABLE]
    table[4] = [0.0, 0.0, 0.0, 0.0, -9.0, 3.0]
    got = t.call("greedy_decode", t.fn(bigram(table)), 0, 4, 5, 10)
    tokens, lp = t.unpack(got, 2, "(tokens, logprob)")
    t.equal(tokens, [5], ("[5]: eos at once, and it is included", "[5]：第一步就是 eos，且包含在结果中"))
    want = 3.0 - math.log(4 + math.exp(-9.0) + math.exp(3.0))
    t.close(lp, want, LP)


def test_stops_at_max_len(t):
    loop = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]  # 1 -> 0 -> 1 -> ...; eos = 2 never wins
    got = t.call("greedy_decode", t.fn(bigram(loop)), 0, 2, 2, 7)
    tokens, _ = t.unpack(got, 2, "(tokens, logprob)")
    t.equal(tokens, [1, 0, 1, 0, 1, 0, 1], ("7 tokens: no eos, so max_len = 7 ends it", "7 个词元：没有 eos，max_len = 7 时停止"))
    check(t, bigram(loop), 0, 2, 2, 7)


def test_max_len_zero(t):
    got = t.call("greedy_decode", t.fn(bigram(TABLE)), 0, 4, 5, 0)
    t.equal(got, ([], 0.0), ("([], 0.0): no step is taken", "([], 0.0)：一步也不执行"))


def test_state_is_carried(t):
    # the logits depend on the step count held in the state: 3, 1, 2, then eos (= 0)
    src = "lambda tok, s: (np.array([[0., 0., 0., 5.], [0., 5., 0., 0.], [0., 0., 5., 0.], [5., 0., 0., 0.]])[s % 4] + 0.1 * tok, s + 1)"
    got = t.call("greedy_decode", t.fn(src), 0, 2, 0, 10)
    tokens, _ = t.unpack(got, 2, "(tokens, logprob)")
    t.equal(tokens, [3, 1, 2, 0], ("[3, 1, 2, 0]: each step gets the state the previous step returned", "[3, 1, 2, 0]：每一步都拿到上一步返回的状态"))
    check(t, src, 0, 2, 0, 10)


def test_ties_take_the_lowest_index(t):
    src = "lambda tok, s: (np.array([[1.0, 3.0, 3.0, 0.0], [0.0, 2.0, 0.0, 2.0], [9.0, 0.0, 0.0, 0.0]])[tok], s)"
    got = t.call("greedy_decode", t.fn(src), None, 0, 3, 5)
    tokens, lp = t.unpack(got, 2, "(tokens, logprob)")
    t.equal(tokens, [1, 1, 1, 1, 1], ("[1, 1, 1, 1, 1]: on a tie the lowest index wins (1 before 2, 1 before 3)", "[1, 1, 1, 1, 1]：并列时取下标最小者（1 先于 2，1 先于 3）"))
    check(t, src, None, 0, 3, 5)


def test_large_logits(t):
    src = "lambda tok, s: (np.array([[1e4, 1e4 + 1.0, 1e4 - 3.0], [1e4 + 2.0, 1e4, 1e4 + 2.5], [0.0, 0.0, 0.0]])[tok], s)"
    got = t.call("greedy_decode", t.fn(src), 0, 0, 2, 4)
    tokens, lp = t.unpack(got, 2, "(tokens, logprob)")
    t.finite(lp, ("a finite log-probability for logits around 1e4", "logit 约为 1e4 时对数概率仍是有限值"))
    check(t, src, 0, 0, 2, 4)


def test_rnn_decoder(t):
    # a small tanh-RNN decoder: embedding E, recurrence Wh, output layer Wo
    rng = np.random.default_rng(221)
    V, H = 6, 4
    E, Wh, Wo = rng.normal(size=(V, H)), rng.normal(size=(H, H)) * 0.8, rng.normal(size=(V, H)) * 2.0
    h0 = [rng.normal(size=H), rng.normal(size=H)]
    src = (f"lambda tok, h: (lambda hn: (np.array({lit(Wo)}) @ hn, hn))"
           f"(np.tanh(np.array({lit(E)})[tok] + np.array({lit(Wh)}) @ h))")
    # greedy gives 3 3 1 2 / 1 2 1 3 1 4 / 3 3 3 1 4, and 12 tokens without eos for the last
    for bos, eos, h in [(0, 2, h0[1]), (1, 4, h0[0]), (3, 4, h0[1]), (2, 0, h0[0])]:
        check(t, src, h, bos, eos, 12)
