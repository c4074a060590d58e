"""The adaptive diagnostic quiz: which topics does a new learner already master?

The model (knowledge-space theory with noisy answers):
- the learner's knowledge state K is a down-closed set of topics (see `graph.py`);
- an item on topic t is answered correctly with probability 1 - slip if t ∈ K, else guess.

The posterior over K is kept as weighted particles: tens of thousands of states drawn once from
a broad prior (a mixture of learner kinds) and reweighted by the likelihood of each answer.
Because every particle respects the prerequisites, evidence flows along the graph by itself: a
failed prerequisite removes the weight of every state containing what builds on it, and a passed
advanced topic moves weight to states that contain its prerequisites.

The next item is the one whose answer is expected to leave the fewest misclassified topics,
E_answer[sum_t min(P(t | answer), 1 - P(t | answer))] — the quantity the diagnostic is judged
on. This needs only the pairwise joint P(c ∈ K, t ∈ K), one (T, T) matrix per step.

Each item has its own slip and guess (`items.py`, `item_model=True`, the default): a short
answer or a 4-option item whose key nothing gives away is far harder to guess than the flat
rate of 20% assumed before, so an answer to it says more, and the diagnostic picks items, not
just topics, by what their answers would tell. `item_model=False` is the earlier version:
one slip and guess for all items, the most informative topic, then its middling item.

    course = Course.load()
    d = Diagnostic(course, max_items=15)
    while (item := d.next_item()) is not None:
        d.record(item.id, ask(item))
    d.mastery()  # {topic_id: P(mastered)} for every topic
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from dltutor.course.model import Course, QuizItem
from dltutor.learning.graph import TopicGraph, sample_mixture
from dltutor.learning.items import ItemParams, hedged, item_params

if TYPE_CHECKING:
    from dltutor.learning.profile import Profile

# Self-rated level -> Beta(a, b) prior on the fraction of the course already mastered.
LEVEL_PRIOR: dict[str, tuple[float, float]] = {
    "beginner": (1.0, 4.0),
    "intermediate": (2.0, 2.0),
    "advanced": (4.0, 1.5),
}
PRIOR_KINDS = ("frontier", "ability", "goal", "stagewise")  # see graph.py
# A particle whose weight (before the self-rating) falls below this fraction of the heaviest one
# is dropped: later steps get cheaper; on the benchmark accuracy is the same for any cut from
# 1e-12 to 1e-4.
PRUNE_BELOW = 1e-4
# The item rates of items.py are set by hand, not fitted, so the diagnostic takes them halfway to
# the flat rates: with learners who answer at the flat rates it then does as well as the flat
# model (0.960 vs 0.959 at 15 items), and where the item rates hold it gains (0.976 vs 0.947).
# Taken at full weight it lost on flat learners (0.92); bench/diagnosis_bench.py shows both.
ITEM_RATE_WEIGHT = 0.5


class ProbeItem(QuizItem):
    """A self-assessment stand-in for a topic whose quiz is not written yet.

    Option "yes" counts as correct; so do y/是/会/能/可以 (typed at the CLI).
    """

    def is_correct(self, response: str | int, lang: str = "en") -> bool:
        answer = str(response).strip().lower()
        return answer in {"y", "yes", "是", "会", "能", "可以"}


def probe_item(course: Course, topic_id: str) -> ProbeItem:
    title = course.topics[topic_id].title
    text = {
        "zh": {
            "question": f"不查资料，你能讲清「{title['zh']}」并做出相关的基础练习吗？",
            "options": {"yes": "能", "no": "不能"},
            "explanation": "这是一道自评题：这个主题的测验题还在编写中。",
        },
        "en": {
            "question": f"Without looking it up, could you explain “{title['en']}” "
            "and solve a basic exercise on it?",
            "options": {"yes": "Yes", "no": "No"},
            "explanation": "A self-assessment: this topic's quiz is still being written.",
        },
    }
    return ProbeItem(
        id=f"{topic_id}/probe", topic=topic_id, type="probe", difficulty=1, text=text, key="yes"
    )


@lru_cache(maxsize=8)
def _prior_particles(
    graph: TopicGraph, n: int, kinds: tuple[str, ...], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct prior states (N, T) and how often each was drawn (N,): cached per graph."""
    draws = sample_mixture(graph, np.random.default_rng(seed), n, kinds)
    states, counts = np.unique(draws, axis=0, return_counts=True)
    return states, counts.astype(np.float64)


class Diagnostic:
    """An adaptive placement quiz over the whole topic graph (see the module docstring)."""

    def __init__(
        self,
        course: Course,
        max_items: int = 20,
        *,
        lang: str | None = None,
        profile: Profile | None = None,
        level: str | None = None,
        slip: float = 0.1,
        guess: float = 0.2,
        n_particles: int = 20_000,  # prior draws (duplicates merged)
        prior_kinds: tuple[str, ...] = PRIOR_KINDS,
        seed: int = 0,
        adaptive: bool = True,
        stop_below: float = 0.02,
        item_model: bool = True,
    ) -> None:
        self.course = course
        self.max_items = max_items
        self.lang = lang or (profile.language if profile else None)
        self.slip, self.guess = slip, guess
        self.adaptive = adaptive
        self.stop_below = stop_below  # stop early once no topic is more uncertain than this
        self.graph = TopicGraph.from_course(course)
        states, counts = _prior_particles(self.graph, n_particles, prior_kinds, seed)
        self._x = states.astype(np.float32)  # (N, T) 1.0 where the particle masters the topic
        self._base = counts / counts.sum()  # the prior mixture, times the likelihood later
        self._level = _level_weights(states, level or (profile.level if profile else None))
        self._w = self._posterior()
        self._items = self._items_by_topic()
        self._by_id = {it.id: it for items in self._items.values() for it in items}
        self.item_model = item_model
        flat = ItemParams(slip, guess)
        self._params = {
            i: hedged(item_params(it, slip, guess), flat, ITEM_RATE_WEIGHT) if item_model else flat
            for i, it in self._by_id.items()
        }
        self._asked: list[str] = []
        self.responses: list[tuple[str, bool]] = []  # (item id, correct), in order

    # --- public API ---------------------------------------------------------------------------

    def next_item(self) -> QuizItem | None:
        """The most informative unasked item, or None when the quiz is over."""
        if len(self._asked) >= self.max_items:
            return None
        available = [t for t, items in self._items.items() if self._unasked(items)]
        if not available:
            return None
        p = self._marginals()
        if self.adaptive and np.minimum(p, 1 - p).max() < self.stop_below:
            return None
        if self.adaptive and self.item_model:
            item = self._best_item(available)
        else:
            topic = self._best_topic(available) if self.adaptive else self._fixed_topic(available)
            item = self._unasked(self._items[topic])[0]
        self._asked.append(item.id)
        return item

    def record(self, item_id: str, correct: bool) -> None:
        """Update the posterior with one answer (item ids outside the quiz raise KeyError)."""
        item = self._by_id[item_id]
        if item_id not in self._asked:
            self._asked.append(item_id)
        self.responses.append((item_id, bool(correct)))
        x_c = self._x[:, self.graph.index[item.topic]]
        slip, guess = self._params[item_id].slip, self._params[item_id].guess
        if correct:
            like = np.where(x_c > 0, 1 - slip, guess)
        else:
            like = np.where(x_c > 0, slip, 1 - guess)
        self._base = self._base * like
        self._base /= self._base.sum()
        # Drop states the answers have made negligible. The self-rating is left out of this test:
        # an expert who called themself a beginner keeps the states that show it.
        keep = self._base > PRUNE_BELOW * self._base.max()
        if not keep.all():  # a smaller particle set: later steps get cheaper
            self._x, self._base, self._level = self._x[keep], self._base[keep], self._level[keep]
        self._w = self._posterior()

    def mastery(self) -> dict[str, float]:
        """P(mastered) for every topic of the course."""
        p = np.clip(self._marginals(), 0.0, 1.0)  # float32 states: sums may pass 1 by 1e-7
        return {t: float(p[i]) for i, t in enumerate(self.graph.ids)}

    @property
    def items_used(self) -> int:
        return len(self.responses)

    def item(self, item_id: str) -> QuizItem:
        return self._by_id[item_id]

    # --- internals ------------------------------------------------------------------------------

    def _posterior(self) -> np.ndarray:
        """Weights of the particles: prior mixture x likelihood (in _base) x self-rating."""
        w = self._base * self._level
        return np.asarray(w / w.sum())

    def _marginals(self) -> np.ndarray:
        # einsum, not a BLAS product: see _gram for why this code avoids threaded BLAS
        return np.einsum("n,nt->t", self._w, self._x, dtype=np.float64)

    def _best_topic(self, available: list[str]) -> str:
        """The topic whose answer minimises the expected number of misclassified topics."""
        joint = _gram(self._x * np.sqrt(self._w.astype(np.float32))[:, None])  # (T, T) P(c, t)
        m = np.diag(joint).copy()  # (T,) P(t), as x * x = x for 0/1 entries
        s, g = self.slip, self.guess
        cand = np.array([self.graph.index[t] for t in available])
        j = joint[cand]  # (C, T)
        mc = m[cand][:, None]
        loss = np.zeros(len(cand))
        for p_yes_if_k, p_yes_if_not in ((1 - s, g), (s, 1 - g)):  # correct, then incorrect
            p_answer = mc * p_yes_if_k + (1 - mc) * p_yes_if_not  # (C, 1)
            p_t_and_answer = j * p_yes_if_k + (m[None, :] - j) * p_yes_if_not  # (C, T)
            loss += np.minimum(p_t_and_answer, p_answer - p_t_and_answer).sum(axis=1)
        return available[int(np.argmin(loss))]

    def _best_item(self, available: list[str]) -> QuizItem:
        """The unasked item whose answer minimises the expected number of misclassified topics,
        each with its own slip and guess (the same loss as `_best_topic`, per item)."""
        cands = [it for t in available for it in self._unasked(self._items[t])]
        joint = _gram(self._x * np.sqrt(self._w.astype(np.float32))[:, None])  # (T, T) P(c, t)
        m = np.diag(joint).copy()
        topic = np.array([self.graph.index[it.topic] for it in cands])
        s = np.array([self._params[it.id].slip for it in cands])[:, None]  # (C, 1)
        g = np.array([self._params[it.id].guess for it in cands])[:, None]
        j, mc = joint[topic], m[topic][:, None]  # (C, T), (C, 1)
        loss = np.zeros(len(cands))
        for p_yes_if_k, p_yes_if_not in ((1 - s, g), (s, 1 - g)):  # correct, then incorrect
            p_answer = mc * p_yes_if_k + (1 - mc) * p_yes_if_not
            p_t_and_answer = j * p_yes_if_k + (m[None, :] - j) * p_yes_if_not
            loss += np.minimum(p_t_and_answer, p_answer - p_t_and_answer).sum(axis=1)
        return cands[int(np.argmin(loss))]

    def _fixed_topic(self, available: list[str]) -> str:
        """The non-adaptive baseline: topics spread evenly over the topological order."""
        spread = np.linspace(0, len(self.graph) - 1, max(1, self.max_items)).round().astype(int)
        for i in spread:
            if self.graph.ids[i] in available and not self._asked_topic(self.graph.ids[i]):
                return self.graph.ids[i]
        return available[0]

    def _asked_topic(self, topic: str) -> bool:
        return any(self._by_id[i].topic == topic for i in self._asked)

    def _items_by_topic(self) -> dict[str, list[QuizItem]]:
        """Per topic, the items to ask in order: the course's quiz, or one probe if none."""
        out: dict[str, list[QuizItem]] = {}
        for t in self.graph.ids:
            quiz = [q for q in self.course[t].quiz if self.lang is None or self.lang in q.text]
            # middling difficulty first: it separates masters from non-masters best
            quiz.sort(key=lambda q: (abs(q.difficulty - 2), q.difficulty, q.id))
            out[t] = list(quiz) or [probe_item(self.course, t)]
        return out

    def _unasked(self, items: list[QuizItem]) -> list[QuizItem]:
        return [it for it in items if it.id not in self._asked]


def _gram(y: np.ndarray, block: int = 64) -> np.ndarray:
    """y.T @ y for a tall (N, T) y, as a sum over blocks of 64 rows.

    One big product lets BLAS spread it over all cores; on a busy machine (a web server, a
    shared CI box) its spinning threads then run ~40x slower than one thread. Blocks this
    small run single-threaded inside one batched call: half the speed of a multithreaded
    product on an idle machine, twenty times its speed on a loaded one.
    """
    n, t = y.shape
    pad = (-n) % block
    if pad:
        y = np.concatenate([y, np.zeros((pad, t), dtype=y.dtype)])
    blocks = y.reshape(-1, block, t)  # (B, block, T)
    return np.asarray(np.matmul(blocks.transpose(0, 2, 1), blocks).sum(axis=0), dtype=np.float64)


def _level_weights(states: np.ndarray, level: str | None) -> np.ndarray:
    """Prior weight of each state from a Beta prior on the fraction of topics mastered."""
    if level not in LEVEL_PRIOR:
        return np.ones(len(states))
    a, b = LEVEL_PRIOR[level]
    f = (states.sum(axis=1) + 0.5) / (states.shape[1] + 1)
    return np.asarray(f ** (a - 1) * (1 - f) ** (b - 1), dtype=np.float64)
