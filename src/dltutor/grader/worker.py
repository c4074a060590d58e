"""A grader worker: takes grading jobs from the queue in Redis (grader/queue.py) and grades each
in this machine's sandbox. `dltutor grader-worker` runs one; run as many as there are machines
(each grades up to `concurrency` submissions at once, bounded again by the sandbox's slots).

A worker needs Redis and the sandbox, nothing else: no database, no model. Ctrl-C (SIGINT) or
SIGTERM stops taking jobs and lets the running ones finish for `grace` seconds; a job still
running then is handed back to the queue for another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from typing import Any

from saq import Worker
from saq.types import Context, PartialTimersDict

from dltutor.config import Settings
from dltutor.grader.queue import FUNCTION, RESULT_TTL, open_queue, result_key
from dltutor.grader.runner import UnknownExercise, grade

log = logging.getLogger("dltutor.grader.worker")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def grade_submission(
    ctx: Context, *, submission: str, exercise: str, code: str, lang: str
) -> dict[str, Any]:
    """One job: the result record {"result", "worker", "attempt"} (or {"unknown": id})."""
    job = ctx["job"]
    redis = job.get_queue().redis  # type: ignore[attr-defined]
    key = result_key(submission)
    stored = await redis.get(key)
    if stored is not None:  # an earlier attempt wrote it, then its worker died: keep that one
        log.info(
            "submission %s already graded; attempt %d writes nothing", submission, job.attempts
        )
        return dict(json.loads(stored))
    log.info("grading submission %s (%s, attempt %d)", submission, exercise, job.attempts)
    beat = asyncio.create_task(_heartbeat(ctx))
    try:
        res = await asyncio.to_thread(grade, exercise, code, lang=lang)
    except UnknownExercise:
        log.warning("submission %s: no exercise %r here", submission, exercise)
        return {"unknown": exercise}
    finally:
        # wait for the beat to end: a beat landing after SAQ's final write would undo it
        beat.cancel()
        await asyncio.wait([beat])  # (not `await beat`: that would swallow our own cancel)
    record = {"result": res.to_record(), "worker": worker_name(), "attempt": job.attempts}
    if await redis.set(key, json.dumps(record), nx=True, ex=RESULT_TTL):
        log.info("wrote result of submission %s (passed=%s)", submission, res.passed)
        return record
    # Another attempt finished first (this one was presumed dead and retried): the first stands.
    log.info("submission %s: a result was already written; this one is dropped", submission)
    return dict(json.loads(await redis.get(key)))


async def _heartbeat(ctx: Context) -> None:
    """Touch the job while it runs: a job whose heartbeat stops is swept and retried."""
    job = ctx["job"]
    interval = max(0.5, (job.heartbeat or 10) / 3)
    while True:
        await asyncio.sleep(interval)
        with contextlib.suppress(Exception):  # a missed beat is retried at the next one
            await job.update()


async def _ready(ctx: Context) -> None:
    """Register before taking the first job (SAQ's own first registration comes a moment later),
    so that the web, which refuses submissions while no worker is registered, sees this one."""
    worker = ctx["worker"]
    await worker.worker_info(ttl=worker.timers["worker_info"] + 1)
    log.info("grader worker %s ready: up to %d gradings at once", worker_name(), worker.concurrency)


def make_worker(settings: Settings, concurrency: int, grace: int = 30) -> Worker:
    if not settings.redis_url:
        raise ValueError("no queue: set DLTUTOR_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    # Sweep (find jobs of dead workers) as often as a heartbeat may be missed, so a dead
    # worker's job is retried within about two heartbeats plus SAQ's 5 s abort wait.
    timers: PartialTimersDict = {
        "sweep": max(1, settings.grader_heartbeat),
        "abort": 1,
        "schedule": 1,
        "worker_info": 10,
    }
    return Worker(
        open_queue(settings.redis_url),
        functions=[(FUNCTION, grade_submission)],
        startup=_ready,
        concurrency=concurrency,
        timers=timers,
        shutdown_grace_period_s=grace,
        dequeue_timeout=1.0,
    )


async def run(settings: Settings, concurrency: int, grace: int = 30) -> None:
    """Take and grade jobs until SIGINT/SIGTERM."""
    worker = make_worker(settings, concurrency, grace)
    await worker.start()
    await worker.queue.disconnect()
    log.info("grader worker %s stopped", worker_name())
