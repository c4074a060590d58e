"""Personal API tokens: made and revoked by their learner, checked on every API request.

A token is 32 random bytes (256 bits), shown once when made; the store keeps its sha256.
Why not argon2 as for passwords: a slow, salted hash protects a *guessable* secret from
brute force after a leak, and no guessing reaches a 256-bit random value, so sha256 loses
nothing. And a token is checked on every request: argon2 costs ~50 ms and 64 MiB each time
(tutor/accounts.py lets two run at once), and a salted hash cannot be looked up by its value,
while sha256 is one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dltutor.store.models import ApiToken, Learner

PREFIX = "dlt_"  # says what the string is when it turns up in a config file or a log
MAX_ACTIVE = 20  # per learner: a list on a page, not a store to fill


class TokenError(ValueError):
    """`key` names a ui string (web/ui.py) that explains the problem to the person."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, learner_id: int, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the learner: the row, and the token itself (never stored, shown once)."""
    if len(active_tokens(db, learner_id)) >= MAX_ACTIVE:
        raise TokenError("tokens.too_many")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        learner_id=learner_id,
        name=name.strip()[:100],
        token_hash=token_hash(token),
        prefix=token[: len(PREFIX) + 4],
    )
    db.add(row)
    db.flush()
    return row, token


def active_tokens(db: Session, learner_id: int) -> list[ApiToken]:
    q = select(ApiToken).where(ApiToken.learner_id == learner_id, ApiToken.revoked_at.is_(None))
    return list(db.scalars(q.order_by(ApiToken.id)))


def revoke_token(db: Session, learner_id: int, token_id: int) -> bool:
    """Revoke one of the learner's own tokens; False when the id is not an active one of theirs
    (another learner's id reveals nothing and changes nothing)."""
    row = db.get(ApiToken, token_id)
    if row is None or row.learner_id != learner_id or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    return True


def token_learner(db: Session, token: str) -> Learner | None:
    """The learner a presented token acts as, or None (unknown, revoked, malformed)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = datetime.now(UTC)
    return db.get(Learner, row.learner_id)
