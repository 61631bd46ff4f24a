"""The shared rate-limit store for tests that start several processes: Redis on
127.0.0.1:6379, each test under a key prefix of its own (and cleaned up after)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

REDIS_URL = os.environ.get("COORDINATOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("COORDINATOR_REQUIRE_REDIS") == "1"


@pytest.fixture
def shared_limits() -> Iterator[dict[str, str]]:
    """Environment for served processes: limits counted in Redis under a fresh prefix."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if REQUIRE_REDIS:
            pytest.fail(f"Redis is required (COORDINATOR_REQUIRE_REDIS=1) but unreachable at "
                        f"{REDIS_URL}: {exc}", pytrace=False)
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"coordinator-test-{uuid.uuid4().hex[:12]}"
    yield {"COORDINATOR_RATELIMIT_STORAGE_URI": REDIS_URL,
           "COORDINATOR_RATELIMIT_KEY_PREFIX": prefix}
    for key in client.scan_iter(f"*{prefix}*", count=500):
        client.delete(key)
    client.close()
