"""Behind the README's reverse proxy, rate limits key on each real client."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask

from coordinator import create_app
from coordinator.models import Role
from tests.conftest import _test_config
from tests.web.people import PASSWORD, csrf_of, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.fixture
def proxied(seeded: Flask, tmp_path: Path) -> Flask:
    """The same database, served as production is: one trusted proxy in front."""
    config = {**_test_config(seeded.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
              "TRUSTED_PROXIES": 1}
    return create_app(config)


def client_from(app: Flask, address: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # every request comes from the proxy
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


@time_machine.travel(NOW, tick=False)
def test_a_flood_through_the_proxy_locks_out_neither_another_client_nor_the_owner(
        seeded: Flask, proxied: Flask) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    attacker = client_from(proxied, "203.0.113.9")
    codes = [attacker.post("/login", data={"email": "sec@example.org", "password": "guess",
                                           "csrf_token": csrf_of(attacker)}).status_code
             for _ in range(12)]
    assert codes[0] == 401 and codes[-1] == 429
    owner = client_from(proxied, "198.51.100.7")
    answer = owner.post("/login", data={"email": "sec@example.org", "password": PASSWORD,
                                        "csrf_token": csrf_of(owner)})
    assert answer.status_code == 302
    stranger = client_from(proxied, "192.0.2.44")
    assert stranger.post("/login", data={"email": "other@example.org", "password": "x",
                                         "csrf_token": csrf_of(stranger)}).status_code == 401
    # A forged header from the client itself is one hop too many: the proxy's view wins.
    forged = proxied.test_client()
    forged.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    forged.environ_base["HTTP_X_FORWARDED_FOR"] = "10.9.9.9, 203.0.113.9"
    assert forged.post("/login", data={"email": "sec@example.org", "password": "guess",
                                       "csrf_token": csrf_of(forged)}).status_code == 429
