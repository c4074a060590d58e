"""Hidden tests for ex.sft_loss."""

import math

import numpy as np

LOSS = ("the mean of -log softmax(logits[b, t-1])[input_ids[b, t]] over all response tokens", "所有回答词元上 -log softmax(logits[b, t-1])[input_ids[b, t]] 的平均值")


def independent(logits, ids, prompt_lens, lengths):
    total, n = 0.0, 0
    for b in range(len(ids)):
        for t in range(int(prompt_lens[b]), int(lengths[b])):
            row = [float(v) for v in logits[b, t - 1]]
            top = max(row)
            lse = top + math.log(sum(math.exp(v - top) for v in row))
            total += lse - row[int(ids[b, t])]
            n += 1
    return total / n


def test_one_sequence_by_hand(t):
    # tokens [0, 1, 2, 1]; prompt = tokens 0-1; response = tokens 2-3, scored by logits rows 1 and 2
    logits = np.array([[[9.0, 9.0, 9.0], [0.0, 0.0, math.log(2.0)], [0.0, math.log(3.0), 0.0], [5.0, -5.0, 0.0]]])
    ids = np.array([[0, 1, 2, 1]])
    want = (-math.log(2 / 4) - math.log(3 / 5)) / 2
    t.close(t.call("sft_loss", logits, ids, np.array([2]), np.array([4])), want, ("(-log(2/4) - log(3/5)) / 2 = 0.602: row 1 scores token 2, row 2 scores token 3", "(-log(2/4) - log(3/5)) / 2 = 0.602：第 1 行给词元 2 打分，第 2 行给词元 3 打分"))


def test_prompt_carries_no_loss(t):
    rng = np.random.default_rng(201)
    logits = rng.normal(size=(1, 6, 5))
    ids = rng.integers(0, 5, size=(1, 6))
    pl, ln = np.array([4]), np.array([6])
    first = t.call("sft_loss", logits, ids, pl, ln)
    t.close(first, independent(logits, ids, pl, ln), LOSS)
    changed = logits.copy()
    changed[0, :3] = rng.normal(scale=5.0, size=(3, 5))  # rows that score prompt tokens only
    t.close(t.call("sft_loss", changed, ids, pl, ln), first, ("the same loss: rows 0-2 score prompt tokens, which carry no loss", "损失不变：第 0-2 行只给提示词元打分，提示不计损失"))


def test_padding_is_ignored(t):
    rng = np.random.default_rng(202)
    logits = rng.normal(size=(2, 7, 4))
    ids = rng.integers(0, 4, size=(2, 7))
    pl, ln = np.array([2, 1]), np.array([5, 7])
    t.close(t.call("sft_loss", logits, ids, pl, ln), independent(logits, ids, pl, ln), ("only positions prompt_lens[b] <= t < lengths[b]; sequence 0 is padded after 5 tokens", "只算 prompt_lens[b] <= t < lengths[b] 的位置；第 0 条序列 5 个词元之后是填充"))


def test_end_marker_is_trained(t):
    # tokens 2-4 are the response, token 4 (id 0) its end marker, token 5 padding;
    # row 3 scores the end marker and gives it almost no probability: that must count
    logits = np.zeros((1, 6, 3))
    logits[0, 3] = [-20.0, 0.0, 0.0]
    ids = np.array([[1, 1, 0, 2, 0, 1]])
    pl, ln = np.array([2]), np.array([5])
    want = (2 * math.log(3.0) + 20.0 + math.log(2.0 + math.exp(-20.0))) / 3
    t.close(t.call("sft_loss", logits, ids, pl, ln), want, ("(2 log 3 + 20.69) / 3 = 7.63: the last response token (the end marker) counts", "(2 log 3 + 20.69) / 3 = 7.63：回答的最后一个词元（结束标记）也要计入"))


def test_one_mean_over_all_tokens(t):
    logits = np.zeros((2, 6, 2))
    logits[0, :, 0] = 3.0  # sequence 0 predicts token 0 confidently
    ids = np.array([[0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    pl, ln = np.array([2, 1]), np.array([3, 6])
    # sequence 0: one response token (1, scored with logits [3, 0]); sequence 1: five tokens at log 2
    want = (math.log1p(math.exp(3.0)) + 5 * math.log(2.0)) / 6
    t.close(t.call("sft_loss", logits, ids, pl, ln), want, ("one mean over all 6 response tokens, not the mean of the two sequences' means", "对全部 6 个回答词元取一次平均，而不是两条序列各自平均后再平均"))


def test_large_logits_are_stable(t):
    rng = np.random.default_rng(203)
    logits = rng.normal(scale=1e4, size=(2, 5, 6))
    ids = rng.integers(0, 6, size=(2, 5))
    pl, ln = np.array([1, 2]), np.array([5, 4])
    got = t.call("sft_loss", logits, ids, pl, ln)
    t.finite(got, ("a finite loss for logits around 1e4", "logits 在 1e4 左右时损失仍为有限值"))
    t.close(got, independent(logits, ids, pl, ln), LOSS)


def test_random(t):
    rng = np.random.default_rng(204)
    for B, T, V in [(1, 2, 3), (3, 8, 10), (4, 12, 50)]:
        logits = rng.normal(scale=2.0, size=(B, T, V))
        ids = rng.integers(0, V, size=(B, T))
        ln = rng.integers(2, T + 1, size=B)
        pl = np.array([rng.integers(1, L) for L in ln])
        t.close(t.call("sft_loss", logits, ids, pl, ln), independent(logits, ids, pl, ln), LOSS)
