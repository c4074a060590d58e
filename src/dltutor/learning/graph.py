"""The prerequisite graph as arrays, and random knowledge states consistent with it.

Knowledge-space theory: a learner who masters a topic masters its prerequisites, so a
*knowledge state* is a down-closed set of topics (an ideal of the prerequisite order).
States are boolean rows over the topics in `TopicGraph.ids` order, shape (N, T).

The samplers here feed both the diagnostic's prior (many particles) and the simulated
learners (one hidden state each); they are vectorised over N because the prior needs tens of
thousands of states.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from dltutor.course.model import Course

StateMatrix = np.ndarray  # (N, T) bool


@dataclass(frozen=True)
class TopicGraph:
    """Topic ids in topological order with integer prerequisite lists."""

    ids: tuple[str, ...]
    parents: tuple[tuple[int, ...], ...]  # direct prerequisites, as indices into ids
    stages: tuple[int, ...]

    @classmethod
    def from_course(cls, course: Course) -> TopicGraph:
        ids = tuple(course.topological_order())
        index = {t: i for i, t in enumerate(ids)}
        parents = tuple(tuple(index[r] for r in course[t].requires if r in index) for t in ids)
        return cls(ids, parents, tuple(course[t].stage for t in ids))

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.ids)}

    @cached_property
    def direct(self) -> np.ndarray:
        """(T, T) bool: [t, p] is True when p is a direct prerequisite of t."""
        m = np.zeros((len(self.ids), len(self.ids)), dtype=bool)
        for t, ps in enumerate(self.parents):
            m[t, list(ps)] = True
        return m

    @cached_property
    def ancestors(self) -> np.ndarray:
        """(T, T) bool: [t, a] is True when a is a prerequisite of t, directly or not."""
        n = len(self.ids)
        anc = np.zeros((n, n), dtype=bool)
        for t in range(n):  # topological order: parents' rows are complete already
            for p in self.parents[t]:
                anc[t, p] = True
                anc[t] |= anc[p]
        return anc

    @cached_property
    def depth(self) -> np.ndarray:
        """(T,) longest chain of prerequisites below each topic (0 for a root)."""
        d = np.zeros(len(self.ids), dtype=int)
        for t in range(len(self.ids)):
            if self.parents[t]:
                d[t] = 1 + max(d[p] for p in self.parents[t])
        return d

    def is_down_closed(self, states: StateMatrix) -> np.ndarray:
        """(N,) whether each state contains every prerequisite of each topic it contains."""
        states = np.atleast_2d(states)
        # a violation: topic t in the state and some ancestor a of t not in it
        missing = (~states).astype(np.float32) @ self.ancestors.T.astype(np.float32)  # (N, T)
        return ~np.any(states & (missing > 0), axis=1)

    def close_down(self, learned: StateMatrix) -> StateMatrix:
        """The largest state inside `learned`: keep a topic only if its prerequisites are kept."""
        states = np.array(learned, dtype=bool, copy=True)
        for t, ps in enumerate(self.parents):  # topological order, so parents are final
            if ps:
                states[:, t] &= states[:, list(ps)].all(axis=1)
        return states


# --- samplers of knowledge states ------------------------------------------------------------
# Each returns an (n, T) bool matrix of down-closed states. They differ in what kind of learner
# they picture, so a prior mixing them is broad and a simulator can test one the prior lacks.


def sample_frontier(graph: TopicGraph, rng: np.random.Generator, n: int) -> StateMatrix:
    """A learner who studied topics one at a time in some order their prerequisites allowed.

    Draws a random topological order (each learner has a random preference per topic and at each
    step takes the preferred topic among those whose prerequisites are done) and keeps a prefix
    of uniformly random length 0..T.
    """
    t_count = len(graph)
    children = graph.direct.T  # [p, c] True when p is a direct prerequisite of c
    n_parents = graph.direct.sum(axis=1)
    done = np.zeros((n, t_count), dtype=bool)
    parents_done = np.zeros((n, t_count), dtype=np.int32)
    # sorted by size, the learners still studying at a step are a prefix: slices, not copies
    sizes = np.sort(rng.integers(0, t_count + 1, size=n))[::-1]
    preference = rng.random((n, t_count))
    for step in range(t_count):
        m = int(np.searchsorted(-sizes, -step, side="left"))  # rows with size > step
        if m == 0:
            break
        ready = (parents_done[:m] == n_parents) & ~done[:m]
        pick = np.where(ready, preference[:m], -1.0).argmax(axis=1)
        done[np.arange(m), pick] = True
        parents_done[:m] += children[pick]
    return done[rng.permutation(n)]


def sample_ability(
    graph: TopicGraph,
    rng: np.random.Generator,
    n: int,
    sharpness: tuple[float, float] = (2.0, 10.0),
) -> StateMatrix:
    """A learner of some ability who learned each topic with a probability falling with depth.

    Ability a ~ U(-0.2, 1.2) on the scale of normalised depth; topic t is learned with
    probability sigmoid(k (a - depth_t)), k ~ U(sharpness); the state keeps learned topics
    whose prerequisites are kept.
    """
    depth = graph.depth / max(1, graph.depth.max())
    ability = rng.uniform(-0.2, 1.2, size=(n, 1))
    k = rng.uniform(*sharpness, size=(n, 1))
    p_learned = 1.0 / (1.0 + np.exp(-k * (ability - depth[None, :])))
    return graph.close_down(rng.random((n, len(graph))) < p_learned)


def sample_goal_directed(graph: TopicGraph, rng: np.random.Generator, n: int) -> StateMatrix:
    """A learner who went straight for one to four goal topics and learned just what they need.

    The state is the union of the goals and their prerequisites.
    """
    t_count = len(graph)
    goals = np.zeros((n, t_count), dtype=bool)
    picks = rng.random((n, t_count)).argsort(axis=1)[:, :4]  # four distinct topics per row
    keep = np.arange(4)[None, :] < rng.integers(1, 5, size=(n, 1))
    goals[np.nonzero(keep)[0], picks[keep]] = True
    return goals | ((goals.astype(np.float32) @ graph.ancestors.astype(np.float32)) > 0)


def sample_stagewise(graph: TopicGraph, rng: np.random.Generator, n: int) -> StateMatrix:
    """A learner who finished whole stages of the course and part of the next one.

    Stages 0..s-1 complete (prerequisites never lie in a later stage, so this is down-closed),
    then each topic of stage s learned with probability q ~ U(0, 1), closed down.
    """
    stages = np.asarray(graph.stages)
    s = rng.integers(0, stages.max() + 2, size=(n, 1))
    q = rng.random((n, 1))
    learned = (stages[None, :] < s) | ((stages[None, :] == s) & (rng.random((n, len(graph))) < q))
    return graph.close_down(learned)


SAMPLERS = {
    "frontier": sample_frontier,
    "ability": sample_ability,
    "goal": sample_goal_directed,
    "stagewise": sample_stagewise,
}


def sample_mixture(
    graph: TopicGraph, rng: np.random.Generator, n: int, kinds: tuple[str, ...]
) -> StateMatrix:
    """n states, split evenly over the sampler kinds named."""
    counts = np.bincount(rng.integers(0, len(kinds), size=n), minlength=len(kinds))
    parts = [SAMPLERS[kind](graph, rng, int(c)) for kind, c in zip(kinds, counts, strict=True)]
    states = np.concatenate(parts, axis=0)
    return states[rng.permutation(n)]
