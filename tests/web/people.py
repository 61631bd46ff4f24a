"""Accounts and log-ins for web tests, through the real log-in form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Account, Committee, Country, Role

PASSWORD = "a long test passphrase"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# The test apps' argon2 cost (a fraction of a millisecond, against a fifth of a second):
# every log-in of every test checks a password. The production cost is the default.
HASH_PARAMETERS = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
_hash = PasswordHasher(**HASH_PARAMETERS).hash(PASSWORD)


def make_account(role: Role, *, email: str, country: str | None = None,
                 committee: str | None = None, name: str = "Test Person") -> Account:
    account = Account(
        email=email, name=name, role=role, created_at=datetime(2026, 1, 1, tzinfo=UTC),
        password_hash=_hash, language="en", zone="UTC",
        country=db.session.scalar(select(Country).where(Country.iso == country))
        if country else None,
        committee=db.session.scalar(select(Committee).where(Committee.slug == committee))
        if committee else None)
    db.session.add(account)
    db.session.commit()
    return account


def csrf_of(client, path: str = "/login") -> str:  # type: ignore[no-untyped-def]
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found is not None, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_of(client)})
    assert response.status_code == 302, (response.status_code,
                                         response.get_data(as_text=True)[-1500:])
    return response
