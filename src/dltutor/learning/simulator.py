"""Simulated learners: a hidden knowledge state and noisy answers, for tests and benchmarks.

A learner's hidden state is a down-closed set of topics drawn by one of the samplers in
`graph.py` (the kind says what sort of learner: "frontier", "ability", "goal", "stagewise").
An item on a mastered topic is answered correctly with probability 1 - slip, otherwise with
probability guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dltutor.course.model import Course
from dltutor.learning.graph import SAMPLERS, TopicGraph


@dataclass
class SimulatedLearner:
    mastered: frozenset[str]
    slip: float = 0.1
    guess: float = 0.2
    kind: str = ""
    rng: np.random.Generator = field(default_factory=np.random.default_rng, repr=False)

    def answers(self, topic: str) -> bool:
        """One noisy answer to an item on `topic`."""
        p_correct = 1 - self.slip if topic in self.mastered else self.guess
        return bool(self.rng.random() < p_correct)

    def knows(self, topic: str) -> bool:
        return topic in self.mastered


def make_learners(
    course: Course,
    n: int,
    *,
    seed: int = 0,
    slip: float = 0.1,
    guess: float = 0.2,
    kinds: tuple[str, ...] = tuple(SAMPLERS),
) -> list[SimulatedLearner]:
    """n learners, the kinds taking turns, each with its own answer stream (reproducible)."""
    graph = TopicGraph.from_course(course)
    # Its own stream, apart from the diagnostic's prior (which is drawn from seed 0 by default).
    rng = np.random.default_rng([seed, 1_000_003])
    learners = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        state = SAMPLERS[kind](graph, rng, 1)[0]
        mastered = frozenset(t for t, m in zip(graph.ids, state, strict=True) if m)
        answer_rng = np.random.default_rng([seed, i])
        learners.append(SimulatedLearner(mastered, slip, guess, kind, answer_rng))
    return learners


# --- running a diagnostic on simulated learners (shared by the tests and the benchmark) ----------


@dataclass
class Outcome:
    """How well one diagnosis matched one learner's hidden state."""

    accuracy: float  # share of topics classified right (mastered iff P >= threshold)
    items: int
    mastery: dict[str, float]


def diagnose(
    course: Course, learner: SimulatedLearner, threshold: float = 0.5, **diagnostic_kw: Any
) -> Outcome:
    """Run a `Diagnostic` to its end against a simulated learner."""
    from dltutor.learning.diagnostic import Diagnostic

    d = Diagnostic(course, **diagnostic_kw)
    while (item := d.next_item()) is not None:
        d.record(item.id, learner.answers(item.topic))
    return score(learner, d.mastery(), d.items_used, threshold)


def diagnose_by_marking(course: Course, learner: SimulatedLearner, max_items: int = 20) -> Outcome:
    """The naive baseline: a fixed quiz over topics spread along the topological order, each
    topic marked by its answer; an unasked topic is mastered if a topic building on it was
    answered right, else not (a wrong answer says nothing about what builds on nothing asked)."""
    graph = TopicGraph.from_course(course)
    asked = np.linspace(0, len(graph) - 1, max_items).round().astype(int)
    right = {int(i): learner.answers(graph.ids[i]) for i in asked}
    mastery = {}
    for t, topic in enumerate(graph.ids):
        if t in right:
            mastery[topic] = float(right[t])
        else:
            built_on = graph.ancestors[:, t]  # topics that have t as a prerequisite
            mastery[topic] = float(any(ok and built_on[i] for i, ok in right.items()))
    return score(learner, mastery, len(right), 0.5)


def score(
    learner: SimulatedLearner, mastery: dict[str, float], items: int, threshold: float = 0.5
) -> Outcome:
    hits = [(p >= threshold) == learner.knows(t) for t, p in mastery.items()]
    return Outcome(float(np.mean(hits)), items, mastery)
