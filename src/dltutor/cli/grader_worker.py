"""CLI: `dltutor grader-worker` — grade submissions from the queue in Redis (DLTUTOR_REDIS_URL)."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Annotated

import typer


def grader_worker(
    concurrency: Annotated[
        int | None,
        typer.Option(help="Submissions graded at once (default: one per core)."),
    ] = None,
    prewarm: Annotated[
        int, typer.Option(help="Sandboxes kept started ahead, so a grade skips start-up.")
    ] = 0,
    grace: Annotated[
        int, typer.Option(help="Seconds running gradings get to finish on Ctrl-C.")
    ] = 30,
) -> None:
    """Grade submissions for the web replicas, in this machine's sandbox, until Ctrl-C.

    Needs DLTUTOR_REDIS_URL (the same Redis as the web) and the sandbox (`dltutor doctor`);
    no database and no model. Run one per grading machine."""
    from dltutor.config import get_settings
    from dltutor.grader import prewarm as start_warm
    from dltutor.grader.worker import run

    settings = get_settings()
    if not settings.redis_url:
        typer.echo(
            "grader-worker needs a queue: set DLTUTOR_REDIS_URL=redis://host:6379/0 "
            "(the web's own); without it the web grades in its own process.",
            err=True,
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("saq").setLevel(logging.WARNING)  # one line per job is ours to write
    if prewarm > 0:
        start_warm(prewarm)
    asyncio.run(run(settings, concurrency or os.cpu_count() or 1, grace))


def register(app: typer.Typer) -> None:
    app.command("grader-worker")(grader_worker)
