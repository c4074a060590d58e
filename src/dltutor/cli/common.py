"""What several commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from dltutor.config import Settings
    from dltutor.llm.backend import Backend
    from dltutor.tutor.app import Tutor

err = Console(stderr=True)


def check_lang(lang: str | None) -> str | None:
    """`--lang` as given, if it is zh or en; anything else exits 2 with a message."""
    if lang is not None and lang not in ("zh", "en"):
        typer.echo("--lang must be zh or en", err=True)
        raise typer.Exit(2)
    return lang


def cli_lang(lang: str | None) -> str:
    """The language of a command's output: `--lang`, else the `lang` setting (DLTUTOR_LANG),
    else the terminal's locale (LC_ALL, LANG), else English."""
    import os

    from dltutor.config import get_settings

    if check_lang(lang):
        return lang  # type: ignore[return-value]
    for value in (get_settings().lang, os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def open_backend_or_exit(settings: Settings, llm: str | None) -> Backend:
    """The backend `llm` names (else the configured one), started if it is the embedded engine.
    An unknown name or an engine that cannot start is said on stderr, and the command exits 2."""
    from dltutor.llm.backend import open_backend
    from dltutor.llm.engine import EngineError

    try:
        return open_backend(settings, llm)
    except (EngineError, ValueError) as e:
        err.print(Text(str(e), style="red"))
        raise typer.Exit(2) from None


def open_app_or_exit(settings: Settings, llm: str | None) -> Tutor:
    """The application (tutor/app.py) on the backend `llm` names (else the configured one),
    the embedded engine started; a backend that cannot be opened is said, and the command
    exits 2. Close it with `close_backend()` (and `aclose_client()` from its event loop)."""
    from dltutor.tutor.app import Tutor

    return Tutor(settings, open_backend_or_exit(settings, llm))
