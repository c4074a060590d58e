"""CLI: dltutor exercise list | show | start | hint | grade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from dltutor.cli.common import cli_lang

if TYPE_CHECKING:
    from dltutor.course.exercises import Exercise
    from dltutor.grader import GradeResult

exercise_app = typer.Typer(help="Programming exercises, graded in a sandbox.", no_args_is_help=True)

LangOpt = Annotated[
    str | None, typer.Option("--lang", "-l", help="zh or en (default: DLTUTOR_LANG, else en).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

TEXT = {
    "unknown": {
        "en": "Unknown exercise id: {id}. `dltutor exercise list` shows them.",
        "zh": "没有这个练习：{id}。运行 `dltutor exercise list` 查看全部练习。",
    },
    "unreadable": {"en": "Cannot read {path}: {why}", "zh": "无法读取 {path}：{why}"},
    "functions": {"en": "Functions", "zh": "要实现的函数"},
    "topic": {"en": "Topic", "zh": "主题"},
    "started": {
        "en": "Wrote the starter code to {path}. Edit it, then run:\n  dltutor exercise grade {id} {path}",
        "zh": "起始代码已写入 {path}。完成后运行：\n  dltutor exercise grade {id} {path}",
    },
    "exists": {
        "en": "{path} already exists; use --force to overwrite it or --output for another file.",
        "zh": "{path} 已存在；用 --force 覆盖，或用 --output 指定其他文件。",
    },
    "hint": {"en": "Hint {level}/{total}", "zh": "提示 {level}/{total}"},
    "more": {
        "en": "More help: dltutor exercise hint {id}",
        "zh": "需要更多帮助：dltutor exercise hint {id}",
    },
    "passed": {"en": "All {n} tests passed.", "zh": "全部 {n} 个测试通过。"},
    "failed": {"en": "{failed} of {n} tests failed.", "zh": "{n} 个测试中有 {failed} 个未通过。"},
    "output": {"en": "Your code printed:", "zh": "你的代码输出："},
}


def _t(key: str, lang: str, **kw: object) -> str:
    return TEXT[key][lang].format(**kw)


def _exercise_or_exit(exercise_id: str, lang: str) -> Exercise:
    from dltutor.course.exercises import get_exercise

    try:
        return get_exercise(exercise_id)
    except KeyError:
        typer.echo(_t("unknown", lang, id=exercise_id), err=True)
        raise typer.Exit(2) from None


@exercise_app.command("list")
def list_(
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Only this topic's exercises.")
    ] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the exercises."""
    from dltutor.course.exercises import load_exercises

    lg = cli_lang(lang)
    exs = [e for e in load_exercises(include_projects=True) if topic is None or e.topic == topic]
    if as_json:
        rows = [
            {
                "id": e.id,
                "topic": e.topic,
                "kind": e.kind,
                "title": e.title,
                "functions": [f.signature for f in e.functions],
            }
            for e in exs
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    con = Console()
    for e in exs:
        con.print(f"[bold]{e.id}[/bold]  {e.title[lg]}  [dim]({e.topic})[/dim]", highlight=False)


@exercise_app.command("show")
def show(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show an exercise's statement and the functions to write."""
    lg = cli_lang(lang)
    e = _exercise_or_exit(exercise_id, lg)
    if as_json:
        out = {
            "id": e.id,
            "topic": e.topic,
            "kind": e.kind,
            "title": e.title,
            "statement": e.statement,
            "functions": [f.signature for f in e.functions],
            "hints": len(e.hints),
            "starter": e.starter(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    con = Console()
    con.print(f"[bold]{e.title[lg]}[/bold]  [dim]{e.id}[/dim]", highlight=False)
    con.print(f"{_t('topic', lg)}: {e.topic}", highlight=False)
    con.print(
        f"{_t('functions', lg)}: " + "; ".join(f.signature for f in e.functions), highlight=False
    )
    typer.echo("")
    typer.echo(e.statement[lg])


@exercise_app.command("start")
def start(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write the starter code.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: LangOpt = None,
) -> None:
    """Write the starter code to a file (default: ./<id>.py) and show the statement."""
    lg = cli_lang(lang)
    e = _exercise_or_exit(exercise_id, lg)
    path = output or Path(f"{e.id.removeprefix('ex.')}.py")
    if path.exists() and not force:
        typer.echo(_t("exists", lg, path=path), err=True)
        raise typer.Exit(1)
    path.write_text(e.starter(), encoding="utf-8")
    typer.echo(e.statement[lg])
    typer.echo("")
    typer.echo(_t("started", lg, path=path, id=e.id))


@exercise_app.command("hint")
def hint(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")],
    level: Annotated[
        int | None,
        typer.Option(
            "--level",
            "-n",
            min=1,
            help="Show this rung (default: the next one): hints, then a worked example.",
        ),
    ] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the next rung of the hint ladder: nudge, approach, key step, then a worked example
    on another input. The ladder is yours across the CLI, the web page and the tutor's chat."""
    from dltutor.tutor import hints

    lg = cli_lang(lang)
    e = _exercise_or_exit(exercise_id, lg)
    total = hints.rungs(e)
    shown = _reveal(e, level)
    level = min(level or shown, total)
    text = hints.rung_text(e, level, lg)
    if as_json:
        typer.echo(
            json.dumps(
                {"exercise": e.id, "level": level, "levels": total, "hint": text},
                ensure_ascii=False,
            )
        )
        return
    typer.echo(f"{_t('hint', lg, level=level, total=total)}: {text}")
    if level < total:
        typer.echo(_t("more", lg, id=e.id))


def _reveal(e: Exercise, level: int | None) -> int:
    """Record the rungs up to `level` (or the next one) on the local learner's ladder; how many
    are shown now. Without a usable store, the ladder is not recorded and `level` (or 1)."""
    from dltutor.tutor import hints

    try:
        from dltutor.config import get_settings
        from dltutor.store import repo
        from dltutor.store.db import session_scope

        with session_scope(get_settings().db_url()) as db:
            me = repo.get_or_create_local_learner(db)
            return hints.reveal(db, me.id, e, up_to=level)
    except Exception as err:  # noqa: BLE001 - the hint is still shown; say why it was not kept
        typer.echo(f"(hint not recorded: {err})", err=True)
        return min(level or 1, hints.rungs(e))


@exercise_app.command("grade")
def grade_cmd(
    exercise_id: Annotated[str, typer.Argument(metavar="ID")],
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Your solution, a .py file.")],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Grade your solution: exit 0 all passed, 1 something failed, 2 unknown id or unreadable file."""
    from dltutor.course.exercises import load_exercises
    from dltutor.grader import grade

    lg = cli_lang(lang)
    problem = None
    if exercise_id not in {e.id for e in load_exercises(include_projects=True)}:
        problem = _t("unknown", lg, id=exercise_id)
    else:
        try:
            code = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problem = _t(
                "unreadable",
                lg,
                path=path,
                why=e.strerror if isinstance(e, OSError) else "not UTF-8 text",
            )
    if problem is not None:
        if as_json:
            typer.echo(
                json.dumps(
                    {"exercise": exercise_id, "passed": False, "tests": [], "error": problem},
                    ensure_ascii=False,
                )
            )
        else:
            typer.echo(problem, err=True)
        raise typer.Exit(2)
    result = grade(exercise_id, code, lang=lg)
    _record(result, code)
    if as_json:
        typer.echo(json.dumps(result.to_contract_json(), ensure_ascii=False))
    else:
        _print_result(result, lg)
    raise typer.Exit(0 if result.passed else 1)


def _print_result(result: GradeResult, lang: str) -> None:
    con = Console()
    for t in result.tests:
        mark = "[green]✓[/green]" if t.passed else "[red]✗[/red]"
        con.print(f"{mark} {t.name}", highlight=False)
        if t.message:  # failures, and measurements such as a project's accuracy
            con.print(f"    {t.message}", highlight=False, markup=False)
    if result.output.strip():
        con.print(f"[dim]{_t('output', lang)}[/dim]", highlight=False)
        con.print(result.output[:2000], highlight=False, markup=False)
    if result.error:
        con.print(result.error, style="red", highlight=False, markup=False)
    failed = len(result.failed_tests)
    if result.passed:
        con.print(f"[green]{_t('passed', lang, n=len(result.tests))}[/green]", highlight=False)
    elif result.tests:
        con.print(
            f"[red]{_t('failed', lang, failed=failed, n=len(result.tests))}[/red]", highlight=False
        )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the main app."""
    app.add_typer(exercise_app, name="exercise")


def _record(result: object, code: str) -> None:
    """Store the grade for the local learner (it moves mastery and schedules a review). The
    contract's output and exit code never depend on this: a storage failure only warns."""
    try:
        from dltutor.config import get_settings
        from dltutor.course import Course
        from dltutor.store import repo
        from dltutor.store.db import session_scope
        from dltutor.tutor.record import apply_grade

        with session_scope(get_settings().db_url()) as db:
            me = repo.get_or_create_local_learner(db)
            apply_grade(db, Course.load(), me.id, result, code)
    except Exception as e:  # noqa: BLE001 - reported, never fatal
        typer.echo(f"(grade not saved: {e})", err=True)
