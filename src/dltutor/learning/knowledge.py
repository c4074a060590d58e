"""Mastery tracking while learning: Bayesian knowledge tracing per topic, kept consistent with
the prerequisite graph.

BKT (Corbett & Anderson, 1995) per topic, with fixed parameters:
    P(L)     probability the topic is mastered, starting at `prior`
    learn    P(T), the chance of moving to mastered after a practice opportunity
    guess    P(G), a correct answer without mastery
    slip     P(S), a wrong answer despite mastery
An observation updates P(L) by Bayes' rule, then learning: P(L) <- P(L|obs) + (1 - P(L|obs)) learn.

Evidence comes as quiz answers (right/wrong), exercise grades (pass/fail: a passing program is
hard to guess, so its guess is lower) and check-question judgements (a score in [0, 1], used as
soft evidence: the likelihood interpolates between "right" and "wrong").

Prerequisite propagation: under knowledge-space theory a learner who masters t masters every
prerequisite of t, so any consistent belief has P(a) >= P(t) for each ancestor a and
P(d) <= P(t) for each descendant d. After an update of t we restore that order with the
smallest change: ancestors are raised to P(t), descendants lowered to P(t). (The diagnostic
keeps a full posterior over knowledge states; here, during the course, a factorised belief
with this projection is enough and stays cheap and explainable.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dltutor.course.model import Course


@dataclass(frozen=True)
class BKTParams:
    prior: float = 0.2
    learn: float = 0.1
    guess: float = 0.2
    slip: float = 0.1


# Evidence kinds and their noise: a multiple-choice answer can be guessed; a program that passes
# hidden tests or a free-text answer judged good rarely is.
QUIZ = BKTParams()
EXERCISE = BKTParams(guess=0.05, slip=0.15)
JUDGED = BKTParams(guess=0.1, slip=0.1)
KINDS = {"quiz": QUIZ, "exercise": EXERCISE, "judged": JUDGED}


def bkt_update(p_mastered: float, evidence: float, params: BKTParams) -> float:
    """One BKT step. `evidence` is 1.0 for a right answer, 0.0 for a wrong one, or in between
    for a graded answer (the likelihoods of right and wrong mixed in that proportion)."""
    e = min(1.0, max(0.0, evidence))
    like_mastered = e * (1 - params.slip) + (1 - e) * params.slip
    like_not = e * params.guess + (1 - e) * (1 - params.guess)
    num = p_mastered * like_mastered
    posterior = num / (num + (1 - p_mastered) * like_not)
    return posterior + (1 - posterior) * params.learn


@dataclass(frozen=True)
class Evidence:
    """What one answer shows about one topic: a quiz answer (1 or 0), an exercise grade (1 or
    0), or a judged answer in words (a score in [0, 1]). The teaching policy says which topic an
    answer is evidence for; tutor.record applies it to the stored record."""

    topic: str
    kind: str  # "quiz" | "exercise" | "judged"
    score: float

    @classmethod
    def quiz(cls, topic: str, correct: bool) -> Evidence:
        return cls(topic, "quiz", 1.0 if correct else 0.0)

    @classmethod
    def exercise(cls, topic: str, passed: bool) -> Evidence:
        return cls(topic, "exercise", 1.0 if passed else 0.0)

    @classmethod
    def judged(cls, topic: str, score: float) -> Evidence:
        return cls(topic, "judged", float(score))


@dataclass
class Mastery:
    """P(mastered) per topic; topics never seen read as the prior."""

    p: dict[str, float] = field(default_factory=dict)
    prior: float = BKTParams().prior

    def __getitem__(self, topic: str) -> float:
        return self.p.get(topic, self.prior)

    def mastered(self, threshold: float = 0.8) -> set[str]:
        return {t for t, v in self.p.items() if v >= threshold}

    # --- evidence -------------------------------------------------------------------------------

    def observe(self, course: Course, topic: str, evidence: float, params: BKTParams) -> float:
        """Update `topic` with one piece of evidence, propagate along the graph; new P(topic)."""
        new = bkt_update(self[topic], evidence, params)
        self.p[topic] = new
        for a in course.ancestors(topic):
            if self[a] < new:
                self.p[a] = new
        for d in course.descendants(topic):
            if self[d] > new:
                self.p[d] = new
        return new

    def take(self, course: Course, evidence: Evidence) -> float:
        """Update with one piece of evidence (its kind says how noisy it is); new P(topic)."""
        return self.observe(course, evidence.topic, evidence.score, KINDS[evidence.kind])

    def quiz(self, course: Course, topic: str, correct: bool) -> float:
        return self.take(course, Evidence.quiz(topic, correct))

    def exercise(self, course: Course, topic: str, passed: bool) -> float:
        return self.take(course, Evidence.exercise(topic, passed))

    def judged(self, course: Course, topic: str, score: float) -> float:
        """A check-question answer judged (by the LLM, against the rubric) at `score` in [0, 1]."""
        return self.take(course, Evidence.judged(topic, score))

    # --- storage --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "prior": self.prior, "p": dict(sorted(self.p.items()))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mastery:
        """Read `to_dict()` output, or a plain {topic: probability} mapping."""
        if "p" in data and isinstance(data["p"], Mapping):
            prior = float(data.get("prior", BKTParams().prior))
            return cls({str(k): float(v) for k, v in data["p"].items()}, prior)
        return cls({str(k): float(v) for k, v in data.items()})
