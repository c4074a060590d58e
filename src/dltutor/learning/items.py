"""How one quiz item is answered: its slip and guess rates (a two-state IRT model).

A learner who masters the topic still gets an item wrong with probability `slip`; one who does
not gets it right with probability `guess`. The rates differ by item, and the diagnostic uses
that: a short answer cannot be guessed the way a four-option item can, and a hard item is
missed more often by people who know the topic.

- guess: 1 / (number of options) for a choice item. That holds because `course check` keeps
  keys from being given away by their position or length (check_assessment.py) and learners see
  a balanced shuffle (shuffle.py); a short answer is guessed right 5% of the time.
- slip: 5%, 10% and 20% for difficulty 1, 2 and 3.

These are priors set by hand, not fitted: the course has no answer data yet. Fitting them from
the quiz events (an EM pass over the learners' answers) is the next step once there is data.
"""

from __future__ import annotations

from dataclasses import dataclass

from dltutor.course.model import QuizItem

SLIP_BY_DIFFICULTY = {1: 0.05, 2: 0.10, 3: 0.20}
SHORT_GUESS = 0.05


@dataclass(frozen=True)
class ItemParams:
    slip: float  # P(wrong | mastered)
    guess: float  # P(right | not mastered)

    def p_correct(self, mastered: bool) -> float:
        return 1 - self.slip if mastered else self.guess


def hedged(item: ItemParams, flat: ItemParams, weight: float) -> ItemParams:
    """Rates `weight` of the way from the item's own towards the flat ones: a model that is not
    sure of its item rates should not bet everything on them."""
    return ItemParams(
        (1 - weight) * item.slip + weight * flat.slip,
        (1 - weight) * item.guess + weight * flat.guess,
    )


def item_params(item: QuizItem, slip: float = 0.1, guess: float = 0.2) -> ItemParams:
    """The item's rates; `slip` and `guess` are used for what the model does not know (a
    self-assessment probe)."""
    if item.type == "mcq" and item.option_ids:
        g = 1 / len(item.option_ids)
    elif item.type == "short":
        g = SHORT_GUESS
    else:
        return ItemParams(slip, guess)
    return ItemParams(SLIP_BY_DIFFICULTY.get(item.difficulty, 0.1), g)
