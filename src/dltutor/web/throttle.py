"""Rate limits on signing in and up, with the `limits` library: per account and per client
address, in memory, or in Redis when DLTUTOR_REDIS_URL is set (so that replicas share them).

Each limit is a ladder of windows ("5/minute;20/hour;50/day"): a few mistakes cost a minute's
wait, many cost an hour, more a day, so a guesser backs off further the longer it goes on.
Only failed sign-ins count against an account (a learner who signs in often is not slowed), and
a locked account is refused before its password is checked: the check (argon2, 64 MiB) is what
an attacker spends our memory on. Every attempt counts against the client's address.

The trade-off of per-account limits: someone who knows a username can keep its owner out for a
while by failing on purpose. The address limits are generous (a class behind one NAT address
signs up together); the account ladder is what stops password guessing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from dltutor.config import Settings
from dltutor.store.models import Learner
from dltutor.tutor.accounts import AccountError, sign_in, sign_up


class Throttled(Exception):
    """Too many attempts: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; try again in {retry_after} s")
        self.retry_after = retry_after


def storage_uri(settings: Settings) -> str:
    return settings.redis_url or "memory://"


@dataclass
class Rule:
    name: str
    items: list[RateLimitItem]


class Throttle:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.storage = storage or storage_from_string(storage_uri(settings))
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.signin_account = Rule("signin-account", parse_many(settings.signin_limit_account))
        self.signin_address = Rule("signin-address", parse_many(settings.signin_limit_address))
        self.signup_address = Rule("signup-address", parse_many(settings.signup_limit_address))

    def hit(self, rule: Rule, key: str) -> None:
        """Count an attempt; Throttled if one of the rule's windows is full."""
        for item in rule.items:
            if not self.limiter.hit(item, rule.name, key):
                raise Throttled(self._wait(item, rule.name, key))

    def check(self, rule: Rule, key: str) -> None:
        """Throttled if the next attempt would be over a window (counts nothing)."""
        for item in rule.items:
            if not self.limiter.test(item, rule.name, key):
                raise Throttled(self._wait(item, rule.name, key))

    def clear(self, rule: Rule, key: str) -> None:
        for item in rule.items:
            self.limiter.clear(item, rule.name, key)

    def _wait(self, item: RateLimitItem, *ids: str) -> int:
        reset = self.limiter.get_window_stats(item, *ids).reset_time
        return max(1, int(reset - time.time()) + 1)


def address(request: Request) -> str:
    """The client's address (the real one behind a trusted proxy: see web/security.py)."""
    return request.client.host if request.client else "unknown"


def throttled_sign_in(
    db: Session, throttle: Throttle, *, address: str, username: str, password: str
) -> Learner:
    """`sign_in` behind the limits: the address's, then the account's (checked before the
    password, counted only when it is wrong)."""
    throttle.hit(throttle.signin_address, address)
    account = username.strip().lower()
    throttle.check(throttle.signin_account, account)
    try:
        learner = sign_in(db, username=username, password=password)
    except AccountError as e:
        if e.key == "err.sign_in":
            try:
                throttle.hit(throttle.signin_account, account)
            except Throttled:
                pass  # this attempt is answered as wrong; the next one waits
        raise
    throttle.clear(throttle.signin_account, account)
    return learner


def throttled_sign_up(
    db: Session, throttle: Throttle, *, address: str, **fields: object
) -> Learner:
    """`sign_up` behind the address's limit (which also bounds guessing class codes)."""
    throttle.hit(throttle.signup_address, address)
    return sign_up(db, **fields)  # type: ignore[arg-type]
