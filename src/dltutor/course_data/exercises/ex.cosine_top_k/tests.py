"""Hidden tests for ex.cosine_top_k."""

import numpy as np

COS = ("a·b / (|a| |b|)", "a·b / (|a| |b|)")
TOP = ("the indices of the k most similar rows, most similar first", "最相似的 k 行的下标，最相似的在前")


def test_cosine_basics(t):
    t.close(t.call("cosine_similarity", np.array([1.0, 2.0]), np.array([2.0, 4.0])), 1.0, ("1.0 for parallel vectors", "平行向量为 1.0"))
    t.close(t.call("cosine_similarity", np.array([1.0, 0.0]), np.array([0.0, 3.0])), 0.0, ("0.0 for orthogonal vectors", "正交向量为 0.0"))
    t.close(t.call("cosine_similarity", np.array([1.0, -1.0]), np.array([-2.0, 2.0])), -1.0, ("-1.0 for opposite vectors", "反向向量为 -1.0"))
    a, b = np.array([1.0, 2.0, 3.0]), np.array([4.0, -5.0, 6.0])
    t.close(t.call("cosine_similarity", a, b), t.ref.cosine_similarity(a, b), COS)


def test_zero_vectors(t):
    t.close(t.call("cosine_similarity", np.zeros(3), np.array([1.0, 2.0, 3.0])), 0.0, ("0.0 when a vector is zero", "有零向量时为 0.0"))
    matrix = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.0]])
    t.equal(t.call("top_k_similar", np.array([1.0, 0.0]), matrix, 3), [1, 0, 2], ("[1, 0, 2]: the zero row counts as similarity 0", "[1, 0, 2]：零向量行的相似度记为 0"))


def test_top_k_basic(t):
    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.2]])
    t.equal(t.call("top_k_similar", np.array([1.0, 0.1]), matrix, 2), [0, 2], TOP)


def test_ranking_ignores_length(t):
    matrix = np.array([[100.0, 80.0], [1.0, 0.0]])
    t.equal(t.call("top_k_similar", np.array([1.0, 0.0]), matrix, 1), [1], ("[1]: direction matters, not length", "[1]：看方向，不看长度"))


def test_ties_lower_index_first(t):
    matrix = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 5.0], [1.0, 0.0]])
    t.equal(t.call("top_k_similar", np.array([3.0, 0.0]), matrix, 3), [1, 3, 0], ("[1, 3, 0]: equal similarities keep the lower index first", "[1, 3, 0]：相似度相同时下标小的在前"))


def test_random(t):
    rng = np.random.default_rng(57)
    for n, d, k in [(10, 4, 3), (50, 16, 5), (5, 3, 5)]:
        matrix, query = rng.normal(size=(n, d)), rng.normal(size=d)
        t.equal(t.call("top_k_similar", query, matrix, k), t.ref.top_k_similar(query, matrix, k), TOP)
        a, b = rng.normal(size=d), rng.normal(size=d)
        t.close(t.call("cosine_similarity", a, b), t.ref.cosine_similarity(a, b), COS)
