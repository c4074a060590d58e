"""CLI: `dltutor class export` — a teacher's class progress as CSV or XLSX, from this
install's database (the server's, on a class install)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dltutor.cli.common import cli_lang

class_app = typer.Typer(help="A teacher's class.", no_args_is_help=True)

TEXT = {
    "no_teacher": {
        "en": "No teacher account {name!r} in {db}. Teachers sign up on the web with the role "
        "'teacher'.",
        "zh": "{db} 中没有教师账号 {name!r}。教师需在网页注册时选择“教师”身份。",
    },
    "format": {
        "en": "Unknown format {fmt!r}: use csv or xlsx (or an output file ending in one).",
        "zh": "不支持的格式 {fmt!r}：请用 csv 或 xlsx（或以它们结尾的输出文件名）。",
    },
    "wrote": {
        "en": "Wrote {n} learner(s) of class {code} to {path}",
        "zh": "已把班级 {code} 的 {n} 名学生写入 {path}",
    },
}


@class_app.command("export")
def export_cmd(
    teacher: Annotated[str, typer.Option("--teacher", "-t", help="The teacher's username.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: dltutor-class-CODE.csv)."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv or xlsx (default: from --output).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="zh or en")] = None,
) -> None:
    """One row per learner of the class: mastery by stage, exercises passed, last activity,
    reviews due. Learners outside the class never appear."""
    from sqlalchemy import select

    from dltutor.config import get_settings
    from dltutor.course import Course
    from dltutor.store.db import session_scope
    from dltutor.store.models import Learner
    from dltutor.tutor import class_export

    lg = cli_lang(lang)
    fmt = (fmt or (output.suffix.lstrip(".") if output and output.suffix else "csv")).lower()
    if fmt not in class_export.FORMATS:
        typer.echo(TEXT["format"][lg].format(fmt=fmt), err=True)
        raise typer.Exit(2)
    settings = get_settings()
    with session_scope(settings.db_url()) as db:
        q = select(Learner).where(Learner.username == teacher, Learner.role == "teacher")
        me = db.scalar(q)
        if me is None:
            typer.echo(TEXT["no_teacher"][lg].format(name=teacher, db=settings.db_url()), err=True)
            raise typer.Exit(2)
        table = class_export.class_table(db, Course.load(), me, lg)
        code = me.class_code or str(me.id)
    path = output or Path(f"dltutor-class-{code}.{fmt}")
    path.write_bytes(class_export.export(table, fmt))
    typer.echo(TEXT["wrote"][lg].format(n=len(table.rows), code=code, path=path))


def register(app: typer.Typer) -> None:
    app.add_typer(class_app, name="class")
