"""The grading queue (grader/queue.py, grader/worker.py): submissions graded by `dltutor
grader-worker` processes through real Redis, in the real sandbox; a worker killed mid-job has its
job graded once, by the other; a result already written is never written again; without a queue
nothing changes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from pathlib import Path

import pytest
import redis

from dltutor.config import Settings, get_settings
from dltutor.doctor import check_grading
from dltutor.grader import grade
from dltutor.grader.queue import GradingFailed, grade_async, result_key
from tests.grader.queue_helpers import GOOD, SLOW, WRONG, needs_redis, redis_db, workers


def queue_settings(url: str) -> Settings:
    return get_settings().model_copy(update={"redis_url": url, "grader_heartbeat": 3})


async def test_without_a_queue_grading_is_in_process() -> None:
    s = get_settings().model_copy(update={"redis_url": None})
    good, wrong = await asyncio.gather(
        grade_async("ex.dot_product", GOOD, settings=s),
        grade_async("ex.dot_product", WRONG, settings=s),
    )
    assert good.passed and good.tests
    assert not wrong.passed and wrong.failed_tests


@needs_redis
async def test_two_workers_grade_a_right_and_a_wrong_submission(tmp_path: Path) -> None:
    with redis_db(11) as url, workers(url, 2, tmp_path) as ws:
        s = queue_settings(url)
        good, wrong = await asyncio.gather(
            grade_async("ex.dot_product", GOOD, lang="zh", submission="good", settings=s),
            grade_async("ex.dot_product", WRONG, lang="zh", submission="wrong", settings=s),
        )
        assert good.passed and good.tests and all(t.passed for t in good.tests)
        assert not wrong.passed and wrong.failed_tests
        # the same verdict, test by test and in the learner's language, as grading here
        here = grade("ex.dot_product", WRONG, lang="zh")
        assert [(t.name, t.passed, t.message) for t in wrong.tests] == [
            (t.name, t.passed, t.message) for t in here.tests
        ]
        r = redis.Redis.from_url(url)
        for sub in ("good", "wrong"):
            record = json.loads(r.get(result_key(sub)) or b"{}")
            # graded by a worker process, not by this one
            assert any(record["worker"].endswith(w.name_suffix) for w in ws), record["worker"]
            assert not record["worker"].endswith(f":{os.getpid()}")
            assert record["attempt"] == 1
        doctor = await asyncio.to_thread(check_grading, s)  # what `dltutor doctor` shows
        assert doctor["mode"] == "queue" and doctor["workers"] == 2 and doctor["queued"] == 0
        # the same submission sent twice at once (a double click, a retried request): one job
        a, b = await asyncio.gather(
            grade_async("ex.dot_product", GOOD, submission="twice", settings=s),
            grade_async("ex.dot_product", GOOD, submission="twice", settings=s),
        )
        assert a.passed and b.passed and a.timings == b.timings  # one grading's own figures
        logs = "".join(w.text() for w in ws)
        assert logs.count("wrote result of submission good") == 1
        assert logs.count("wrote result of submission wrong") == 1
        assert logs.count("grading submission twice") == 1
        assert logs.count("wrote result of submission twice") == 1


@needs_redis
async def test_a_result_already_written_is_not_written_again(tmp_path: Path) -> None:
    """A worker that wrote the result and died before SAQ marked the job done: the retry finds
    the result and returns it, without grading or writing."""
    with redis_db(12) as url, workers(url, 1, tmp_path) as (w,):
        r = redis.Redis.from_url(url)
        first = await grade_async(
            "ex.dot_product", WRONG, submission="once", settings=queue_settings(url)
        )
        assert not first.passed
        stored = r.get(result_key("once"))
        r.delete("saq:job:dltutor-grading:once")  # SAQ forgets the job; the result stays
        again = await grade_async(
            "ex.dot_product", GOOD, submission="once", settings=queue_settings(url)
        )
        assert not again.passed  # the first result stands, though this code would pass
        assert r.get(result_key("once")) == stored
        w.wait_for("submission once already graded")
        assert w.text().count("wrote result of submission once") == 1


@needs_redis
async def test_a_worker_killed_mid_job_has_its_job_graded_once_by_the_other(
    tmp_path: Path,
) -> None:
    with redis_db(13) as url, workers(url, 2, tmp_path) as ws:
        s = queue_settings(url)
        pending = asyncio.create_task(
            grade_async("ex.dot_product", SLOW, submission="slow", settings=s)
        )
        deadline = asyncio.get_running_loop().time() + 60
        while not any("grading submission slow" in w.text() for w in ws):
            assert asyncio.get_running_loop().time() < deadline, "no worker took the job"
            await asyncio.sleep(0.05)
        victim = next(w for w in ws if "grading submission slow" in w.text())
        other = next(w for w in ws if w is not victim)
        await asyncio.sleep(1.0)  # inside the sandbox's sleep: mid-job
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait()
        res = await asyncio.wait_for(pending, 90)
        assert res.passed
        record = json.loads(redis.Redis.from_url(url).get(result_key("slow")) or b"{}")
        assert record["worker"].endswith(other.name_suffix)
        assert record["attempt"] == 2  # SAQ's sweep gave the dead worker's job to the other
        writes = victim.text().count("wrote result of submission slow") + other.text().count(
            "wrote result of submission slow"
        )
        assert writes == 1
        assert "wrote result of submission slow" in other.text()


@needs_redis
async def test_with_no_worker_running_a_submission_fails_at_once() -> None:
    with redis_db(12) as url:
        t0 = asyncio.get_running_loop().time()
        with pytest.raises(GradingFailed, match="no grader worker"):
            await grade_async("ex.dot_product", GOOD, settings=queue_settings(url))
        assert asyncio.get_running_loop().time() - t0 < 5  # not after the long deadline
        assert redis.Redis.from_url(url).keys("saq:job:*") == []  # and nothing was enqueued


async def test_an_unreachable_queue_is_a_grading_failure() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    with pytest.raises(GradingFailed, match="unreachable"):
        await grade_async("ex.dot_product", GOOD, settings=queue_settings(url))
    assert "error" in await asyncio.to_thread(check_grading, queue_settings(url))


@needs_redis
async def test_a_job_past_its_timeout_fails_and_writes_nothing(tmp_path: Path) -> None:
    with redis_db(12) as url, workers(url, 1, tmp_path) as (w,):
        s = queue_settings(url).model_copy(update={"grader_job_timeout": 2, "grader_retries": 0})
        t0 = asyncio.get_running_loop().time()
        with pytest.raises(GradingFailed, match="not graded"):
            await grade_async("ex.dot_product", SLOW, submission="late", settings=s)
        assert asyncio.get_running_loop().time() - t0 < 15
        assert redis.Redis.from_url(url).get(result_key("late")) is None
        ok = await grade_async("ex.dot_product", GOOD, submission="next", settings=s)
        assert ok.passed  # the worker goes on with the next job
        assert "wrote result of submission late" not in w.text()


@needs_redis
async def test_ctrl_c_lets_the_running_grading_finish_then_stops(tmp_path: Path) -> None:
    # a grace well past the grading's 4 s sleep plus a start-up slowed by a loaded machine
    with redis_db(13) as url, workers(url, 1, tmp_path, grace=60) as (w,):
        pending = asyncio.create_task(
            grade_async("ex.dot_product", SLOW, submission="finish", settings=queue_settings(url))
        )
        while "grading submission finish" not in w.text():
            await asyncio.sleep(0.05)
        w.proc.send_signal(signal.SIGINT)
        res = await asyncio.wait_for(pending, 60)
        assert res.passed  # graded by the worker that was told to stop, not abandoned
        assert await asyncio.to_thread(w.proc.wait, 30) == 0
        assert "wrote result of submission finish" in w.text() and "stopped" in w.text()


def test_the_worker_refuses_to_start_without_a_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from dltutor.cli import app
    from dltutor.config import reset_settings

    monkeypatch.delenv("DLTUTOR_REDIS_URL", raising=False)
    reset_settings()
    out = CliRunner().invoke(app, ["grader-worker"])
    assert out.exit_code == 2
    assert "DLTUTOR_REDIS_URL" in out.output
