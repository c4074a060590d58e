"""What several commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:
    from dltutor.config import Settings
    from dltutor.llm.backend import Backend

err = Console(stderr=True)


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
