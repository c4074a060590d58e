"""`dltutor course check`: is the course complete and sound?

Checks the graph (ids unique, prerequisites exist, acyclic, stages never go backwards), then
every topic: meta (hours, objectives in both languages), both lessons with all six sections in
order, 2-3 check questions with rubrics, at least 4 well-formed quiz items; and runs every
runnable code block. Returns problems as plain strings so the CLI can print and count them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import yaml

from dltutor.course.check_assessment import Passes, check_assessment
from dltutor.course.check_terms import check_topic_terms
from dltutor.course.model import LANGS, SECTIONS, CodeBlock, Course, QuizItem, Topic

RUN_TIMEOUT_S = 60


@dataclass
class CheckReport:
    topics: int = 0
    complete_topics: int = 0
    lessons: int = 0
    quiz_items: int = 0
    check_questions: int = 0
    blocks_run: int = 0
    blocks_skipped: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_graph(course: Course) -> list[str]:
    problems = []
    raw = yaml.safe_load((course.root / "topics.yaml").read_text(encoding="utf-8"))
    ids = [t["id"] for t in raw["topics"]]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        problems.append(f"graph: duplicate topic ids {sorted(dupes)}")
    for t in course:
        for r in t.requires:
            if r not in course:
                problems.append(f"{t.id}: prerequisite {r!r} does not exist")
            elif course[r].stage > t.stage:
                problems.append(
                    f"{t.id}: stage {t.stage} comes before its prerequisite {r} (stage {course[r].stage})"
                )
    try:
        course.topological_order()
    except ValueError as e:
        problems.append(f"graph: {e}")
    return problems


def check_topic(t: Topic) -> list[str]:
    p: list[str] = []
    if t.folder is None:
        return [f"{t.id}: no folder topics/{t.id}/"]
    if t.load_errors:
        return [f"{t.id}: cannot load: {e}" for e in t.load_errors]
    if not t.hours > 0:
        p.append(f"{t.id}: meta.yaml needs hours > 0")
    for lang in LANGS:
        if not t.objectives.get(lang):
            p.append(f"{t.id}: meta.yaml needs objectives.{lang}")
        elif not all(isinstance(o, str) for o in t.objectives[lang]):
            p.append(
                f"{t.id}: objectives.{lang} must be plain strings (quote items containing ': ')"
            )
        if t.asks and not t.asks.get(lang):
            p.append(f"{t.id}: meta.yaml has asks but not asks.{lang}")
        elif not all(isinstance(a, str) and a.strip() for a in t.asks.get(lang, [])):
            p.append(f"{t.id}: asks.{lang} must be plain strings (quote items containing ': ')")
        lesson = t.lessons.get(lang)
        if lesson is None:
            p.append(f"{t.id}: missing lesson.{lang}.md")
            continue
        if not lesson.title:
            p.append(f"{t.id}/{lang}: lesson needs an H1 title")
        for key, names in SECTIONS.items():
            if not lesson.sections.get(key, "").strip():
                p.append(f"{t.id}/{lang}: missing or empty section '## {names[lang]}'")
        if lesson.unknown_sections:
            p.append(f"{t.id}/{lang}: unexpected sections {lesson.unknown_sections}")
        if not lesson.order_ok:
            p.append(f"{t.id}/{lang}: sections out of order")
        qs = lesson.check_questions
        if not 2 <= len(qs) <= 3:
            p.append(f"{t.id}/{lang}: needs 2-3 check questions ('### Q1. ...'), found {len(qs)}")
        for q in qs:
            if not q.rubric:
                p.append(f"{t.id}/{lang}: check question Q{q.number} lacks its rubric line")
    zh, en = t.lessons.get("zh"), t.lessons.get("en")
    if zh and en and len(zh.check_questions) != len(en.check_questions):
        p.append(f"{t.id}: zh and en have different numbers of check questions")
    p.extend(check_quiz(t))
    p.extend(check_topic_terms(t))  # glossary terms and zh typography (check_terms.py)
    return p


def check_quiz(t: Topic) -> list[str]:
    p: list[str] = []
    items = t.quiz
    if len(items) < 4:
        p.append(f"{t.id}: quiz needs at least 4 items, has {len(items)}")
    if sum(q.type == "mcq" for q in items) < 3:
        p.append(f"{t.id}: quiz needs at least 3 mcq items")
    if len({q.difficulty for q in items}) < 2 and items:
        p.append(f"{t.id}: quiz difficulties should cover at least two levels")
    ids = [q.id for q in items]
    if len(ids) != len(set(ids)):
        p.append(f"{t.id}: duplicate quiz ids")
    for q in items:
        p.extend(_check_item(q))
    return p


def _check_item(q: QuizItem) -> list[str]:
    p: list[str] = []
    if q.type not in ("mcq", "short"):
        return [f"{q.id}: type must be mcq or short"]
    if q.difficulty not in (1, 2, 3):
        p.append(f"{q.id}: difficulty must be 1, 2 or 3")
    for lang in LANGS:
        t = q.text.get(lang)
        if not isinstance(t, dict) or not t.get("question"):
            p.append(f"{q.id}: missing {lang}.question")
            continue
        texts = [
            t.get("question"),
            t.get("explanation"),
            *(q.options(lang).values()),
            *(t.get("accept") or []),
        ]
        if not all(isinstance(x, str | int | float) for x in texts if x is not None):
            p.append(
                f"{q.id}/{lang}: question, options, accept and explanation must be plain strings"
            )
        if not t.get("explanation"):
            p.append(f"{q.id}: missing {lang}.explanation")
        if q.type == "mcq":
            p.extend(_check_choices(q, lang))
        else:
            if not t.get("answer") or not t.get("accept"):
                p.append(f"{q.id}/{lang}: short answer needs answer and accept")
            elif not q.is_correct(str(t["answer"]), lang):
                p.append(f"{q.id}/{lang}: its own model answer is not accepted")
    if q.type == "mcq" and all(isinstance(q.text.get(lg), dict) for lg in LANGS):
        if list(q.options("zh")) != list(q.options("en")):
            p.append(f"{q.id}: zh and en options have different ids or order")
    return p


def _check_choices(q: QuizItem, lang: str) -> list[str]:
    """A choice item: options and why_wrong are mappings keyed by option id; `key` names one."""
    t = q.text[lang]
    if not isinstance(t.get("options"), dict):
        return [f"{q.id}/{lang}: options must map option ids (a, b, ...) to texts"]
    p: list[str] = []
    opts = q.options(lang)
    if not 3 <= len(opts) <= 5:
        p.append(f"{q.id}/{lang}: mcq needs 3-5 options")
    if "answer" in t:
        p.append(f"{q.id}/{lang}: a choice item names its right option once, as the item's `key`")
    if q.key not in opts:
        p.append(f"{q.id}: key must be one of the option ids {list(opts)}")
        return p
    why = t.get("why_wrong")
    wrong = [i for i in opts if i != q.key]
    if not isinstance(why, dict) or set(why) != set(wrong) or not all(why.values()):
        p.append(f"{q.id}/{lang}: why_wrong needs one reason per wrong option, keyed by its id")
    return p


def run_block(block: CodeBlock, timeout: float = RUN_TIMEOUT_S) -> str | None:
    """Run one block in a fresh interpreter in a temp dir; None when it exits 0, else the error."""
    with tempfile.TemporaryDirectory(prefix="dltutor-block-") as tmp:
        try:
            r = subprocess.run(
                [sys.executable, "-c", block.code],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=timeout,
                env={
                    "PATH": "/usr/bin:/bin",
                    "MPLBACKEND": "Agg",
                    "PYTHONHASHSEED": "0",
                    "HOME": tmp,
                    # two blocks run at once on two cores: one thread each, or torch and BLAS
                    # oversubscribe the CPU and small training loops crawl
                    "OMP_NUM_THREADS": "1",
                    "OPENBLAS_NUM_THREADS": "1",
                    "MKL_NUM_THREADS": "1",
                },
            )
        except subprocess.TimeoutExpired:
            return f"timed out after {timeout:.0f} s"
    if r.returncode != 0:
        return (r.stderr.strip().splitlines() or [f"exit code {r.returncode}"])[-1]
    return None


def check_course(
    course: Course,
    topics: Iterable[str] | None = None,
    run_code: bool = True,
    passes: Passes | None = None,
) -> CheckReport:
    """Every check of the course; `passes` grades a file on an exercise (the grader's
    `passes`), so that hints can be run against the hidden tests: without it they are not."""
    rep = CheckReport()
    rep.problems.extend(check_graph(course))
    selected = [course[t] for t in topics] if topics else list(course)
    rep.topics = len(selected)
    jobs: list[tuple[str, CodeBlock]] = []
    torch_ok = importlib.util.find_spec("torch") is not None
    for t in selected:
        probs = check_topic(t)
        rep.problems.extend(probs)
        rep.complete_topics += not probs
        rep.lessons += len(t.lessons)
        rep.quiz_items += len(t.quiz)
        for lang, lesson in t.lessons.items():
            rep.check_questions += len(lesson.check_questions)
            for b in lesson.code_blocks:
                if not b.runnable:
                    continue
                if b.needs_torch and not torch_ok:
                    rep.blocks_skipped += 1
                    continue
                jobs.append((f"{t.id}/{lang}", b))
    rep.problems.extend(check_assessment(course, topics, run_code=run_code, passes=passes))
    if run_code and jobs:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for (where, _), err in zip(
                jobs, pool.map(lambda j: run_block(j[1]), jobs), strict=True
            ):
                rep.blocks_run += 1
                if err:
                    rep.problems.append(f"{where}: runnable block failed: {err}")
    if topics is None:
        rep.problems.extend(check_shipped_vectors(course))
    return rep


def check_shipped_vectors(course: Course) -> list[str]:
    """The search texts' vectors shipped with the course must cover the course as it is, or a
    fresh install embeds the difference itself (minutes of CPU before its first search)."""
    from dltutor.course.search import SHIPPED_VECTORS
    from dltutor.course.search_dense import installed, stale_units

    if not installed():
        return []
    stale = stale_units(course, course.root / SHIPPED_VECTORS)
    if not stale:
        return []
    where = ", ".join(sorted({u.topic for u in stale})[:5])
    return [
        f"search vectors: {len(stale)} text(s) changed since they were embedded ({where}…): "
        "run `dltutor course embed`"
    ]
