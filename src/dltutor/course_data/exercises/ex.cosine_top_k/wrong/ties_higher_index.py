# expect-fail: ties_lower_index_first
# Sorts ascending and reverses, so among equal similarities the higher index comes first.
import numpy as np


def cosine_similarity(a, b):
    denom = np.linalg.norm(a) * np.linalg.norm(b)
    return float(np.dot(a, b) / denom) if denom > 0 else 0.0


def top_k_similar(query, matrix, k):
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(query)
    sims = np.where(norms > 0, matrix @ query / np.where(norms > 0, norms, 1.0), 0.0)
    return [int(i) for i in np.argsort(sims, kind="stable")[::-1][:k]]
