from __future__ import annotations

import numpy as np
import pytest

from dltutor.course.model import Course
from dltutor.learning.graph import SAMPLERS, TopicGraph, sample_mixture


def test_ancestors_match_the_course(course: Course) -> None:
    g = TopicGraph.from_course(course)
    for t, topic in enumerate(g.ids):
        assert {g.ids[a] for a in np.flatnonzero(g.ancestors[t])} == course.ancestors(topic)


def test_ids_are_in_topological_order(course: Course) -> None:
    g = TopicGraph.from_course(course)
    assert all(p < t for t, ps in enumerate(g.parents) for p in ps)


@pytest.mark.parametrize("kind", sorted(SAMPLERS))
def test_samplers_give_down_closed_states_of_varied_size(course: Course, kind: str) -> None:
    g = TopicGraph.from_course(course)
    states = SAMPLERS[kind](g, np.random.default_rng(0), 500)
    assert states.shape == (500, len(g))
    assert g.is_down_closed(states).all()
    sizes = states.sum(axis=1)
    assert sizes.min() < 0.25 * len(g) and sizes.max() > 0.5 * len(g)


def test_is_down_closed_catches_a_missing_prerequisite(course: Course) -> None:
    g = TopicGraph.from_course(course)
    state = np.zeros((1, len(g)), dtype=bool)
    state[0, g.index["dl.backpropagation"]] = True
    assert not g.is_down_closed(state)[0]
    assert g.is_down_closed(g.close_down(state | (g.ancestors[g.index["dl.backpropagation"]])))[0]
    assert not g.close_down(state)[0].any()  # nothing below it: close_down drops it


def test_mixture_is_reproducible(course: Course) -> None:
    g = TopicGraph.from_course(course)
    a = sample_mixture(g, np.random.default_rng(7), 300, tuple(SAMPLERS))
    b = sample_mixture(g, np.random.default_rng(7), 300, tuple(SAMPLERS))
    assert (a == b).all()
