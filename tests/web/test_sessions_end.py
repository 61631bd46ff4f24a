"""Log-out, closing and reopening an account end every session it had, on every device."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from flask import Flask

from coordinator.accounts.api_tokens import create_token
from coordinator.accounts.services import set_active
from coordinator.models import Role
from coordinator.unit import Actor
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def copy_of(app: Flask, client):  # type: ignore[no-untyped-def]
    """Another browser holding the same cookies (a copied session or remember-me)."""
    thief = app.test_client()
    for cookie in client._cookies.values():  # the test client keeps its jar private
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


@time_machine.travel(NOW, tick=False)
def test_log_out_ends_a_copied_session_too(seeded: Flask) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = seeded.test_client()
    log_in(client, "sec@example.org")
    laptop = seeded.test_client()
    log_in(laptop, "sec@example.org")
    thief = copy_of(seeded, client)
    assert thief.get("/workspace/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client, "/workspace/")})
    assert thief.get("/workspace/").status_code == 302  # back to the log-in page
    assert laptop.get("/workspace/").status_code == 302  # log-out is everywhere


@time_machine.travel(NOW, tick=False)
def test_closing_and_reopening_bring_back_no_session_and_no_token(seeded: Flask) -> None:
    make_account(Role.SECRETARIAT, email="boss@example.org")
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    thief = copy_of(seeded, client)
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/series/1/participants", headers=auth).status_code in (200, 404)
    set_active(account.id, False, now=NOW, actor=Actor.cli())
    set_active(account.id, True, now=NOW, actor=Actor.cli())
    assert client.get("/workspace/").status_code == 302
    assert thief.get("/workspace/").status_code == 302
    assert client.get("/api/v1/series/1/participants", headers=auth).status_code == 401
