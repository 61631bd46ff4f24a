"""Strangers cannot use the service to flood an address: one link per quarter hour, a few a
day, for every mail anyone can ask for on someone else's behalf."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from coordinator.accounts.services import request_password_reset
from coordinator.extensions import db
from coordinator.feeds.tokens import request_feed_link
from coordinator.mail.outbox import STRANGER_DAILY
from coordinator.models import (
    Contact,
    Organisation,
    OutboxMessage,
    RegistrationState,
    Role,
    Scope,
)
from tests.conftest import NOW
from tests.web.people import make_account


def approved_contact() -> Contact:
    organisation = Organisation(name="Red GT", scope=Scope.NATIONAL, kinds=[], led_by=[],
                                registration_state=RegistrationState.APPROVED, created_at=NOW)
    contact = Contact(organisation=organisation, name="Ana", email="ana@cso.example",
                      language="es", zone="America/Guatemala", created_at=NOW)
    db.session.add_all([organisation, contact])
    db.session.commit()
    return contact


def mails(kind: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == kind)) or 0


@pytest.mark.parametrize(("kind", "ask"), [
    ("password-link", lambda now: request_password_reset("Sec@Example.org", now=now)),
    ("feed-link", lambda now: request_feed_link("ana@cso.example", now=now)),
])
def test_asking_again_and_again_sends_one_link_per_quarter_hour_and_few_a_day(
        seeded: Flask, kind: str, ask: Callable) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    approved_contact()
    for second in range(70):  # the reported flood: 70 requests in a few seconds
        ask(NOW + timedelta(seconds=second / 4))
    assert mails(kind) == 1
    ask(NOW + timedelta(minutes=16))
    assert mails(kind) == 2
    for hour in range(1, 12):
        ask(NOW + timedelta(hours=hour))
    assert mails(kind) == STRANGER_DAILY
    ask(NOW + timedelta(days=1, minutes=20))
    assert mails(kind) == STRANGER_DAILY + 1
