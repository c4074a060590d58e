"""CLI: `dltutor serve` — the web app."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Listen address (default 127.0.0.1: single-user, no sign-in)."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    llm: Annotated[
        str | None, typer.Option("--llm", help="Backend: embedded (default), none, ollama, vllm, …")
    ] = None,
) -> None:
    """Start the tutor in the browser at http://127.0.0.1:8000."""
    import uvicorn

    from dltutor.config import get_settings
    from dltutor.web.app import create_app

    settings = get_settings()
    updates = {
        k: v for k, v in {"host": host, "port": port, "backend": llm}.items() if v is not None
    }
    settings = settings.model_copy(update=updates)
    typer.echo(f"dltutor: open http://{settings.host}:{settings.port}  (Ctrl-C to stop)")
    from dltutor.web.security import plain_http_warning

    if warning := plain_http_warning(settings):
        typer.secho(warning, fg=typer.colors.RED, bold=True, err=True)
    # proxy_headers=False: X-Forwarded-* are believed from DLTUTOR_TRUSTED_PROXIES only (the
    # app applies them); uvicorn would otherwise believe any process on this host.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
