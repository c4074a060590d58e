"""`dltutor doctor`: what dltutor is using, and whether each part works."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from dltutor.config import Settings
from dltutor.llm.types import Message


def run_doctor(settings: Settings, llm: str | None = None, generate: bool = True) -> dict[str, Any]:
    return {
        "backend": check_backend(settings, llm, generate),
        "database": check_database(settings),
        "sandbox": check_sandbox(),
        "grading": check_grading(settings),
        "course": check_course(),
        "home": str(settings.home),
    }


def check_backend(settings: Settings, llm: str | None, generate: bool) -> dict[str, Any]:
    from dltutor.llm.backend import open_backend, resolve_backend
    from dltutor.llm.errors import LLMError

    out: dict[str, Any] = {"name": (llm or settings.backend), "answered": False}
    try:
        out["name"] = resolve_backend(settings, llm).name
        backend = open_backend(settings, llm)
    except Exception as e:  # report, never crash: this is the command people run when things break
        out["error"] = str(e)
        return out
    out.update(base_url=backend.base_url, model=backend.model, embedded=backend.embedded)
    if not backend.available:
        out["note"] = "course-only mode: no model"
        return out
    if backend.engine:
        out["engine_startup_s"] = round(backend.engine.startup_s, 2)

    async def probe() -> None:
        async with backend.client(settings, max_tokens=8, first_token_timeout=60) as client:
            out["models"] = await client.list_models()
            out["model"] = await client.resolve_model()
            if generate:
                t0 = time.monotonic()
                reply = await client.complete([Message("user", "Say OK.")])
                out["answered"] = bool(reply.answer or reply.thinking)
                out["sample"] = reply.answer[:80]
                out["ttft_s"] = round(reply.first_token_s or 0, 3)
                out["total_s"] = round(time.monotonic() - t0, 3)
            else:
                out["answered"] = True

    try:
        asyncio.run(probe())
    except LLMError as e:
        out["error"] = e.message("en")
        out["error_kind"] = e.kind
    finally:
        backend.close()
    return out


def check_database(settings: Settings) -> dict[str, Any]:
    from sqlalchemy import text

    from dltutor.store.db import init_db

    url = settings.db_url()
    shown = url.split("@")[-1] if "@" in url else url
    try:
        with init_db(url).connect() as conn:
            rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return {"url": shown, "ok": True, "schema": rev}
    except Exception as e:
        return {"url": shown, "ok": False, "error": str(e)}


def check_sandbox() -> dict[str, Any]:
    from dltutor.grader import isolation_status

    return dict(isolation_status())


def check_grading(settings: Settings) -> dict[str, Any]:
    """Where submissions are graded: in this process, or by grader workers through Redis (then
    how many workers are alive and how many submissions wait)."""
    if not settings.redis_url:
        return {"mode": "in process (set DLTUTOR_REDIS_URL to grade on grader workers)"}
    from dltutor.grader.queue import open_queue

    shown = settings.redis_url.split("@")[-1]  # never print a password

    async def info() -> dict[str, Any]:
        q = open_queue(settings.redis_url or "")
        try:
            got = await q.info()
        finally:
            await q.disconnect()
        return {"workers": len(got["workers"]), "queued": got["queued"], "active": got["active"]}

    out: dict[str, Any] = {"mode": "queue", "redis": shown}
    try:
        out.update(asyncio.run(info()))
    except Exception as e:  # report, never crash
        out["error"] = str(e)
    return out


def check_course() -> dict[str, Any]:
    from dltutor.course import Course

    course = Course.load()
    with_lessons = sum(1 for t in course if len(t.lessons) == 2)
    return {
        "topics": len(course),
        "with_both_lessons": with_lessons,
        "quiz_items": len(course.quiz_items()),
    }
