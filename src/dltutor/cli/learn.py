"""CLI: `dltutor learn TOPIC` (the teaching loop in the terminal) and `dltutor progress`."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from dltutor.config import get_settings

console = Console()


def register(app: typer.Typer) -> None:
    app.command("learn")(learn)
    app.command("progress")(progress)


def learn(
    topic: Annotated[
        str, typer.Argument(help="A topic id, e.g. dl.backpropagation (see `dltutor progress`)")
    ],
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
    llm: Annotated[
        str | None, typer.Option("--llm", help="Backend: embedded (default), none, ollama, …")
    ] = None,
) -> None:
    """Learn a topic with the tutor: prerequisite check, explanation, check questions, an exercise.
    Paste code to submit an exercise; ask for a hint any time; /quit to stop."""
    from dltutor.cli.common import open_app_or_exit
    from dltutor.course import Course
    from dltutor.store import repo
    from dltutor.store.db import session_scope

    settings = get_settings()
    course = Course.load()
    if topic not in course:
        console.print(f"[red]unknown topic {topic!r}[/red]")
        raise typer.Exit(2)
    app = open_app_or_exit(settings, llm)
    app._course = course
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db, lang=lang).id

    async def run() -> None:
        teacher = app.teacher()
        conv = teacher.begin(learner_id=me, topic=topic, lang=lang)
        text: str | None = None
        try:
            while True:
                out = ""
                async for d in teacher.turn(learner_id=me, conversation_id=conv, text=text):
                    out += d.text
                console.print(Markdown(out))
                if teacher.last.moves and teacher.last.moves[-1].payload.get("finished"):
                    break
                text = await asyncio.to_thread(_read_answer)
                if text is None:
                    break
        finally:
            await app.aclose_client()

    try:
        asyncio.run(run())
    finally:
        app.close_backend()


def _read_answer() -> str | None:
    """One answer; a line starting with ``` or `def ` reads code until a line with ``` or an empty line."""
    try:
        first = console.input("[bold cyan]› [/bold cyan]")
    except (EOFError, KeyboardInterrupt):
        return None
    if first.strip() in ("/quit", "/exit", "/q"):
        return None
    if first.strip().startswith("```") or first.startswith("def "):
        lines = [first]
        while True:
            try:
                line = input()
            except EOFError:
                break
            lines.append(line)
            if line.strip() == "```" or (not line.strip() and not first.startswith("```")):
                break
        text = "\n".join(lines)
        return text if text.startswith("```") else f"```python\n{text}\n```"
    return first


def progress(
    lang: Annotated[str, typer.Option(help="zh or en")] = "zh",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Mastery by stage, what is due for review, and recent grades."""
    import json

    from dltutor.course import Course
    from dltutor.store import repo
    from dltutor.store.db import session_scope
    from dltutor.tutor import record

    course = Course.load()
    settings = get_settings()
    with session_scope(settings.db_url()) as db:
        me = repo.get_or_create_local_learner(db, lang=lang).id
        rec = record.load_record(db, me)
        due = record.due_reviews(db, me)
        grades = repo.list_grades(db, learner_id=me)[-8:]
        by_stage: dict[int, list[float]] = defaultdict(list)
        for t in course:
            by_stage[t.stage].append(rec.p(t.id))
        data: dict[str, Any] = {
            "stages": {s: round(sum(v) / len(v), 3) for s, v in sorted(by_stage.items())},
            "mastered": sorted(rec.mastery.mastered()),
            "due": due,
            "grades": [
                {"exercise": g.exercise_id, "passed": g.passed, "at": g.created_at.isoformat()}
                for g in grades
            ],
        }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    zh = lang == "zh"
    table = Table(title="掌握程度（按阶段）" if zh else "Mastery by stage")
    table.add_column("阶段" if zh else "stage")
    table.add_column("平均掌握度" if zh else "mean mastery", justify="right")
    table.add_column("")
    for stage, mean in data["stages"].items():
        table.add_row(str(stage), f"{mean:.0%}", "█" * round(mean * 20))
    console.print(table)
    if due:
        console.print(
            ("今天该复习：" if zh else "Due for review: ")
            + ", ".join(course.title(t, lang) for t in due)
        )
    else:
        console.print(
            Text(
                "今天没有到期的复习。" if zh else "Nothing is due for review today.", style="green"
            )
        )
    for g in data["grades"]:
        console.print(f"{'✅' if g['passed'] else '❌'} {g['exercise']}  {g['at'][:16]}")
