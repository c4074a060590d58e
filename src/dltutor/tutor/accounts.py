"""Accounts: argon2 password hashes, sign-up and sign-in as plain functions over the store."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dltutor.store.models import Learner, WebSession

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
T = TypeVar("T")

# Each argon2 hash or check takes 64 MiB for ~50 ms. The routes run in a pool of 40 threads:
# 5.5 wrong sign-ins a second took the server from 216 to 963 MiB and GET /api/me from 7 ms to
# 1.65 s. At most this many run at once; the rest wait their turn, or are told to retry.
HASHING_AT_ONCE = 2
HASHING_WAIT_S = 10.0
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
_hashing_lock = threading.Lock()
hashing_now = 0
hashing_peak = 0  # the most that ran at once (tests read it)
hashing_checks = 0  # password checks done (tests read it)


def _hash_work(work: Callable[[], T]) -> T:
    global hashing_now, hashing_peak
    if not _hashing.acquire(timeout=HASHING_WAIT_S):
        raise AccountError("err.busy")
    try:
        with _hashing_lock:
            hashing_now += 1
            hashing_peak = max(hashing_peak, hashing_now)
        return work()
    finally:
        with _hashing_lock:
            hashing_now -= 1
        _hashing.release()


class AccountError(ValueError):
    """`key` names a ui string (web/ui.py) that explains the problem to the person."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def sign_up(
    db: Session,
    *,
    username: str,
    password: str,
    name: str = "",
    lang: str = "zh",
    role: str = "learner",
    class_code: str | None = None,
) -> Learner:
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountError("err.username")
    if len(password) < 8:
        raise AccountError("err.password_short")
    if role not in ("learner", "teacher"):
        raise AccountError("err.role")
    if db.scalar(select(Learner).where(Learner.username == username)):
        raise AccountError("err.username_taken")
    if role == "teacher":
        # Always a fresh code: a teacher who could pick one could pick another class's code
        # and read its learners' progress.
        class_code = new_class_code(db)
    elif class_code:
        class_code = class_code.strip().lower()
        if not teacher_of(db, class_code):
            raise AccountError("err.class_code")
    learner = Learner(
        name=name.strip() or username,
        username=username,
        password_hash=_hash_work(lambda: _hasher.hash(password)),
        lang=lang if lang in ("zh", "en") else "zh",
        role=role,
        class_code=(class_code or None),
    )
    db.add(learner)
    try:
        db.flush()
    except IntegrityError:  # the same name signed up at the same moment
        db.rollback()
        raise AccountError("err.username_taken") from None
    return learner


def sign_in(db: Session, *, username: str, password: str) -> Learner:
    learner = db.scalar(select(Learner).where(Learner.username == username.strip()))
    # Verify against a dummy hash when the user does not exist, so timing does not reveal it.
    stored = learner.password_hash if learner and learner.password_hash else _DUMMY
    global hashing_checks
    hashing_checks += 1
    try:
        _hash_work(lambda: _hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        raise AccountError("err.sign_in") from None
    if learner is None or not learner.password_hash:
        raise AccountError("err.sign_in")
    return learner


_DUMMY = _hasher.hash("not-a-real-password")


# Class codes are typed by learners: lower-case letters and digits that cannot be mistaken for
# each other (no 0/o, 1/l/i), 12 of them (59 bits; the 8 hex digits before, 32 bits, could be
# guessed through sign-up at ~300 a second), in groups of four.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12


def new_class_code(db: Session) -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        code = "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
        if not db.scalar(select(Learner.id).where(Learner.class_code == code)):
            return code


def teacher_of(db: Session, class_code: str) -> Learner | None:
    q = select(Learner).where(Learner.class_code == class_code, Learner.role == "teacher")
    return db.scalar(q)


def class_members(db: Session, *, teacher: Learner) -> list[Learner]:
    """The learners in a teacher's class (never anyone else's)."""
    if teacher.role != "teacher" or not teacher.class_code:
        return []
    q = select(Learner).where(Learner.class_code == teacher.class_code, Learner.role == "learner")
    return list(db.scalars(q.order_by(Learner.id)))


# ---- server-side sessions: the cookie carries a token, the database says whether it still counts


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, learner: Learner) -> str:
    """A new session for `learner`; returns the token for the (signed) cookie."""
    token = secrets.token_urlsafe(32)
    db.add(WebSession(id=_token_id(token), learner_id=learner.id))
    db.flush()
    return token


def session_learner(db: Session, token: object) -> Learner | None:
    """The learner whose session `token` is, while it has not been ended."""
    if not isinstance(token, str) or not token:
        return None
    ws = db.get(WebSession, _token_id(token))
    return db.get(Learner, ws.learner_id) if ws is not None else None


def end_session(db: Session, token: object) -> None:
    if isinstance(token, str) and token:
        db.execute(delete(WebSession).where(WebSession.id == _token_id(token)))


def end_all_sessions(db: Session, learner_id: int) -> int:
    """Sign out everywhere: every session of the learner, on every device."""
    result = db.execute(delete(WebSession).where(WebSession.learner_id == learner_id))
    return int(getattr(result, "rowcount", 0) or 0)
