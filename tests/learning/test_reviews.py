from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fsrs import Rating

from dltutor.learning.reviews import (
    cards_from_dict,
    cards_to_dict,
    due,
    rating_for_grade,
    rating_for_quiz,
    rating_for_score,
    retrievability,
    review,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_outcomes_map_to_ratings() -> None:
    assert rating_for_quiz(True) == Rating.Good and rating_for_quiz(False) == Rating.Again
    assert rating_for_grade(False) == Rating.Again
    assert rating_for_grade(True, 0) == Rating.Easy
    assert rating_for_grade(True, 1) == Rating.Good
    assert rating_for_grade(True, 3) == Rating.Hard
    assert [rating_for_score(s) for s in (0.0, 0.5, 0.8, 1.0)] == [
        Rating.Again,
        Rating.Hard,
        Rating.Good,
        Rating.Easy,
    ]


def test_reviews_are_scheduled_days_ahead_and_grow_with_success() -> None:
    cards: dict = {}
    first = review(cards, "ml.svm", Rating.Good, NOW)
    assert first.due >= NOW + timedelta(days=1)
    second = review(cards, "ml.svm", Rating.Good, first.due)
    assert second.due - first.due > first.due - NOW
    lapse = review(cards, "ml.svm", Rating.Again, second.due)
    assert lapse.due - second.due < second.due - first.due


def test_due_lists_overdue_topics_first() -> None:
    cards: dict = {}
    review(cards, "a.late", Rating.Again, NOW)
    review(cards, "b.easy", Rating.Easy, NOW)
    review(cards, "c.later", Rating.Good, NOW + timedelta(days=1))
    assert due(cards, NOW) == []
    assert due(cards, NOW + timedelta(days=3)) == ["a.late", "c.later"]
    assert due(cards, NOW + timedelta(days=60)) == ["a.late", "c.later", "b.easy"]
    r = retrievability(cards, NOW + timedelta(days=3))
    assert r["b.easy"] > r["a.late"]


def test_cards_round_trip_through_json() -> None:
    cards: dict = {}
    review(cards, "ml.svm", Rating.Good, NOW)
    again = cards_from_dict(json.loads(json.dumps(cards_to_dict(cards))))
    assert again["ml.svm"].to_dict() == cards["ml.svm"].to_dict()
    assert again["ml.svm"].card_id == cards["ml.svm"].card_id
