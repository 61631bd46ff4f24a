"""Asking for a link by address does the same work whether or not the address is known:
the request only queues it, and a job looks the address up and mails. Neither the time nor
the answer of the page tells a registered address from an unknown one."""

from __future__ import annotations

import re

import pytest
import time_machine
from sqlalchemy import event, func, select

from coordinator.extensions import db
from coordinator.link_requests.models import LinkRequest
from coordinator.link_requests.services import answer_link_requests
from coordinator.models import OutboxMessage, Role
from tests.conftest import NOW
from tests.mail.test_no_mail_bombs import approved_contact
from tests.web.people import csrf_of, make_account

FORMS = [  # (path, fields, the kind of mail a known address gets)
    ("/feeds/private/request", {}, "feed-link"),
    ("/proposals", {"committee": "labor-mobility"}, "proposal-link"),
    ("/password/forgot", {}, "password-link"),
]
CSRF_PAGE = {"/feeds/private/request": "/feeds", "/proposals": "/proposals",
             "/password/forgot": "/password/forgot"}
KNOWN = {"feed-link": "ana@cso.example", "proposal-link": "ana@cso.example",
         "password-link": "sec@example.org"}


def statements_of(app, send):  # type: ignore[no-untyped-def]
    """The SQL a request runs, with literal values masked: the shape of its work."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(re.sub(r"\d+", "N", statement))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = send()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return answer, seen


def mails(kind: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == kind)) or 0


@pytest.mark.parametrize(("path", "fields", "kind"), FORMS)
def test_a_known_and_an_unknown_address_cost_the_same_and_only_the_known_gets_mail(
        seeded, client, path: str, fields: dict, kind: str) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    approved_contact()
    with time_machine.travel(NOW, tick=False):
        csrf = csrf_of(client, CSRF_PAGE[path])

        def ask(address: str):  # type: ignore[no-untyped-def]
            return lambda: client.post(path, data={"csrf_token": csrf, "email": address,
                                                   **fields})

        known, known_sql = statements_of(seeded, ask(KNOWN[kind]))
        unknown, unknown_sql = statements_of(seeded, ask("nobody@cso.example"))
        assert known.status_code == unknown.status_code == 200
        assert known.get_data() == unknown.get_data().replace(b"nobody@cso.example",
                                                              KNOWN[kind].encode())
        assert known_sql == unknown_sql  # the same statements, in the same order
        assert mails(kind) == 0  # nothing looked up or mailed inside the request

        assert answer_link_requests(now=NOW) == 2
        assert mails(kind) == 1  # the known address, once; the unknown one, nothing
        # Strangers' addresses are not kept once answered.
        assert db.session.scalar(select(func.count(LinkRequest.id))) == 0
        assert answer_link_requests(now=NOW) == 0


def test_a_request_that_fails_is_logged_and_does_not_block_the_others(seeded, caplog,
                                                                      monkeypatch) -> None:
    import coordinator.link_requests.services as service

    approved_contact()
    calls: list[str] = []

    def flaky(address: str, *, now):  # type: ignore[no-untyped-def]
        calls.append(address)
        if address == "boom@cso.example":
            raise RuntimeError("lookup failed")
        return 0

    monkeypatch.setattr(service, "request_feed_link", flaky)
    for address in ("boom@cso.example", "ana@cso.example"):
        service.ask_for_link("feed-link", address, now=NOW)
    assert service.answer_link_requests(now=NOW) == 2
    assert calls == ["boom@cso.example", "ana@cso.example"]
    assert "could not be answered" in caplog.text
    assert db.session.scalar(select(func.count(LinkRequest.id))) == 0
