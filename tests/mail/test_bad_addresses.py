"""One bad row cannot stop the mail: non-ASCII addresses, crashing rows, expired claims."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import select, update

from coordinator.extensions import db
from coordinator.mail import dispatch as dispatching
from coordinator.mail import transport
from coordinator.mail.compose import message_id
from coordinator.mail.dispatch import MAX_ATTEMPTS, claim, dispatch
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import Envelope, Outgoing, enqueue
from coordinator.mail.transport import envelope_address
from coordinator.models import OutboxMessage, OutboxState
from tests.conftest import NOW, use_smtp
from tests.smtp import SmtpServer

ORDINARY = 100
LOCAL_UTF8 = "josé@example.org"  # needs SMTPUTF8 (RFC 6531)
IDN_DOMAIN = "user@exämple.org"  # an internationalised domain: sent as its A-label


def queue(recipients: list[str]) -> None:
    for n, to in enumerate(recipients):
        key = f"test:{n}"
        message = EmailMessage()
        message["From"] = "coordinator@coordinator.test"
        message["To"], message["Subject"] = to, f"Message {n}"
        message["Message-ID"] = message_id(key)
        message.set_content("Reyinyon — reunión\n")
        enqueue(db.session, Outgoing(Envelope(key, MailKind.DIGEST, to, "en"), message), NOW)
    db.session.commit()


def rows() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {r.recipient: r for r in db.session.scalars(select(OutboxMessage))}


@pytest.fixture(params=[True, False], ids=["smtputf8", "ascii-only"])
def server(request: pytest.FixtureRequest, seeded: Flask) -> Iterator[SmtpServer]:
    smtp = SmtpServer(smtputf8=request.param).start()
    use_smtp(seeded, smtp)
    yield smtp
    smtp.stop()


def test_envelope_addresses_take_a_labels_and_say_when_utf8_is_needed() -> None:
    assert envelope_address("user@exämple.org") == ("user@xn--exmple-cua.org", False)
    assert envelope_address("josé@example.org") == ("josé@example.org", True)
    assert envelope_address("ana@example.org") == ("ana@example.org", False)


def test_non_ascii_recipients_never_hold_back_the_others(server: SmtpServer) -> None:
    poison = [LOCAL_UTF8, IDN_DOMAIN]
    # The bad rows come first, as they did when they jammed every batch.
    queue([*poison, *(f"person{n}@cso.example" for n in range(ORDINARY))])
    result = dispatch(NOW)  # one dispatch cycle
    received = server.wait_for(ORDINARY + (2 if server.smtputf8 else 1))
    delivered = Counter(r for message in received for r in message.recipients)
    assert all(delivered[f"person{n}@cso.example"] == 1 for n in range(ORDINARY))
    assert delivered["user@xn--exmple-cua.org"] == 1
    found = rows()
    assert {r.state for r in found.values()} <= {OutboxState.SENT, OutboxState.FAILED}
    if server.smtputf8:
        assert delivered[LOCAL_UTF8] == 1 and result.sent == ORDINARY + 2
    else:
        refused = found[LOCAL_UTF8]
        assert refused.state == OutboxState.FAILED and result.failed == 1
        assert "SMTPUTF8" in (refused.last_error or "")
        assert result.sent == ORDINARY + 1


def test_a_row_that_crashes_the_sender_is_marked_alone(server: SmtpServer, monkeypatch) -> None:
    queue(["crash@cso.example", *(f"person{n}@cso.example" for n in range(10))])
    real_send = transport.SmtpChannel.send

    def send(self, message):  # type: ignore[no-untyped-def]
        if message.recipient == "crash@cso.example":
            raise RuntimeError("something nobody expected")
        return real_send(self, message)

    monkeypatch.setattr(transport.SmtpChannel, "send", send)
    result = dispatch(NOW)
    assert result.sent == 10 and result.retried == 1
    server.wait_for(10)
    crashed = rows()["crash@cso.example"]
    assert crashed.state == OutboxState.QUEUED and crashed.attempts == 1
    assert "RuntimeError" in (crashed.last_error or "")
    assert crashed.next_attempt_at > NOW


def test_a_claim_that_keeps_expiring_counts_and_ends_failed(seeded: Flask) -> None:
    queue(["stuck@cso.example", "fine@cso.example"])
    claimed = claim(NOW, 10)
    assert len(claimed) == 2
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.recipient == "fine@cso.example").values(attempts=0))
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.recipient == "stuck@cso.example").values(attempts=MAX_ATTEMPTS - 1))
    db.session.commit()
    # The dispatcher died holding both; after the lease each expired claim is an attempt.
    later = NOW + dispatching.CLAIM_LEASE + timedelta(seconds=1)
    again = claim(later, 10)
    found = rows()
    assert found["stuck@cso.example"].state == OutboxState.FAILED
    assert "claim" in (found["stuck@cso.example"].last_error or "")
    assert found["fine@cso.example"].attempts == 1
    assert [r[1] for r in again] == ["fine@cso.example"]
