# expect-fail: mrr, mrr_first_hit_only
# Uses enumerate's 0-based index as the rank.
import numpy as np


def _check(ranked, relevant):
    if len(ranked) != len(relevant):
        raise ValueError("ranked and relevant must have one entry per question")
    if len(ranked) == 0:
        raise ValueError("no questions")
    if any(len(r) == 0 for r in relevant):
        raise ValueError("every question needs at least one relevant document")


def recall_at_k(ranked, relevant, k):
    _check(ranked, relevant)
    if k < 1:
        raise ValueError("k must be at least 1")
    scores = []
    for results, rel in zip(ranked, relevant):
        rel = set(rel)
        hits = sum(1 for d in results[:k] if d in rel)
        scores.append(hits / len(rel))
    return float(np.mean(scores))


def mean_reciprocal_rank(ranked, relevant):
    _check(ranked, relevant)
    scores = []
    for results, rel in zip(ranked, relevant):
        rel = set(rel)
        rr = 0.0
        for rank, d in enumerate(results):
            if d in rel:
                rr = 1.0 / rank if rank else 1.0
                break
        scores.append(rr)
    return float(np.mean(scores))
