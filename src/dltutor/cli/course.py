"""CLI: course check, lesson, search."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from dltutor.cli.common import check_lang, cli_lang

if TYPE_CHECKING:
    from dltutor.course import Course

course_app = typer.Typer(help="The course data: check it, embed it.", no_args_is_help=True)


@course_app.command("embed")
def embed() -> None:
    """Write the vectors of the course's search texts (course_data/dense/dense.npz), embedding
    only texts that changed; run it after editing lessons (`course check` says when)."""
    from dltutor.course import Course
    from dltutor.course.search import SHIPPED_VECTORS
    from dltutor.course.search_dense import write_shipped

    course = Course.load()
    with Console(stderr=True).status("embedding the course's changed search texts…"):
        new, kept = write_shipped(course, course.root / SHIPPED_VECTORS)
    typer.echo(f"embedded {new} text(s), kept {kept}: {course.root / SHIPPED_VECTORS}")


@course_app.command("check")
def check(
    topic: Annotated[
        list[str] | None, typer.Option("--topic", "-t", help="Only these topic ids.")
    ] = None,
    no_run: Annotated[
        bool,
        typer.Option(
            "--no-run", help="Do not execute runnable code blocks or grade the hints' code."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Validate the topic graph, lessons, quizzes (keys no gamer can exploit), exercise hints
    and formulas; run every runnable code block and grade every hint's code."""
    from dltutor.course import Course
    from dltutor.course.check import check_course

    course = Course.load()
    unknown = [t for t in topic or [] if t not in course]
    if unknown:
        typer.echo(f"unknown topic ids: {unknown}", err=True)
        raise typer.Exit(2)
    from dltutor.grader import passes

    rep = check_course(course, topic, run_code=not no_run, passes=passes)
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


def search(
    question: Annotated[str, typer.Argument(help="A question or keywords, Chinese or English.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="How many hits.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as a JSON list.")] = False,
    lang: Annotated[
        str | None, typer.Option(help="Prefer zh or en sections (default: the question's).")
    ] = None,
) -> None:
    """Search the lessons: the best-matching sections, best first, one per topic first."""
    from dltutor.course.search import get_index

    lang = check_lang(lang)
    hits = get_index().search(question, k=k, lang=lang)
    if as_json:
        typer.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return
    con = Console()
    if not hits:
        con.print("no matches / 没有找到相关内容")
        raise typer.Exit(1)
    for n, h in enumerate(hits, 1):
        con.print(
            f"[bold]{n}. {h.topic}[/bold] · {h.section}  [dim]{h.score:.3f}[/dim]", highlight=False
        )
        con.print(f"   {h.snippet}", highlight=False)


def lesson(
    topic: Annotated[str, typer.Argument(help="A topic id (e.g. attn.self_attention) or words.")],
    lang: Annotated[
        str | None, typer.Option(help="zh or en (default: from DLTUTOR_LANG/LANG).")
    ] = None,
) -> None:
    """Show a lesson in the terminal (formulas appear as LaTeX source)."""
    from rich.markdown import Markdown

    from dltutor.course import Course

    course = Course.load()
    lang = cli_lang(lang)
    topic_id = _resolve_topic(course, topic, lang)
    t = course[topic_id]
    lesson_ = t.lesson(lang)
    if lesson_ is None:
        typer.echo(f"{topic_id}: no lesson yet / 这一课还没有写好", err=True)
        raise typer.Exit(1)
    con = Console()
    requires = ", ".join(t.requires) or "—"
    label = {"zh": ("预计学习", "小时", "前置"), "en": ("study", "h", "requires")}[lesson_.lang]
    con.print(
        f"[dim]{t.id} · {label[0]} ~{t.hours:g} {label[1]} · {label[2]}: {requires}[/dim]",
        highlight=False,
    )
    con.print(Markdown(lesson_.text, code_theme="monokai"))


def _resolve_topic(course: Course, topic: str, lang: str) -> str:
    """An exact id, a unique id suffix ("self_attention"), or the best search hit for words."""
    if topic in course:
        return topic
    suffix = [t.id for t in course if t.id.endswith("." + topic) or t.id.endswith(topic)]
    if len(suffix) == 1:
        return suffix[0]
    from dltutor.course.search import get_index

    hits = get_index().search(topic, k=3, lang=lang)
    if hits:
        return hits[0].topic
    typer.echo(f"unknown topic {topic!r}; see `dltutor course check` for ids", err=True)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.add_typer(course_app, name="course")
    app.command("search")(search)
    app.command("lesson")(lesson)
