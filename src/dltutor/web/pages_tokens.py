"""Personal API tokens on the profile page: make one (shown once), revoke one. The token
itself is checked in web/deps.py; the logic is tutor/tokens.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dltutor.tutor import tokens
from dltutor.web.deps import CSRF, CurrentLearner, IdPath, SessionDep
from dltutor.web.pages_learning import profile_page

router = APIRouter(include_in_schema=False)


@router.post("/profile/tokens", dependencies=[CSRF], response_class=HTMLResponse)
def create_token(
    request: Request,
    db: SessionDep,
    me: CurrentLearner,
    name: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    """Make a token and show it this once (only its hash is kept: it cannot be shown again)."""
    try:
        _, token = tokens.create_token(db, me.id, name)
    except tokens.TokenError as e:
        return profile_page(request, db, me, status=400, token_error=e.key)
    return profile_page(request, db, me, new_token=token)


@router.post("/profile/tokens/{token_id}/revoke", dependencies=[CSRF])
def revoke_token(token_id: IdPath, db: SessionDep, me: CurrentLearner) -> Response:
    """Revoke one of the learner's own tokens; it stops working on the next request."""
    tokens.revoke_token(db, me.id, token_id)
    return RedirectResponse("/onboarding#tokens", status_code=303)
