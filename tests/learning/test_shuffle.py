"""The option order a learner sees: stable, different between learners, fair within a stage."""

from __future__ import annotations

from collections import Counter

from dltutor.course.model import Course
from dltutor.learning.shuffle import key_positions, option_order


def test_the_order_is_stable_and_a_permutation(course: Course) -> None:
    item = next(q for q in course.quiz_items() if q.key is not None)
    first = option_order(course, item, 7)
    assert sorted(first) == sorted(item.option_ids)
    assert all(option_order(course, item, 7) == first for _ in range(3))  # reloads
    assert option_order(course, item, None) == item.option_ids  # no learner: file order


def test_learners_see_different_orders(course: Course) -> None:
    items = [q for q in course.quiz_items() if q.key is not None][:40]
    a = [option_order(course, q, 1) for q in items]
    b = [option_order(course, q, 2) for q in items]
    assert sum(x != y for x, y in zip(a, b, strict=True)) > len(items) // 2


def test_keys_are_spread_evenly_over_places_in_every_stage(course: Course) -> None:
    for learner in (1, 2, 3, 99):
        for stage in {t.stage for t in course}:
            places = key_positions(course, stage, learner)
            counts = Counter(places.values())
            assert max(counts.values()) - min(counts.values()) <= 1, (learner, stage, counts)
            for item_id, place in places.items():
                topic = item_id.split("/")[0]
                item = next(q for q in course[topic].quiz if q.id == item_id)
                assert option_order(course, item, learner).index(str(item.key)) == place
