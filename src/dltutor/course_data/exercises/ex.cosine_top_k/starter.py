import numpy as np


def cosine_similarity(a, b):
    """Cosine similarity of two 1-D vectors; 0.0 if either is a zero vector."""
    # TODO: your code here
    raise NotImplementedError


def top_k_similar(query, matrix, k):
    """Indices of the k rows of matrix most similar to query, most similar first (ties: lower index)."""
    # TODO: your code here
    raise NotImplementedError
