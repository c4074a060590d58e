"""Request dependencies: the database session, the signed-in learner, the language, CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dltutor.config import Settings
from dltutor.course.model import Course
from dltutor.store import repo
from dltutor.store.db import session_factory
from dltutor.store.models import Learner
from dltutor.tutor import tokens
from dltutor.tutor.accounts import session_learner
from dltutor.tutor.app import Tutor


class NotSignedIn(Exception):
    """Pages redirect to the sign-in form; the API answers 401."""


# The dependencies that only read app state are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, and that hop (~0.2 ms of CPU) was paid on every request.
async def get_tutor(request: Request) -> Tutor:
    """The application (tutor/app.py): its chat, teaching loop, model client and store."""
    app: Tutor = request.app.state.tutor
    return app


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    """A unit of work: committed when the route returns, before the response is sent."""
    db = session_factory(request.app.state.settings.db_url())()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


# scope="function": the commit runs when the route function returns, before the response.
# With FastAPI's default ("request") it ran after the response had been sent: a learner's next
# request could read the data from before (a sign-up not yet there: 401), and a failed commit
# was still answered 200.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
TutorDep = Annotated[Tutor, Depends(get_tutor)]


@lru_cache(maxsize=1)
def shipped_course() -> Course:
    """The course shipped with the package, loaded once per process (loading takes seconds)."""
    return Course.load()


async def get_course() -> Course:
    # async: a cached value, no reason to hop to the thread pool on every request
    return shipped_course()


CourseDep = Annotated[Course, Depends(get_course)]

# Ids in paths: bounded, so a huge number is a 422, not an overflow in the database driver.
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
TopicPath = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")]
ExercisePath = Annotated[str, Path(max_length=100, pattern=r"^[a-z]+\.[a-z0-9_]+$")]
# Pages take any short name and answer an unknown one with the 404 page, not a validation error.
PageName = Annotated[str, Path(max_length=200)]


def single_user(settings: Settings) -> bool:
    """No sign-in only for a personal install listening on loopback."""
    return settings.single_user and settings.host in ("127.0.0.1", "localhost", "::1")


def current_learner(request: Request) -> Learner:
    """The signed-in learner, read in a session of its own that is closed at once: a streamed
    answer (minutes) must not hold a database connection for its whole length."""
    settings: Settings = request.app.state.settings
    sessions = session_factory(settings.db_url())
    if (token := bearer_token(request)) is not None:
        return _token_learner(sessions, token)
    learner_id = request.session.get("learner_id")
    if learner_id is not None:
        with sessions() as db:
            if single_user(settings):
                learner = db.get(Learner, learner_id)
            else:  # on every request: a session signed out stays out, whatever the cookie says
                learner = session_learner(db, request.session.get("sid"))
                if learner is not None and learner.id != learner_id:
                    learner = None
        if learner is not None:
            return learner
        request.session.clear()
    if single_user(settings):
        learner = _local_learner(sessions)
        request.session["learner_id"] = learner.id
        return learner
    raise NotSignedIn()


def bearer_token(request: Request) -> str | None:
    """The personal API token of an `Authorization: Bearer` header, or None without one."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _token_learner(sessions: sessionmaker[Session], token: str) -> Learner:
    """A request with a token is that token's learner, or refused (401), whatever its cookie
    says: a wrong token must never fall back to the browser session or the local learner."""
    with sessions() as db:
        learner = tokens.token_learner(db, token)
        db.commit()  # last_used_at
    if learner is None:
        raise HTTPException(
            401,
            "invalid or revoked API token | API 令牌无效或已被撤销",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return learner


def _local_learner(sessions: sessionmaker[Session]) -> Learner:
    for _ in range(3):
        with sessions() as db:
            try:
                learner = repo.get_or_create_local_learner(db)
                db.commit()
                return learner
            except IntegrityError:  # two first requests at once: the other one created it
                db.rollback()
    raise RuntimeError("could not create the local learner")


CurrentLearner = Annotated[Learner, Depends(current_learner)]


async def teacher_only(me: CurrentLearner) -> Learner:
    if me.role != "teacher":
        raise HTTPException(403, "teachers only")
    return me


CurrentTeacher = Annotated[Learner, Depends(teacher_only)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """State-changing requests carry the session's token: a form field or an X-CSRF-Token header."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    # A token is sent by a script, never by a browser on its own (a cross-site form cannot set
    # this header), and such a request is authenticated by the token alone (current_learner).
    if bearer_token(request) is not None:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(status_code=403, detail="CSRF token missing or wrong; reload the page")


CSRF = Depends(check_csrf)


def page_lang(request: Request, learner: Learner | None = None) -> str:
    lang = request.session.get("lang") or (learner.lang if learner else None)
    if lang not in ("zh", "en"):
        accept = request.headers.get("accept-language", "")
        lang = "zh" if accept.lower().startswith("zh") else "en"
    return str(lang)
