"""How well does the adaptive diagnostic find what a learner already masters, and with how few items?

Simulated learners (hidden knowledge states consistent with the prerequisites, four kinds of
learner in turn) answer the quiz items. Two simulators:

- items: each item has its own rates (learning/items.py): a 4-option item is guessed right 1
  time in 4 (its key is not given away by place or length: `course check`), a short answer 1
  in 20; a learner who masters the topic slips on 5%, 10% or 20% of items by difficulty;
- flat: every item is guessed right 20% of the time and slipped on 10% (the first simulator).

Two versions of the diagnostic, side by side at 12, 15 and 20 items:

- current: one slip and guess for all items, the most informative topic, its middling item
  (`Diagnostic(item_model=False)`, the version before issue 15);
- item model: each item's own rates, taken halfway to the flat ones (the diagnostic is not
  told the simulator's rates exactly), and the most informative item, not just topic.

Then, at 15 items: the item model against two fixed quizzes of the same length (fixed order with
the same model, and per-topic marking); the same run answered the way the web app does, by
clicking an option in the learner's shuffled order and being judged by option id (the figures
must be the same); and each learner kind diagnosed with a prior that leaves that kind out.

A topic counts as diagnosed right when (P >= 0.5) equals the hidden truth. Prints tables, then
one JSON line (the last line of stdout).

    .venv/bin/python bench/diagnosis_bench.py [--learners 200] [--items 12 15 20] [--seed 0]
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

SIMULATORS = {"items": True, "flat": False}  # name -> learners answer with each item's rates
METHODS = {"current": False, "item model": True}  # name -> Diagnostic(item_model=...)
HEADLINE_ITEMS = 15


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
    ap.add_argument("--items", type=int, nargs="+", default=[12, 15, 20])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slip", type=float, default=0.1)
    ap.add_argument("--guess", type=float, default=0.2)
    args = ap.parse_args()

    course = Course.load()
    flat = {"slip": args.slip, "guess": args.guess}

    def learners(
        n: int, seed: int, simulator: str = "items", kinds: tuple[str, ...] = tuple(SAMPLERS)
    ) -> list[SimulatedLearner]:
        # Seeded per learner: every method meets the same hidden states and answer streams.
        return make_learners(
            course, n, seed=seed, kinds=kinds, item_model=SIMULATORS[simulator], **flat
        )

    start = time.perf_counter()
    diagnose(course, learners(1, args.seed)[0], max_items=1, **flat)  # builds the prior once
    prior_s = time.perf_counter() - start
    console = Console(width=132)  # wide enough for the tables when piped

    # 1. the two versions at 12, 15 and 20 items, on both simulators
    grid: dict[str, dict[str, dict[int, dict[str, Any]]]] = {}
    by_items = Table(
        title=f"Mastery accuracy by number of items: {args.learners} simulated learners, "
        f"{len(course)} topics"
    )
    for col in ["simulator", "diagnostic", *(f"{n} items" for n in args.items), "ms/learner"]:
        by_items.add_column(col, justify="left" if col in ("simulator", "diagnostic") else "right")
    for sim in SIMULATORS:
        for method, item_model in METHODS.items():
            row = {}
            for n in args.items:
                quiz = partial(diagnose, course, max_items=n, item_model=item_model, **flat)
                row[n] = accuracy_stats(method, quiz, learners(args.learners, args.seed, sim))
            grid.setdefault(sim, {})[method] = row
            by_items.add_row(
                sim,
                method,
                *(f"{row[n]['accuracy']:.3f}" for n in args.items),
                f"{np.mean([r['ms_per_learner'] for r in row.values()]):.0f}",
            )
    console.print(by_items)

    # 2. at 15 items on the item simulator: against fixed quizzes, and through shuffled options
    n = HEADLINE_ITEMS
    group = partial(learners, args.learners, args.seed, "items")
    results = [
        accuracy_stats("item model", partial(diagnose, course, max_items=n, **flat), group()),
        accuracy_stats(
            "item model, answered by option",
            lambda lr: diagnose(course, lr, max_items=n, through_options=lr.index, **flat),
            group(),
        ),
        accuracy_stats(
            "fixed + model",
            partial(diagnose, course, max_items=n, adaptive=False, **flat),
            group(),
        ),
        accuracy_stats("fixed + marks", lambda lr: diagnose_by_marking(course, lr, n), group()),
    ]
    kinds = list(SAMPLERS)
    table = Table(title=f"≤{n} items, item simulator: adaptive vs fixed quizzes of the same length")
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
    same = results[0]["accuracy"] == results[1]["accuracy"] and (
        results[0]["by_kind"] == results[1]["by_kind"]
    )
    console.print(
        "Answered by clicking options in each learner's shuffled order: "
        + ("the same figures." if same else "DIFFERENT figures: the option ids leak.")
    )
    console.print(f"Prior particles built in {prior_s:.2f} s (once per process).")

    # 3. robustness to a wrong prior: each kind of learner diagnosed with a prior that lacks it
    held_out = Table(title=f"Item model, ≤{n} items, each learner kind held out of the prior")
    for col in ["learner kind", "learners", "prior with it", "prior without it"]:
        held_out.add_column(col, justify="left" if col == "learner kind" else "right")
    robustness = {}
    n_kind = max(1, args.learners // len(kinds))
    for kind in kinds:
        without = tuple(k for k in PRIOR_KINDS if k != kind)
        quiz = partial(diagnose, course, max_items=n, **flat)
        with_it = accuracy_stats(kind, quiz, learners(n_kind, args.seed + 1, "items", (kind,)))
        without_it = accuracy_stats(
            kind,
            partial(diagnose, course, max_items=n, prior_kinds=without, **flat),
            learners(n_kind, args.seed + 1, "items", (kind,)),  # fresh streams, same states
        )
        robustness[kind] = {"with": with_it["accuracy"], "without": without_it["accuracy"]}
        held_out.add_row(
            kind, str(n_kind), f"{with_it['accuracy']:.3f}", f"{without_it['accuracy']:.3f}"
        )
    console.print(held_out)
    summary = {
        "bench": "diagnosis",
        "learners": args.learners,
        "topics": len(course),
        "items": args.items,
        "slip": args.slip,
        "guess": args.guess,
        "seed": args.seed,
        "prior_build_s": round(prior_s, 2),
        "accuracy_by_items": {
            sim: {m: {str(k): r["accuracy"] for k, r in row.items()} for m, row in rows.items()}
            for sim, rows in grid.items()
        },
        "shuffled_options_same": same,
        "results": results,
        "held_out_prior": robustness,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
