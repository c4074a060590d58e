"""`dltutor doctor`: what is in use, and whether it works (backend, database, sandbox, course)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from dltutor.cli.chat import LlmOpt
from dltutor.config import get_settings

console = Console()


def doctor(
    llm: LlmOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    no_generate: Annotated[
        bool, typer.Option("--no-generate", help="Only list models; skip the test answer.")
    ] = False,
) -> None:
    """Check the set-up: which backend, does it answer, which models; database; sandbox; course."""
    from dltutor.doctor import run_doctor

    report = run_doctor(get_settings(), llm, generate=not no_generate)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        for section, values in report.items():
            console.print(f"[bold]{section}[/bold]")
            if isinstance(values, dict):
                for k, v in values.items():
                    console.print(f"  {k}: {v}", highlight=False)
            else:
                console.print(f"  {values}")
    raise typer.Exit(
        0 if report["backend"].get("answered") or report["backend"]["name"] == "none" else 1
    )


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
