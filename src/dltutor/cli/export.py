"""CLI: `dltutor export anki` — the local learner's due reviews and missed quiz items as an
Anki deck (.apkg). Importing a later export updates the same notes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dltutor.cli.common import cli_lang

export_app = typer.Typer(help="Export what you learn to other tools.", no_args_is_help=True)

TEXT = {
    "wrote": {
        "en": "Wrote {n} card(s) ({due} due review(s), {missed} missed quiz item(s)) to {path}. "
        "In Anki: File > Import.",
        "zh": "已写入 {n} 张卡片（{due} 个待复习主题，{missed} 道答错过的测验题）到 {path}。"
        "在 Anki 中：文件 > 导入。",
    },
}


@export_app.command("anki")
def anki_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .apkg file to write.")] = Path(
        "dltutor.apkg"
    ),
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="zh or en")] = None,
) -> None:
    """One card per topic due for review and per quiz item you missed, in your language, math
    rendered, tagged by topic and stage."""
    from dltutor.config import get_settings
    from dltutor.course import Course
    from dltutor.store import repo
    from dltutor.store.db import session_scope
    from dltutor.tutor import anki

    lg = cli_lang(lang)
    with session_scope(get_settings().db_url()) as db:
        me = repo.get_or_create_local_learner(db)
        cards = anki.learner_cards(db, Course.load(), me.id, lg)
    anki.write_apkg(cards, output)
    due = sum(c.source.startswith("review:") for c in cards)
    typer.echo(
        TEXT["wrote"][lg].format(n=len(cards), due=due, missed=len(cards) - due, path=output)
    )


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
