"""Rendering pages: the template environment and the context every page gets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from dltutor.web.deps import csrf_token, page_lang, single_user
from dltutor.web.ui import ui

WEB = Path(str(resources.files("dltutor") / "web"))
templates = Jinja2Templates(directory=str(WEB / "templates"))


def render(
    request: Request, name: str, me: Any = None, status: int = 200, **ctx: Any
) -> HTMLResponse:
    lang = page_lang(request, me)
    service = getattr(request.app.state, "tutor", None)
    ctx.update(
        request=request,
        me=me,
        lang=lang,
        t=lambda key, **kw: ui(key, lang, **kw),
        csrf=csrf_token(request),
        single_user=single_user(request.app.state.settings),
        backend=service.backend if service else None,
        backend_error=service.backend_error if service else None,
        path=request.url.path,
    )
    return templates.TemplateResponse(request, name, ctx, status_code=status)
