"""Submissions from the web through the grading queue (DLTUTOR_REDIS_URL): with too many waiting
the route answers 429 with Retry-After and a message in the learner's language, and stores
nothing; once a worker has drained the queue, the same route grades through it and stores the
grade."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dltutor.grader.queue import FUNCTION, open_queue
from dltutor.web.app import create_app
from dltutor.web.ui import ui
from tests.grader.queue_helpers import GOOD, WRONG, needs_redis, redis_db, workers
from tests.web.conftest import app_settings, csrf, make_client
from tests.web.live import LiveServer
from tests.web.test_browser import ARGS, CHROMIUM

EX = "ex.dot_product"


async def _enqueue_filler(url: str) -> None:
    """A submission waiting with no worker to take it: the queue is at its limit of 1."""
    q = open_queue(url)
    await q.enqueue(
        FUNCTION,
        key="filler",
        submission="filler",
        exercise=EX,
        code=WRONG,
        lang="en",
    )
    assert await q.count("queued") == 1
    await q.disconnect()


@needs_redis
def test_a_long_queue_answers_429_with_retry_after_then_a_worker_grades(tmp_path: Path) -> None:
    with redis_db(14) as url:
        asyncio.run(_enqueue_filler(url))
        c: TestClient
        with make_client(None, redis_url=url, grader_queue_limit=1, grader_retry_after=7) as c:
            h = {"X-CSRF-Token": csrf(c)}
            for lang in ("zh", "en"):
                c.get(f"/lang/{lang}", follow_redirects=False)  # the page's language
                busy = c.post(f"/api/exercises/{EX}/submissions", json={"code": GOOD}, headers=h)
                assert busy.status_code == 429
                assert busy.headers["Retry-After"] == "7"
                said = busy.json()["detail"]
                assert said == ui("err.grading_busy", lang, seconds=7) and "7" in said
            assert c.get(f"/api/exercises/{EX}").json()["submissions"] == []  # nothing stored
            with workers(url, 1, tmp_path) as (w,):
                w.wait_for("wrote result of submission filler")  # the queue drains
                ok = c.post(f"/api/exercises/{EX}/submissions", json={"code": GOOD}, headers=h)
                assert ok.status_code == 200, ok.text
                assert ok.json()["passed"] is True
                assert w.text().count("wrote result of submission") == 2  # filler + this one
            subs = c.get(f"/api/exercises/{EX}").json()["submissions"]
            assert [s["passed"] for s in subs] == [True]


@needs_redis
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not installed (make sysdeps)")
def test_the_exercise_page_shows_the_busy_message_and_keeps_the_code(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with redis_db(14) as url:
        settings = app_settings(
            tmp_path, f"sqlite:///{tmp_path}/b.db", None, single_user=True, redis_url=url,
            grader_queue_limit=0, grader_retry_after=7,
        )  # fmt: skip
        with LiveServer(create_app(settings)) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(locale="zh-CN").new_page()
            page.goto(f"{server.url}/lang/zh")
            page.goto(f"{server.url}/exercises/{EX}")
            page.locator("#code").fill(GOOD)
            page.click("#submit-code")
            expect(page.locator("#results pre.error")).to_have_text(
                ui("err.grading_busy", "zh", seconds=7)
            )
            assert page.locator("#code").input_value() == GOOD  # nothing lost
            browser.close()
