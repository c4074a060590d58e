"""The sign-in limits in a real Redis: what one web process counts, every other one sees (in
memory, each process kept its own count, and N workers let N times the guesses through)."""

from __future__ import annotations

import uuid

import pytest

from dltutor.config import Settings
from dltutor.web.throttle import Throttle, Throttled


def test_failed_sign_ins_counted_by_one_worker_lock_the_account_on_another(
    redis_url: str,
) -> None:
    settings = Settings(redis_url=redis_url, signin_limit_account="3/minute")
    one, two = Throttle(settings), Throttle(settings)  # two web processes
    account = f"alice-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        one.hit(one.signin_account, account)
    with pytest.raises(Throttled) as locked:
        two.check(two.signin_account, account)
    assert 1 <= locked.value.retry_after <= 61
    two.clear(two.signin_account, account)  # a right password on either clears it for both
    one.check(one.signin_account, account)
