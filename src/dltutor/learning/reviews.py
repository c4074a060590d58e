"""Spaced reviews per topic with FSRS (the `fsrs` package: Scheduler, Card, Rating).

One card per topic. Each learning event on a topic (a quiz answer, an exercise grade, a judged
check-question answer) is a review of its card, rated from the outcome:

    quiz       correct -> Good         wrong -> Again
    exercise   passed  -> Good (Easy on the first try, Hard after 3+ failed attempts)
               failed  -> Again
    judged     score < 0.4 -> Again, < 0.7 -> Hard, < 0.9 -> Good, else Easy

`due(cards, now)` lists the topics whose review is due, most overdue first. Cards are stored as
`card.to_dict()` (JSON-friendly) and read back with `Card.from_dict`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

DESIRED_RETENTION = 0.9


def make_scheduler(desired_retention: float = DESIRED_RETENTION) -> Scheduler:
    # No minute-long learning steps: a card is a whole topic, practised in the session that
    # taught it, so its first review belongs on a later day.
    # No fuzzing: the same history gives the same schedule, which a learner (and a test) can
    # reason about; with one learner's few dozen cards, clumping of due dates does not matter.
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


def rating_for_quiz(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


def rating_for_grade(passed: bool, failed_attempts: int = 0) -> Rating:
    if not passed:
        return Rating.Again
    if failed_attempts == 0:
        return Rating.Easy
    return Rating.Hard if failed_attempts >= 3 else Rating.Good


def rating_for_score(score: float) -> Rating:
    if score < 0.4:
        return Rating.Again
    if score < 0.7:
        return Rating.Hard
    return Rating.Good if score < 0.9 else Rating.Easy


def new_card(topic: str) -> Card:
    """A card for a topic. Its id is derived from the topic so a card is findable by either."""
    return Card(card_id=_card_id(topic))


def review(
    cards: dict[str, Card],
    topic: str,
    rating: Rating,
    now: datetime | None = None,
    scheduler: Scheduler | None = None,
) -> Card:
    """Record one review of `topic` (creating its card) and return the rescheduled card."""
    now = now or datetime.now(UTC)
    card = cards.get(topic) or new_card(topic)
    card, _log = (scheduler or make_scheduler()).review_card(card, rating, now)
    cards[topic] = card
    return card


def due(cards: Mapping[str, Card], now: datetime | None = None) -> list[str]:
    """Topics whose review is due at `now`, most overdue first."""
    now = now or datetime.now(UTC)
    ready = [(card.due, topic) for topic, card in cards.items() if card.due <= now]
    return [topic for _due, topic in sorted(ready)]


def retrievability(
    cards: Mapping[str, Card], now: datetime | None = None, scheduler: Scheduler | None = None
) -> dict[str, float]:
    """FSRS's estimate of the chance each topic is still remembered at `now`."""
    now = now or datetime.now(UTC)
    s = scheduler or make_scheduler()
    return {t: float(s.get_card_retrievability(c, now)) for t, c in cards.items()}


def cards_to_dict(cards: Mapping[str, Card]) -> dict[str, dict[str, Any]]:
    return {topic: dict(card.to_dict()) for topic, card in cards.items()}


def cards_from_dict(data: Mapping[str, Mapping[str, Any]]) -> dict[str, Card]:
    return {topic: Card.from_dict(cast(CardDict, dict(raw))) for topic, raw in data.items()}


def _card_id(topic: str) -> int:
    # Stable across runs (Python's hash() is salted): 7 bytes of a digest fit a signed int64.
    return int.from_bytes(hashlib.sha256(topic.encode()).digest()[:7], "big")
