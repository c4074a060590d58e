"""Scale-out fixtures: a real Redis (scripts/with-redis.sh) and a real PostgreSQL
(scripts/with-postgres.sh), both started by `make test`; the tests skip and say why without."""

from __future__ import annotations

import os

import pytest

REDIS = os.environ.get("DLTUTOR_TEST_REDIS_URL")
PG = os.environ.get("DLTUTOR_TEST_POSTGRES_URL")


@pytest.fixture
def redis_url() -> str:
    if not REDIS:
        pytest.skip("no Redis server (DLTUTOR_TEST_REDIS_URL unset); `make test` starts one")
    return REDIS
