"""Simulated learners: a hidden knowledge state and noisy answers, for tests and benchmarks.

A learner's hidden state is a down-closed set of topics drawn by one of the samplers in
`graph.py` (the kind says what sort of learner: "frontier", "ability", "goal", "stagewise").
An item on a mastered topic is answered correctly with probability 1 - slip, otherwise with
probability guess: the same rates for every item ("flat", as the first diagnostic assumed), or
each item's own (`item_model=True`, learning/items.py: a short answer is rarely guessed, a hard
item is missed more often).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dltutor.course.model import Course, QuizItem
from dltutor.learning.graph import SAMPLERS, TopicGraph
from dltutor.learning.items import item_params


@dataclass
class SimulatedLearner:
    mastered: frozenset[str]
    slip: float = 0.1
    guess: float = 0.2
    kind: str = ""
    rng: np.random.Generator = field(default_factory=np.random.default_rng, repr=False)
    item_model: bool = False  # answer with each item's own slip and guess
    index: int = 0  # the learner's number, 1-based: a learner id for the option order

    def answers(self, topic: str) -> bool:
        """One noisy answer to an item on `topic`, at the flat rates."""
        p_correct = 1 - self.slip if topic in self.mastered else self.guess
        return bool(self.rng.random() < p_correct)

    def answer(self, item: QuizItem) -> bool:
        """One noisy answer to `item`: at its own rates with `item_model`, else the flat ones."""
        if not self.item_model:
            return self.answers(item.topic)
        p_correct = item_params(item, self.slip, self.guess).p_correct(item.topic in self.mastered)
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
    item_model: bool = False,
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
        learners.append(
            SimulatedLearner(mastered, slip, guess, kind, answer_rng, item_model, index=i + 1)
        )
    return learners


# --- running a diagnostic on simulated learners (shared by the tests and the benchmark) ----------


@dataclass
class Outcome:
    """How well one diagnosis matched one learner's hidden state."""

    accuracy: float  # share of topics classified right (mastered iff P >= threshold)
    items: int
    mastery: dict[str, float]


def diagnose(
    course: Course,
    learner: SimulatedLearner,
    threshold: float = 0.5,
    through_options: int | None = None,
    **diagnostic_kw: Any,
) -> Outcome:
    """Run a `Diagnostic` to its end against a simulated learner. With `through_options` (a
    learner id), each choice answer goes the way a real one does: the learner picks a place in
    the options as that learner sees them (shuffle.py), and the pick is judged by option id."""
    from dltutor.learning.diagnostic import Diagnostic

    d = Diagnostic(course, **diagnostic_kw)
    while (item := d.next_item()) is not None:
        right = learner.answer(item)
        if through_options is not None and item.key is not None:
            right = item.is_correct(pick_option(course, item, right, through_options, learner))
        d.record(item.id, right)
    return score(learner, d.mastery(), d.items_used, threshold)


def pick_option(
    course: Course, item: QuizItem, right: bool, seen_by: int, learner: SimulatedLearner
) -> str:
    """The option a learner clicks: the key's place when the answer is right, else one of the
    other places at random, in the order `seen_by` sees the options. The random place comes from
    a generator of its own, so the learner's answer stream is the same with or without this."""
    from dltutor.learning.shuffle import option_order

    order = option_order(course, item, seen_by)
    place = order.index(str(item.key)) if right else None
    if place is None:
        wrong = [p for p, i in enumerate(order) if i != item.key]
        place = random.Random(f"{seen_by}/{item.id}/{learner.kind}").choice(wrong)
    return order[place]


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
