"""CLI: course check, lesson, search."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

course_app = typer.Typer(help="The course data: check it.", no_args_is_help=True)


@course_app.command("check")
def check(
    topic: Annotated[list[str] | None, typer.Option("--topic", "-t", help="Only these topic ids.")] = None,
    no_run: Annotated[bool, typer.Option("--no-run", help="Do not execute runnable code blocks.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Validate the topic graph, lessons, quizzes; run every runnable code block."""
    from dltutor.course import Course
    from dltutor.course.check import check_course

    course = Course.load()
    unknown = [t for t in topic or [] if t not in course]
    if unknown:
        typer.echo(f"unknown topic ids: {unknown}", err=True)
        raise typer.Exit(2)
    rep = check_course(course, topic, run_code=not no_run)
    if as_json:
        typer.echo(json.dumps(rep.__dict__ | {"ok": rep.ok}, ensure_ascii=False, indent=2))
    else:
        con = Console()
        for p in rep.problems:
            con.print(f"[red]✗[/red] {p}", highlight=False)
        con.print(
            f"topics {rep.complete_topics}/{rep.topics} complete · lessons {rep.lessons} · "
            f"quiz items {rep.quiz_items} · check questions {rep.check_questions} · "
            f"code blocks run {rep.blocks_run} (skipped {rep.blocks_skipped}) · problems {len(rep.problems)}"
        )
    raise typer.Exit(0 if rep.ok else 1)


def register(app: typer.Typer) -> None:
    app.add_typer(course_app, name="course")
