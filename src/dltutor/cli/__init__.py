"""The `dltutor` command line. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

from dltutor.cli import (
    article,
    bench,
    chat,
    classes,
    course,
    doctor,
    exercise,
    export,
    learn,
    plan,
    web,
)

app = typer.Typer(
    name="dltutor",
    help="深度学习导师 dltutor — a self-hosted AI tutor for deep learning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (chat, course, exercise, plan, learn, doctor, web, bench, article, classes, export):
    module.register(app)


def main() -> None:
    app()
