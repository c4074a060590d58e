"""Course search benchmark: index build time, query latency (p50/p95) and recall@1/@3.

    .venv/bin/python bench/search_bench.py [--queries 1000] [--no-cache] [--seed 0]

The queries are the learner questions of tests/course/search_questions.yaml whose expected
topics have a lesson, cycled and perturbed (filler words, casing, a dropped word, punctuation)
until there are --queries of them. p50/p95 are over those (snippets of sections seen before are
cached, as in a long-running server); cold_p50/p95 are each question's first search. Prints a
table for people, then one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from dltutor.course import Course
from dltutor.course.search import SearchIndex, query_lang

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "course" / "search_questions.yaml"

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


def load_questions(course: Course, part: str = "questions") -> list[dict[str, object]]:
    """The questions (or seed_003 prompts in the course) whose expected topics have lessons."""
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    have = {t.id for t in course if t.lessons}
    return [
        q for q in data[part] if q.get("in_course", True) and any(e in have for e in q["expect"])
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-cache", action="store_true", help="skip the cached-load measurement")
    args = ap.parse_args()

    course = Course.load()
    t0 = time.perf_counter()
    index = SearchIndex.build(course)
    build_s = time.perf_counter() - t0

    load_s = None
    if not args.no_cache:
        with tempfile.TemporaryDirectory() as tmp:
            index.save(Path(tmp) / "ix")
            t0 = time.perf_counter()
            SearchIndex.load(Path(tmp) / "ix")
            load_s = time.perf_counter() - t0

    questions = load_questions(course)
    if not questions:
        print("no answerable questions: no lessons have landed", file=sys.stderr)
        sys.exit(1)

    # Recall over the question set as written, overall and by language.
    at1 = at3 = 0
    by_lang = {"zh": [0, 0], "en": [0, 0]}  # lang -> [hits@3, questions]
    cold_ms: list[float] = []  # first time each question is asked: no snippet cached yet
    for q in questions:
        t0 = time.perf_counter()
        top = [h.topic for h in index.search(str(q["q"]), k=3)]
        cold_ms.append((time.perf_counter() - t0) * 1000)
        expect = set(q["expect"])  # type: ignore[arg-type]
        at1 += bool(top[:1] and top[0] in expect)
        at3 += bool(expect & set(top))
        lang = query_lang(str(q["q"]))
        by_lang[lang][0] += bool(expect & set(top))
        by_lang[lang][1] += 1
    n = len(questions)
    seeds = load_questions(course, "seed_003")
    seed_first = sum(index.search(str(s["q"]), k=1)[0].topic in s["expect"] for s in seeds)  # type: ignore[operator]

    # Latency over perturbed, cycled queries (and recall@3 on them, as a robustness check).
    rng = random.Random(args.seed)
    lat_ms: list[float] = []
    p_at3 = 0
    index.search("warm up", k=3)
    for i in range(args.queries):
        q = questions[i % n]
        text = perturb(str(q["q"]), rng)
        t0 = time.perf_counter()
        hits = index.search(text, k=3)
        lat_ms.append((time.perf_counter() - t0) * 1000)
        p_at3 += bool(set(q["expect"]) & {h.topic for h in hits})  # type: ignore[arg-type]
    lat_ms.sort()
    p50 = statistics.median(lat_ms)
    p95 = lat_ms[int(0.95 * (len(lat_ms) - 1))]

    result = {
        "topics_with_lessons": sum(1 for t in course if t.lessons),
        "documents": len(index.docs),
        "build_s": round(build_s, 3),
        "cached_load_s": round(load_s, 3) if load_s is not None else None,
        "questions": n,
        "recall_at_1": round(at1 / n, 4),
        "recall_at_3": round(at3 / n, 4),
        "recall_at_3_zh": round(by_lang["zh"][0] / max(by_lang["zh"][1], 1), 4),
        "recall_at_3_en": round(by_lang["en"][0] / max(by_lang["en"][1], 1), 4),
        "seed_003_first": f"{seed_first}/{len(seeds)}",
        "queries": args.queries,
        "perturbed_recall_at_3": round(p_at3 / args.queries, 4),
        "p50_ms": round(p50, 3),
        "p95_ms": round(p95, 3),
        "cold_p50_ms": round(statistics.median(cold_ms), 3),
        "cold_p95_ms": round(sorted(cold_ms)[int(0.95 * (len(cold_ms) - 1))], 3),
    }
    width = max(len(k) for k in result)
    print("course search benchmark")
    for k, v in result.items():
        print(f"  {k:<{width}}  {v}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
