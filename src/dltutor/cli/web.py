"""CLI: `dltutor serve` — the web app (one process, or `--workers N`); `dltutor db upgrade`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from dltutor.config import Settings

db_app = typer.Typer(help="The database: bring its schema up to date.", no_args_is_help=True)


def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Listen address (default 127.0.0.1: single-user, no sign-in)."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    llm: Annotated[
        str | None, typer.Option("--llm", help="Backend: embedded (default), none, ollama, vllm, …")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web processes sharing the port. Above 1: the database is migrated once here, "
            "and a model server (not the embedded engine) and DLTUTOR_REDIS_URL are expected.",
        ),
    ] = 1,
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
    if workers == 1:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            proxy_headers=False,
            timeout_keep_alive=settings.keep_alive_s,
        )
        return
    _prepare_workers(settings, updates)
    # Each worker builds its own app from the environment (an app object cannot be handed to
    # another process); uvicorn restarts a worker that dies.
    uvicorn.run(
        "dltutor.web.app:create_app",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=False,
        timeout_keep_alive=settings.keep_alive_s,
    )


def _prepare_workers(settings: Settings, updates: Mapping[str, object]) -> None:
    """What N workers need done once, before they start: the schema migrated, the cookie key
    made (all must sign with one), the search index cached, and this command's options passed
    on to them."""
    from dltutor.config import export_settings
    from dltutor.llm.backend import resolve_backend
    from dltutor.store.db import require_current, upgrade
    from dltutor.web.app import secret_key

    if resolve_backend(settings).name == "embedded":
        typer.secho(
            "--workers needs a model server: the embedded engine runs inside one process, and "
            "each worker would start its own. Use --llm vllm/ollama/llamacpp/sglang (with "
            "DLTUTOR_BASE_URL), --llm none, or one worker. | --workers 需要独立的模型服务"
            "（内置引擎只能在单个进程中运行）：请用 --llm vllm/ollama 等，或只用一个进程。",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    if not settings.redis_url:
        typer.secho(
            "warning: DLTUTOR_REDIS_URL is not set: each worker counts its own generation "
            "slots and sign-in limits, so the model may get workers x DLTUTOR_MAX_CONCURRENT.",
            fg=typer.colors.YELLOW,
            err=True,
        )
    # Replicas on several machines are migrated once by `dltutor db upgrade` and started with
    # DLTUTOR_MIGRATE_ON_START=0: their parents only check, as their workers do.
    (upgrade if settings.migrate_on_start else require_current)(settings.db_url())
    secret_key(settings)
    # The course search index, built (a fresh home: seconds of CPU) and cached under the home
    # once, here: N workers each building it at once took N times the CPU while their first
    # questions waited, and raced to write the same cache folder.
    from dltutor.course.search import get_index

    get_index()
    export_settings(**updates, migrate_on_start=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database (DLTUTOR_DATABASE_URL, else the SQLite file under DLTUTOR_HOME) to
    this version's schema. Run it once before starting several web processes."""
    from dltutor.config import get_settings
    from dltutor.store.db import revisions, upgrade

    url = get_settings().db_url()
    upgrade(url)
    current, _ = revisions(url)
    typer.echo(f"database schema at {', '.join(sorted(current))} (newest)")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")
