"""Hidden tests for ex.bpe_merges."""

import numpy as np

MERGES = ("the merges in the order learned", "按学习顺序排列的合并规则")


def check(t, word_freqs, n, why=MERGES):
    t.equal(t.call("bpe_train", word_freqs, n), t.ref.bpe_train(word_freqs, n), why)


def test_classic_corpus(t):
    corpus = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
    check(t, corpus, 4)


def test_frequencies_matter(t):
    check(t, {"ab": 1, "cd": 1, "xy": 10, "ef": 2}, 2, ("[('x', 'y'), ('e', 'f')]: counts weighted by word frequency", "[('x', 'y'), ('e', 'f')]：按单词频率加权计数"))


def test_ties_smallest_pair(t):
    check(t, {"zy": 3, "ab": 3, "mn": 3}, 3, ("[('a', 'b'), ('m', 'n'), ('z', 'y')]: ties go to the smallest pair", "[('a', 'b'), ('m', 'n'), ('z', 'y')]：次数相同时选最小的一对"))


def test_no_overlap(t):
    check(t, {"aaa": 1}, 2, ("[('a', 'a'), ('aa', 'a')]: 'aaa' becomes ['aa', 'a'] after the first merge", "[('a', 'a'), ('aa', 'a')]：第一次合并后 'aaa' 变成 ['aa', 'a']"))
    check(t, {"aaaa": 2, "aa": 1}, 3)


def test_no_false_matches(t):
    # after ('a', 'b'), "abc" is ['ab', 'c']: merging ('b', 'c') must not touch it
    check(t, {"ab": 10, "abc": 1, "bc": 5}, 3, ("[('a', 'b'), ('b', 'c'), ('ab', 'c')]: a merge only joins whole symbols", "[('a', 'b'), ('b', 'c'), ('ab', 'c')]：合并只连接完整的符号"))
    check(t, {"abbc": 4, "ab": 3, "bc": 3, "cab": 1}, 4)


def test_stops_early(t):
    check(t, {"ab": 2, "b": 1}, 10, ("[('a', 'b')]: stop when no pair is left", "[('a', 'b')]：没有相邻符号对时停止"))


def test_single_letters(t):
    check(t, {"a": 3, "b": 1}, 5, ("[]: single letters have no pairs", "[]：单个字母没有相邻符号对"))
    check(t, {"abc": 1}, 0, ("[] for num_merges = 0", "num_merges = 0 时为 []"))


def test_random_corpora(t):
    rng = np.random.default_rng(53)
    for _ in range(3):
        words = {"".join(rng.choice(list("abcde"), size=rng.integers(1, 7))): int(rng.integers(1, 20)) for _ in range(12)}
        check(t, words, 8)
