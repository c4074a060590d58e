import numpy as np


def cosine_similarity(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denom = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / denom) if denom > 0 else 0.0


def top_k_similar(query, matrix, k):
    query = np.asarray(query, dtype=float)
    matrix = np.asarray(matrix, dtype=float)
    denom = np.linalg.norm(matrix, axis=1) * np.linalg.norm(query)
    safe = np.where(denom > 0, denom, 1.0)
    sims = np.where(denom > 0, matrix @ query / safe, 0.0)
    order = np.lexsort((np.arange(len(sims)), -sims))  # most similar first, ties by index
    return [int(i) for i in order[:k]]
