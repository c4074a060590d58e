"""Hidden tests for ex.retrieval_metrics."""

import numpy as np


def independent_recall(ranked, relevant, k):
    return sum(len(set(r[:k]) & set(rel)) / len(set(rel)) for r, rel in zip(ranked, relevant)) / len(ranked)


def independent_mrr(ranked, relevant):
    total = 0.0
    for r, rel in zip(ranked, relevant):
        hits = [i for i, d in enumerate(r) if d in rel]
        total += 1.0 / (hits[0] + 1) if hits else 0.0
    return total / len(ranked)


def test_recall_one_relevant_each(t):
    ranked = [[3, 1, 7], [2, 5, 4], [9, 8, 6]]
    relevant = [[1], [4], [0]]
    t.close(t.call("recall_at_k", ranked, relevant, 2), 1 / 3, ("1/3: only question 0 has its document in the top 2", "1/3：只有问题 0 的相关文档在前 2 名"))
    t.close(t.call("recall_at_k", ranked, relevant, 3), 2 / 3, ("2/3 with k = 3", "k = 3 时为 2/3"))


def test_recall_divides_by_relevant_count(t):
    ranked = [[3, 1, 7, 9, 2]]
    relevant = [[1, 9]]
    t.close(t.call("recall_at_k", ranked, relevant, 2), 0.5, ("0.5: 1 of the 2 relevant documents in the top 2 (divide by 2 relevant, not by k)", "0.5：2 个相关文档中有 1 个在前 2 名（除以相关文档数 2，而不是 k）"))
    t.close(t.call("recall_at_k", ranked, relevant, 5), 1.0, ("1.0: both relevant documents in the top 5", "1.0：两个相关文档都在前 5 名"))


def test_recall_short_lists(t):
    ranked = [[4], [], [1, 2]]
    relevant = [[4], [0], [2, 3]]
    t.close(t.call("recall_at_k", ranked, relevant, 10), (1 + 0 + 0.5) / 3, ("0.5: lists shorter than k count in full", "0.5：不足 k 个的列表整个计入"))


def test_recall_each_question_weighs_the_same(t):
    ranked = [[1, 2, 3, 4], [5, 6]]
    relevant = [[1, 2, 3, 4], [7]]
    t.close(t.call("recall_at_k", ranked, relevant, 4), 0.5, ("(4/4 + 0/1) / 2 = 0.5: the mean of per-question recalls, not 4 hits / 5 relevant", "(4/4 + 0/1) / 2 = 0.5：每个问题的召回率的平均值，而不是 4 个命中 / 5 个相关"))


def test_mrr(t):
    ranked = [[3, 1, 7], [2, 5, 4], [9, 8, 6]]
    relevant = [[3], [4], [0]]
    t.close(t.call("mean_reciprocal_rank", ranked, relevant), (1 + 1 / 3 + 0) / 3, ("(1/1 + 1/3 + 0) / 3 = 0.444: ranks 1 and 3, no hit for the third question", "(1/1 + 1/3 + 0) / 3 = 0.444：名次 1 和 3，第三个问题没有命中"))


def test_mrr_first_hit_only(t):
    ranked = [[5, 2, 8, 1]]
    relevant = [[8, 1, 2]]
    t.close(t.call("mean_reciprocal_rank", ranked, relevant), 0.5, ("1/2: the first relevant document is at rank 2; later hits do not count", "1/2：第一个相关文档在第 2 名；之后的命中不计"))


def test_string_ids(t):
    ranked = [["lr.md#2", "lr.md#1", "dropout.md#0"], ["adam.md#3", "sgd.md#1"]]
    relevant = [["dropout.md#0"], ["sgd.md#1", "sgd.md#2"]]
    t.close(t.call("recall_at_k", ranked, relevant, 2), 0.25, ("(0/1 + 1/2) / 2 = 0.25", "(0/1 + 1/2) / 2 = 0.25"))
    t.close(t.call("mean_reciprocal_rank", ranked, relevant), (1 / 3 + 1 / 2) / 2, ("(1/3 + 1/2) / 2", "(1/3 + 1/2) / 2"))


def test_bad_input_raises(t):
    t.raises("ValueError", ("2 result lists but 1 relevant list", "2 个结果列表却只有 1 个相关列表"), "recall_at_k", [[1], [2]], [[1]], 1)
    t.raises("ValueError", ("no questions", "没有问题"), "mean_reciprocal_rank", [], [])
    t.raises("ValueError", ("question 1 has no relevant document", "问题 1 没有相关文档"), "recall_at_k", [[1], [2]], [[1], []], 1)
    t.raises("ValueError", ("k = 0", "k = 0"), "recall_at_k", [[1]], [[1]], 0)


def test_random(t):
    rng = np.random.default_rng(211)
    for q, n_docs in [(1, 5), (10, 20), (30, 50)]:
        ranked = [[int(d) for d in rng.permutation(n_docs)[: rng.integers(0, 12)]] for _ in range(q)]
        relevant = [[int(d) for d in rng.choice(n_docs, size=rng.integers(1, 4), replace=False)] for _ in range(q)]
        for k in (1, 3, 10):
            t.close(t.call("recall_at_k", ranked, relevant, k), independent_recall(ranked, relevant, k), ("the mean per-question recall@k", "各问题 recall@k 的平均值"))
        t.close(t.call("mean_reciprocal_rank", ranked, relevant), independent_mrr(ranked, relevant), ("the mean reciprocal rank of the first hit", "第一个命中名次倒数的平均值"))
