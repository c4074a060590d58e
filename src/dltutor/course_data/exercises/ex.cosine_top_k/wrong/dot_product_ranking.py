# expect-fail: ranking_ignores_length
# Ranks by the raw dot product: long vectors win regardless of direction.
import numpy as np


def cosine_similarity(a, b):
    denom = np.linalg.norm(a) * np.linalg.norm(b)
    return float(np.dot(a, b) / denom) if denom > 0 else 0.0


def top_k_similar(query, matrix, k):
    sims = matrix @ query
    return [int(i) for i in np.argsort(-sims, kind="stable")[:k]]
