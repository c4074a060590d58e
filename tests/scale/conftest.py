"""Scale-out fixtures: a real Redis (scripts/with-redis.sh; PostgreSQL comes from
tests/conftest.py's fresh_database), both started by `make test`; tests skip, saying why,
without them."""

from __future__ import annotations

import os

import pytest

REDIS = os.environ.get("DLTUTOR_TEST_REDIS_URL")


@pytest.fixture
def redis_url() -> str:
    if not REDIS:
        pytest.skip("no Redis server (DLTUTOR_TEST_REDIS_URL unset); `make test` starts one")
    return REDIS
