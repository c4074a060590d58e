"""The FastAPI app: settings in, routers mounted, the model backend opened for the app's life."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dltutor.config import Settings, get_settings
from dltutor.llm.errors import Busy
from dltutor.store import instances
from dltutor.store.db import init_db, require_current
from dltutor.web.bodies import BodyGuard, validation_error
from dltutor.web.deps import NotSignedIn, page_lang
from dltutor.web.security import SecurityHeaders, Sessions, plain_http_warning, trusted_proxies
from dltutor.web.throttle import Throttle
from dltutor.web.ui import ui
from dltutor.web.views import WEB, templates

__all__ = ["WEB", "create_app", "routers", "templates"]

log = logging.getLogger(__name__)


def secret_key(settings: Settings) -> str:
    """The cookie-signing key: from settings, else generated once and kept under DLTUTOR_HOME."""
    if settings.secret_key:
        if settings.secret_key in ("changethis", "secret", "dev"):
            raise ValueError("DLTUTOR_SECRET_KEY is a well-known default; set a random one")
        return settings.secret_key
    path = settings.ensure_home() / "secret_key"
    if not path.exists():
        # Written whole under another name, then linked into place: web workers starting at
        # once must all read one complete key (a cookie signed by one is read by another).
        tmp = path.with_name(f"secret_key.{os.getpid()}")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip()


def _warm_search_index() -> None:
    """What a first question needs, loaded before it comes: the search index (~3 s of CPU on
    its first build) and the course the chat checks prerequisites in."""
    from dltutor.chat import chat_course
    from dltutor.course.search import get_index

    try:
        get_index()
        chat_course()
    except Exception:  # search is an aid; the first question will report it properly
        log.exception("could not load the course search index")


def one_blas_thread() -> None:
    """NumPy's BLAS (OpenBLAS) on one thread in the web server. Its own threads busy-wait for
    work after each call, and the dense search's matrix-vector product kept one spinning: 7-11
    ms of CPU per chat at 10 chats at once (bench/web_cpu.py), a third of the server's CPU, for
    a product of 1,368 x 384 that one thread does in well under a millisecond. A server runs
    many requests at once; it has no idle core for BLAS to borrow."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def routers() -> list[APIRouter]:
    """Every router of the app, the JSON API first (tests walk these to cover every route)."""
    from dltutor.web import (
        api,
        api_class,
        api_exercises,
        api_learning,
        pages,
        pages_class,
        pages_exercises,
        pages_learning,
        pages_tokens,
        routes_verify,
    )

    api_modules = [api, api_learning, api_exercises, api_class, routes_verify]
    page_modules = [pages, pages_learning, pages_exercises, pages_class, pages_tokens]
    return [m.router for m in api_modules + page_modules]


def create_app(settings: Settings | None = None, *, open_model: bool = True) -> FastAPI:
    settings = settings or get_settings()
    # One process migrates on start; several (`serve --workers`, replicas) were migrated once
    # by `dltutor db upgrade` and only check, since N processes migrating at once race.
    (init_db if settings.migrate_on_start else require_current)(settings.db_url())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from dltutor.llm.backend import Backend
        from dltutor.tutor.app import Tutor
        from dltutor.web.deps import shipped_course

        one_blas_thread()
        course = shipped_course()
        app.state.tutor = (
            Tutor.start(settings, fallback=True, course=course)
            if open_model
            else Tutor(settings, Backend("none"), course=course)
        )
        # The course search index: loaded (or, on a fresh install, built: ~3 s of CPU) in a
        # thread now, not by the first question, which would hold up every chat behind it.
        warm = asyncio.create_task(asyncio.to_thread(_warm_search_index))
        # Replies left `streaming` by a process that died (SIGKILL, power cut) are marked
        # interrupted now; those of other live replicas are left alone.
        await asyncio.to_thread(instances.recover_in, settings.db_url())
        beat = asyncio.create_task(instances.keep_alive(settings.db_url()))
        try:
            yield
        finally:
            beat.cancel()
            if not warm.done():
                warm.cancel()
            await app.state.tutor.aclose()

    app = FastAPI(
        title="dltutor",
        version="0.1.0",
        lifespan=lifespan,
        description="深度学习导师 — the tutor's JSON API. Pages are served at /. State-changing "
        "requests send the session's CSRF token (GET /api/me) in an X-CSRF-Token header.",
    )
    app.state.settings = settings
    app.state.throttle = Throttle(settings)  # in memory, or Redis with DLTUTOR_REDIS_URL
    app.add_middleware(
        Sessions,  # the cookie is Secure when the request came over HTTPS
        secret_key=secret_key(settings),
        session_cookie="dltutor_session",
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(BodyGuard)  # a body is capped before anything reads it
    app.add_middleware(SecurityHeaders)
    if proxies := trusted_proxies(settings):  # outermost: the real scheme, for all below
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    if warning := plain_http_warning(settings):
        log.warning(warning)
    app.add_exception_handler(RequestValidationError, validation_error)

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        """The model's queue is full: 429 with Retry-After, before any stream is opened."""
        detail = exc.message(page_lang(request))
        headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(
            {"detail": detail, "retry_after": exc.retry_after}, status_code=429, headers=headers
        )

    @app.exception_handler(OperationalError)
    async def _db_unavailable(request: Request, exc: OperationalError) -> Response:
        """The database failed (a commit, a lost connection): say so, never report success."""
        log.error("database error on %s %s: %s", request.method, request.url.path, exc)
        lang = page_lang(request)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": ui("err.db", lang)}, status_code=503)
        from dltutor.web.views import render

        return render(request, "error.html", status=503, code=503)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The API answers JSON; a page answers a page, in the learner's language."""
        if request.url.path.startswith(("/api/", "/static/")) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        from dltutor.web.views import render

        return render(request, "error.html", status=exc.status_code, code=exc.status_code)

    for router in routers():
        app.include_router(router)
    # After the routers, so /static/pygments.css (generated) is found before the folder.
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    return app
