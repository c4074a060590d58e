from __future__ import annotations

from dltutor.bench.replicas import turn_fairness


def test_turn_fairness_tells_round_robin_from_first_come_first_served() -> None:
    assert turn_fairness(["a", "b", "c", "a", "b", "c", "a", "b", "c"]) == 1.0
    # a's second and third went before b's first; b's own then wait for nobody
    assert turn_fairness(["a", "a", "a", "b", "b", "b"]) == 4 / 6
    # one learner who has nothing more waiting does not hold the others back
    assert turn_fairness(["a", "b", "b", "b"]) == 1.0
    assert turn_fairness(["b", "a", "b", "a"]) == 1.0
    assert turn_fairness(["a", "a", "b", "b"]) == 3 / 4  # a's second went before b's first
