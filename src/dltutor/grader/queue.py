"""The grading queue: `grade_async()`, the one call that grades a learner's submission for the
web and the teaching loop.

Without `DLTUTOR_REDIS_URL` it grades in this process, as before: a single-machine install needs
neither Redis nor a worker. With it, the submission becomes a job on a SAQ queue in Redis; the
`dltutor grader-worker` processes (here, or on other machines with the sandbox installed) grade
it, and the caller awaits the result. Web and grading then no longer share cores, and each scales
on its own.

What holds, and how:
- Once. A job's key is the submission id, so a submission enqueued twice is one job. Its result
  is written with SET NX under the submission id (`result_key`), and an attempt that finds a
  result there returns it and grades nothing: a worker that wrote the result and died before
  SAQ marked the job complete does not cause a second write. Redis rather than a unique column
  in the database: the worker then needs no database credentials, only Redis and the sandbox,
  and the web still writes the learner's Grade row once, from the one result it awaits.
- A dead worker's job is graded elsewhere. A worker beats the job's heartbeat while grading;
  SAQ's sweep (every worker runs it) retries a job whose heartbeat stopped for longer than
  `grader_heartbeat` seconds, at most `grader_retries` times. (SAQ compares the time of the
  last beat, written by one machine, with the clock of another: the machines' clocks must agree
  to well within a heartbeat, as NTP keeps them.)
- Bounded. A job runs at most `grader_job_timeout` seconds. With `grader_queue_limit` jobs
  already waiting, `GradingBusy` says when to come back, and nothing is enqueued; with no live
  worker (SAQ's worker registrations expire 11 s after a worker's last beat), or Redis out of
  reach, `GradingFailed` says so at once rather than leave the learner waiting. (The check
  and the enqueue are two steps, so replicas may overshoot the limit by a few jobs: the limit
  is there to stop unbounded waits, not to count exactly.)
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import uuid
import weakref
from typing import Any

import anyio.to_thread
from redis.exceptions import RedisError
from saq import Job, Queue
from saq.job import TERMINAL_STATUSES

from dltutor.config import Settings, get_settings
from dltutor.grader.results import GradeResult
from dltutor.grader.runner import UnknownExercise, grade

QUEUE_NAME = "dltutor-grading"
FUNCTION = "grade_submission"
RESULT_TTL = 24 * 3600  # seconds a result is kept for a late retry to find

log = logging.getLogger(__name__)


class GradingBusy(Exception):
    """Too many submissions are waiting: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int, queued: int) -> None:
        super().__init__(f"{queued} submissions are waiting; try again in {retry_after} s")
        self.retry_after = retry_after
        self.queued = queued


class GradingFailed(Exception):
    """Not graded: no worker is running, Redis is unreachable, every attempt died, or no worker
    finished it in time."""


def result_key(submission: str) -> str:
    return f"dltutor:grader:result:{submission}"


def open_queue(url: str) -> Queue:
    return Queue.from_url(url, name=QUEUE_NAME)


# One queue (one Redis connection pool) per event loop: redis.asyncio connections belong to the
# loop that opened them, and tests and the CLI run more than one loop in a process.
_QUEUES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[str, Queue]] = (
    weakref.WeakKeyDictionary()
)


def _queue(url: str) -> Queue:
    loop = asyncio.get_running_loop()
    held = _QUEUES.get(loop)
    if held is None or held[0] != url:
        held = (url, open_queue(url))
        _QUEUES[loop] = held
    return held[1]


async def grade_async(
    exercise_id: str,
    code: str,
    *,
    lang: str = "en",
    submission: str | None = None,
    settings: Settings | None = None,
) -> GradeResult:
    """Grade `code` on `exercise_id`, here or on a grader worker (see the module's docstring).
    `submission` is the idempotency key (default: a new one). Raises UnknownExercise,
    GradingBusy (only with a queue) and GradingFailed."""
    s = settings or get_settings()
    if not s.redis_url:
        # anyio's worker threads (the web's threadpool, 40 of them), not asyncio's default
        # executor (cores + 4): gradings waiting for a GRADING_SLOT there would hold up
        # everything else that runs in it, such as saving chat replies.
        return await anyio.to_thread.run_sync(
            functools.partial(grade, exercise_id, code, lang=lang)
        )
    try:
        return await _through_queue(exercise_id, code, lang, submission, s, s.redis_url)
    except RedisError as e:  # Redis down or unreachable: say so, as any grading failure
        log.error("grading queue unreachable: %s", e)
        raise GradingFailed(f"grading queue unreachable: {e}") from e


async def _through_queue(
    exercise_id: str, code: str, lang: str, submission: str | None, s: Settings, url: str
) -> GradeResult:
    q = _queue(url)
    info = await q.info()
    if info["queued"] >= s.grader_queue_limit:
        raise GradingBusy(s.grader_retry_after, info["queued"])
    if not info["workers"]:  # nobody would take it: fail now rather than wait for the deadline
        raise GradingFailed("no grader worker is running (start `dltutor grader-worker`)")
    submission = submission or uuid.uuid4().hex
    job = Job(
        function=FUNCTION,
        kwargs={"submission": submission, "exercise": exercise_id, "code": code, "lang": lang},
        key=submission,
        timeout=s.grader_job_timeout,
        heartbeat=s.grader_heartbeat,
        retries=1 + s.grader_retries,  # SAQ counts attempts, the first one included
        ttl=RESULT_TTL,
    )
    await q.enqueue(job)  # None when this submission is already queued: await that one
    # Every attempt may wait its turn and then run up to the job timeout; past that, give up.
    deadline = (1 + s.grader_retries) * (s.grader_job_timeout + 2 * s.grader_heartbeat) + 60
    record = await _await_result(q, submission, deadline)
    if "unknown" in record:
        raise UnknownExercise(exercise_id)
    return GradeResult.from_record(record["result"])


async def _await_result(q: Queue, submission: str, timeout: float) -> dict[str, Any]:
    """The submission's result once its job has ended; GradingFailed when there is none."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    job = await q.job(submission)
    while job is not None and job.status not in TERMINAL_STATUSES:
        left = end - loop.time()
        if left <= 0:
            raise GradingFailed(f"submission {submission} not graded within {timeout:.0f} s")
        try:
            # wakes on SAQ's notification; a notification missed while subscribing costs 1 s
            await job.refresh(until_complete=min(left, 1.0))
        except TimeoutError:
            job = await q.job(submission)
        except RuntimeError:  # SAQ's record is gone (expired, deleted): the result may be there
            job = None
    stored = await q.redis.get(result_key(submission))  # type: ignore[attr-defined]
    if stored is not None:  # the one result written, whatever SAQ says about the last attempt
        return dict(json.loads(stored))
    if job is not None and isinstance(job.result, dict) and "unknown" in job.result:
        return job.result
    why = job.error.strip().splitlines()[-1] if job is not None and job.error else "job lost"
    raise GradingFailed(f"submission {submission} was not graded: {why}")
