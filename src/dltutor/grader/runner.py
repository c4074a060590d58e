"""`grade()`: run an exercise's hidden tests against a learner's code in a sandbox.

Order of a run: check what the exercise requires (a project needs torch in the sandbox), start the
sandbox and load the learner's file (start-up), then each test in file order. A test fails with a
message for the learner; when the sandbox dies (time, CPU, exit, interference) the current test
fails, the rest are reported as not run, and `error` says why. A memory error fails the test and
sets `error` too; the run goes on. A passing test's message is what it measured, if anything.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from typing import Any

from dltutor.course.exercises import Exercise, get_exercise
from dltutor.grader.isolation import Isolation, detect
from dltutor.grader.limits import Limits
from dltutor.grader.messages import msg
from dltutor.grader.pool import POOL
from dltutor.grader.results import GradeResult, TestResult
from dltutor.grader.sandbox import Sandbox, SandboxDied
from dltutor.grader.testkit import Check, Failure, raised_of

log = logging.getLogger(__name__)

PROJECT_LIMITS: dict[str, Any] = {
    "cpu_seconds": 300,
    "wall_seconds": 600.0,
    "memory_mb": 4096,
    "processes": 64,
    "load_seconds": 60.0,  # importing torch and the learner's file; training belongs in train()
    "train_seconds": 60.0,  # one training call (the exercise states its own)
}


class UnknownExercise(KeyError):
    pass


def limits_for(ex: Exercise, overrides: dict[str, Any] | None = None) -> Limits:
    """Settings, then the kind's defaults, then the exercise's own, then the caller's."""
    lim = Limits.from_settings()
    if ex.kind == "project":
        lim = lim.with_overrides(**PROJECT_LIMITS)
    return lim.with_overrides(**ex.limits).with_overrides(**(overrides or {}))


# At most this many gradings run at once in this process, whoever asks (the web, the teaching
# loop, the CLI, course check): each is a sandboxed process busy with a learner's code, and more
# of them than cores only makes every one of them slower. The rest wait their turn here.
GRADING_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def grade(
    exercise_id: str,
    code: str,
    *,
    lang: str = "en",
    limits: dict[str, Any] | None = None,
) -> GradeResult:
    """Grade `code` (the learner's whole file) on `exercise_id`. Raises UnknownExercise.
    Blocks while GRADING_SLOTS are all taken."""
    with GRADING_SLOTS:
        return _grade(exercise_id, code, lang, limits)


def _grade(exercise_id: str, code: str, lang: str, limits: dict[str, Any] | None) -> GradeResult:
    try:
        ex = get_exercise(exercise_id)
    except KeyError:
        raise UnknownExercise(exercise_id) from None
    lim = limits_for(ex, limits)
    iso = detect()
    res = GradeResult(exercise=ex.id, passed=False, isolation=iso.level)
    missing = missing_requirements(ex, iso)
    if missing:
        res.error = "\n".join(msg(f"needs_{m}", lang) for m in missing)
        res.error_kind = "setup"
        return res
    tests = ex.tests()
    ref = ex.reference()
    t_start = time.perf_counter()
    warm = POOL.take(lim)
    sb = warm or Sandbox(iso, lim)
    res.warm_start = warm is not None
    try:
        if warm is None:
            try:
                sb.start()
            except (OSError, TimeoutError) as e:
                res.error = msg("start_failed", lang, detail=str(e)[:200])
                res.error_kind = "start"
                return res
        if not _load(sb, ex, code, res, lang, lim):
            return res
        res.timings["startup"] = time.perf_counter() - t_start
        check = Check(sb, ref, lang, ex.params, lim)
        try:
            _run_tests(sb, tests, check, res, lang, lim)
        finally:
            res.metrics = dict(check.metrics)
        res.timings["tests"] = sum(t.seconds for t in res.tests)
        res.timings["learner"] = check.learner_seconds
    finally:
        sb.close()
        res.leftover_processes = sb.leftover
        if sb.leftover:
            log.error("grading %s left %d processes behind", ex.id, sb.leftover)
        res.output = sb.output_text()
        res.timings["total"] = time.perf_counter() - t_start
        res.timings.setdefault("startup", res.timings["total"])
    res.passed = res.error is None and bool(res.tests) and all(t.passed for t in res.tests)
    return res


def missing_requirements(ex: Exercise, iso: Isolation) -> list[str]:
    """What the exercise needs that this installation lacks: "torch" (in the sandbox) or
    "scikit-learn" (here, for the data it ships)."""
    missing = []
    if "torch" in ex.requires and not iso.torch:
        missing.append("torch")
    if "scikit-learn" in ex.requires and importlib.util.find_spec("sklearn") is None:
        missing.append("scikit-learn")
    return missing


def _load(sb: Sandbox, ex: Exercise, code: str, res: GradeResult, lang: str, lim: Limits) -> bool:
    """Load the learner's file in the sandbox; on failure fill in `res.error` and say False."""
    try:
        reply = sb.request(
            {"op": "load", "code": code, "functions": ex.function_names}, timeout=lim.load_seconds
        )
    except SandboxDied as d:
        if d.reason == "time_limit":
            res.error, res.error_kind = msg("load_time_limit", lang, limit=d.detail), d.reason
        else:
            res.error, res.error_kind = _died_message(d, lang, lim), d.reason
        return False
    if reply.get("ok") is True:
        missing = reply.get("missing")
        if isinstance(missing, list) and missing:
            names = ", ".join(str(m)[:40] for m in missing)
            res.error, res.error_kind = msg("missing", lang, names=names), "missing"
            return False
        return True
    raised, mro = raised_of(reply)
    if "MemoryError" in mro:
        res.error, res.error_kind = msg("memory", lang, memory=lim.memory_mb), "memory"
        return False
    if "SystemExit" in mro:
        res.error = msg("exited", lang, detail="SystemExit")
        res.error_kind = "exited"
        return False
    res.error = msg(
        "load_error",
        lang,
        kind=str(raised.get("type", "?"))[:80],
        message=str(raised.get("message", ""))[:500],
        traceback=str(raised.get("traceback", ""))[-1500:],
    ).rstrip()
    res.error_kind = "load"
    return False


def _run_tests(
    sb: Sandbox,
    tests: list[tuple[str, Any]],
    check: Check,
    res: GradeResult,
    lang: str,
    lim: Limits,
) -> None:
    stopped = False
    for name, fn in tests:
        if stopped:
            res.tests.append(TestResult(name, False, msg("not_run", lang), 0.0))
            continue
        check.last_call = ""
        check.notes = ""
        t0 = time.perf_counter()
        try:
            fn(check)
            outcome = TestResult(name, True, check.notes, 0.0)
        except Failure as f:
            outcome = TestResult(name, False, f.message, 0.0)
            if f.error == "memory" and res.error is None:
                res.error, res.error_kind = msg("memory", lang, memory=lim.memory_mb), "memory"
        except SandboxDied as d:
            why = _died_message(d, lang, lim)
            # keep an earlier error (e.g. memory): both explain what the learner sees
            res.error = f"{res.error}\n{why}" if res.error else why
            res.error_kind = res.error_kind or d.reason
            sep = "" if lang == "zh" else " "
            head = msg("called", lang, call=check.last_call) + sep if check.last_call else ""
            outcome = TestResult(name, False, head + why, 0.0)
            stopped = True
        except Exception as e:  # a bug in the test itself: say so, keep going
            log.exception("hidden test %s/%s crashed", res.exercise, name)
            outcome = TestResult(name, False, msg("internal", lang, detail=type(e).__name__), 0.0)
        outcome.seconds = time.perf_counter() - t0
        res.tests.append(outcome)


def _died_message(d: SandboxDied, lang: str, lim: Limits) -> str:
    if d.reason == "wall":
        return msg("wall", lang, wall=lim.wall_seconds)
    if d.reason == "time_limit":
        return msg("time_limit", lang, limit=d.detail)
    if d.reason == "cpu":
        return msg("cpu", lang, cpu=lim.cpu_seconds)
    if d.reason == "protocol":
        return msg("protocol", lang, detail=d.detail)
    return msg("exited", lang, detail=d.detail or "?")


def passes(exercise_id: str, code: str) -> bool:
    """Whether `code` passes every hidden test of `exercise_id` (course check grades hints with
    it: the course itself never imports the grader)."""
    return bool(grade(exercise_id, code).passed)
