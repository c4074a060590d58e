"""How well does the adaptive diagnostic find what a learner already masters?

Simulated learners (hidden knowledge states consistent with the prerequisites, four kinds of
learner in turn; a mastered topic is answered right with probability 1 - slip, an unmastered one
with probability guess) take three quizzes of the same length:

- adaptive:      `Diagnostic`, items chosen to leave the fewest topics misclassified;
- fixed + model: the same posterior model, items at topics spread evenly along the topic order;
- fixed + marks: the same fixed items, each topic marked by its answer, unasked topics inferred
                 from the prerequisite rules (mastered if something built on it was right).

The diagnostic's prior mixes the same four learner kinds the simulator draws from; a second
table diagnoses each kind with a prior that leaves that kind out, to show what a prior that
does not match the learners costs.

A topic counts as diagnosed right when (P >= 0.5) equals the hidden truth. Prints a table, then
one JSON line (the last line of stdout).

    .venv/bin/python bench/diagnosis_bench.py [--learners 200] [--max-items 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from dltutor.course.model import Course
from dltutor.learning.diagnostic import PRIOR_KINDS
from dltutor.learning.graph import SAMPLERS
from dltutor.learning.simulator import (
    Outcome,
    SimulatedLearner,
    diagnose,
    diagnose_by_marking,
    make_learners,
)


def accuracy_stats(
    name: str, quiz: Callable[[SimulatedLearner], Outcome], learners: list[SimulatedLearner]
) -> dict[str, Any]:
    """Run `quiz` on every learner; accuracy overall, its spread over learners, and by kind."""
    start = time.perf_counter()
    outcomes = [quiz(learner) for learner in learners]
    seconds = time.perf_counter() - start
    acc = np.array([o.accuracy for o in outcomes])
    kinds = np.array([lr.kind for lr in learners])
    return {
        "method": name,
        "accuracy": round(float(acc.mean()), 4),
        "min": round(float(acc.min()), 4),
        "p10": round(float(np.percentile(acc, 10)), 4),
        "median": round(float(np.median(acc)), 4),
        "items": round(float(np.mean([o.items for o in outcomes])), 2),
        "ms_per_learner": round(1000 * seconds / len(learners), 1),
        "by_kind": {str(k): round(float(acc[kinds == k].mean()), 4) for k in dict.fromkeys(kinds)},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--learners", type=int, default=200)
    ap.add_argument("--max-items", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slip", type=float, default=0.1)
    ap.add_argument("--guess", type=float, default=0.2)
    args = ap.parse_args()

    course = Course.load()
    kw: dict[str, Any] = {"max_items": args.max_items, "slip": args.slip, "guess": args.guess}

    def learners(
        n: int, seed: int, kinds: tuple[str, ...] = tuple(SAMPLERS)
    ) -> list[SimulatedLearner]:
        # Seeded per learner: every method meets the same hidden states and answer streams.
        return make_learners(course, n, seed=seed, slip=args.slip, guess=args.guess, kinds=kinds)

    start = time.perf_counter()
    diagnose(course, learners(1, args.seed)[0], **kw)  # builds and caches the prior particles
    prior_s = time.perf_counter() - start
    results = [
        accuracy_stats(
            "adaptive", lambda lr: diagnose(course, lr, **kw), learners(args.learners, args.seed)
        ),
        accuracy_stats(
            "fixed + model",
            lambda lr: diagnose(course, lr, adaptive=False, **kw),
            learners(args.learners, args.seed),
        ),
        accuracy_stats(
            "fixed + marks",
            lambda lr: diagnose_by_marking(course, lr, args.max_items),
            learners(args.learners, args.seed),
        ),
    ]

    kinds = list(SAMPLERS)
    console = Console(width=132)  # wide enough for the table when piped
    table = Table(
        title=f"Diagnosis of {args.learners} simulated learners, {len(course)} topics, "
        f"≤{args.max_items} items, slip {args.slip}, guess {args.guess}"
    )
    for col in ["method", "accuracy", "min", "p10", "median", "items", "ms/learner", *kinds]:
        table.add_column(col, justify="left" if col == "method" else "right")
    for r in results:
        table.add_row(
            r["method"],
            *(f"{r[k]:.3f}" for k in ("accuracy", "min", "p10", "median")),
            f"{r['items']:.1f}",
            f"{r['ms_per_learner']:.0f}",
            *(f"{r['by_kind'].get(k, float('nan')):.3f}" for k in kinds),
        )
    console.print(table)
    console.print(f"Prior particles built in {prior_s:.2f} s (once per process).")

    # Robustness to a wrong prior: each kind of learner diagnosed with a prior that lacks it.
    held_out = Table(title="Adaptive, each learner kind held out of the diagnostic's prior")
    for col in ["learner kind", "learners", "prior with it", "prior without it"]:
        held_out.add_column(col, justify="left" if col == "learner kind" else "right")
    robustness = {}
    n_kind = max(1, args.learners // len(kinds))
    for kind in kinds:
        group = learners(n_kind, args.seed + 1, (kind,))
        without = tuple(k for k in PRIOR_KINDS if k != kind)
        with_it = accuracy_stats(kind, partial(diagnose, course, **kw), group)["accuracy"]
        group = learners(n_kind, args.seed + 1, (kind,))  # fresh answer streams, same states
        without_it = accuracy_stats(
            kind, partial(diagnose, course, prior_kinds=without, **kw), group
        )["accuracy"]
        robustness[kind] = {"with": with_it, "without": without_it}
        held_out.add_row(kind, str(n_kind), f"{with_it:.3f}", f"{without_it:.3f}")
    console.print(held_out)
    summary = {
        "bench": "diagnosis",
        "learners": args.learners,
        "topics": len(course),
        "max_items": args.max_items,
        "slip": args.slip,
        "guess": args.guess,
        "seed": args.seed,
        "prior_build_s": round(prior_s, 2),
        "results": results,
        "held_out_prior": robustness,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
