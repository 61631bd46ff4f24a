"""Every kind of personal link gets the same answer for the same problem (coordinator/links.py):
forged 404, expired 410, replaced 410, gone 410, all on one page that says what happened;
a GET through any personal link changes nothing; links already mailed keep working.
On SQLite and PostgreSQL, with the clock frozen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from coordinator.accounts.services import set_password
from coordinator.agendas.suggestions import submit_suggestion
from coordinator.extensions import db, limiter
from coordinator.links import KINDS, STATUS, Outcome, PersonalLink
from coordinator.meetings.services import cancel_meeting
from coordinator.models import Account, Committee, Contact, Invitation, RegistrationState, Role
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.support.calls import open_call
from tests.support.database import snapshot
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, make_account

HEADINGS = {Outcome.FORGED: "This link is not valid", Outcome.EXPIRED: "This link has expired",
            Outcome.REPLACED: "This link has been replaced",
            Outcome.GONE: "This link no longer works"}
MAIN = re.compile(r"<main[^>]*>(.*)</main>", re.S)


@pytest.fixture
def links(seeded: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, dict[str, Any]]]:
    """The payload of one genuine, working link of every kind, by purpose."""
    monkeypatch.setattr(limiter, "enabled", False)
    with time_machine.travel(NOW, tick=False):
        make_world(NOW, first=date(2026, 12, 28))  # suggestions open 16 Nov to 7 Dec
        invitation = db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).first()
        contact = db.session.scalars(sa.select(Contact).order_by(Contact.id)).first()
        committee = db.session.scalars(sa.select(Committee).order_by(Committee.id)).first()
        assert invitation is not None and contact is not None and committee is not None
        suggestion = submit_suggestion(invitation, form_key="k1", title="Ferias", description="",
                                       link=None, language="es", minutes=10, show_name=False,
                                       now=NOW)
        applicant = approved_contact("Red Nueva", "Nadia Ruiz", "nueva@cso.example")
        applicant.organisation.registration_state = RegistrationState.PENDING  # unconfirmed
        db.session.commit()
        account = make_account(Role.SECRETARIAT, email="sec@example.org")
        commitment = create_commitment(text="Abrir tres albergues", responsible=Responsible("GT"),
                                       pillar="I", start_on=date(2026, 1, 1),
                                       target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli())
        yield {
            "suggest": {"i": invitation.id, "v": invitation.suggest_version},
            "suggestion": {"s": suggestion.id},
            "rsvp": {"i": invitation.id, "v": invitation.token_version},
            "propose": {"c": contact.id, "m": committee.id},
            "feed-manage": {"c": contact.id, "o": contact.organisation_id},
            "registration": {"o": applicant.organisation_id, "c": applicant.id},
            "password": {"a": account.id, "e": 0, "s": True},
            "preferences": {"c": contact.id, "v": 0},
            "contribute": {"c": contact.id, "k": commitment.id},
            "apply": {"c": contact.id, "k": open_call(NOW).id},
        }


def path(kind: PersonalLink[Any], token: str) -> str:
    return kind.path.format(token=token)


def page(answer: Any) -> str:
    found = MAIN.search(answer.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_the_policy_is_one_status_per_outcome() -> None:
    assert STATUS == {Outcome.FORGED: 404, Outcome.EXPIRED: 410, Outcome.REPLACED: 410,
                      Outcome.GONE: 410}


def test_every_kind_opens_its_page_and_links_already_mailed_keep_working(links,
                                                                         client) -> None:
    assert set(links) == set(KINDS)  # a new kind of link must be added to these tests
    secret = client.application.config["SECRET_KEY"]
    for purpose, payload in links.items():
        kind = KINDS[purpose]
        assert client.get(path(kind, kind.token(payload))).status_code == 200, purpose
        # Signed as the code before the one abstraction did: mails already sent still work.
        signer = URLSafeSerializer if kind.max_age is None else URLSafeTimedSerializer
        old = signer(secret, salt=f"coordinator:{purpose}").dumps(payload)
        assert client.get(path(kind, old)).status_code == 200, purpose


def test_a_forged_link_of_every_kind_gets_the_same_404_page(links, client) -> None:
    pages = set()
    for purpose, payload in links.items():
        kind = KINDS[purpose]
        genuine = kind.token(payload)
        other = next(k for k in KINDS.values()  # signed alike, for another purpose
                     if k is not kind and (k.max_age is None) == (kind.max_age is None))
        for forged in ("forged", genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
                       other.token(payload),  # genuine, but for another purpose
                       kind.token({"z": 1}),  # genuine signature, not our payload
                       kind.token({**payload, next(iter(kind.fields)): "1"}),
                       "x" * 600):
            answer = client.get(path(kind, forged))
            assert answer.status_code == 404, (purpose, forged)
            pages.add(page(answer))
    assert len(pages) == 1
    assert HEADINGS[Outcome.FORGED] in pages.pop()


def test_a_forged_link_is_refused_the_same_way_when_posted(links, client) -> None:
    csrf = csrf_of(client, "/register")
    posts = ["/suggest/forged", "/suggest/forged/renew", "/rsvp/forged", "/propose/forged",
             "/feeds/private/manage/forged", "/register/confirm/forged",
             "/register/confirm/forged/renew", "/password/forged", "/preferences/forged",
             "/contribute/forged"]
    answers = [client.post(p, data={"csrf_token": csrf, "answer": "accepted"}) for p in posts]
    assert [a.status_code for a in answers] == [404] * len(posts)
    assert len({page(a) for a in answers}) == 1


def _heading_and_reason(text: str) -> str:
    """The page without its offer of a fresh link (which depends on the kind)."""
    text = re.sub(r"<form.*?</form>|<p><a href=\"[^\"]*\">Ask for a new link</a></p>", "",
                  text, flags=re.S)
    return " ".join(text.split())


def test_an_expired_link_of_every_kind_gets_the_same_410_page(links, client) -> None:
    timed = {p for p, k in KINDS.items() if k.max_age is not None}
    assert timed == {"propose", "feed-manage", "registration", "password", "contribute"}
    # The others carry no time: the invitation's meeting, window or version bounds them.
    pages = set()
    for purpose in timed:
        kind, payload = KINDS[purpose], links[purpose]
        limit = kind.max_age(payload) if callable(kind.max_age) else kind.max_age
        assert limit is not None
        with time_machine.travel(NOW - timedelta(seconds=limit + 60), tick=False):
            token = kind.token(payload)
        with time_machine.travel(NOW, tick=False):
            answer = client.get(path(kind, token))
        assert answer.status_code == 410, purpose
        text = page(answer)
        assert HEADINGS[Outcome.EXPIRED] in text
        if kind.renewal is not None:
            assert f'action="{path(kind, token)}/renew"' in text, purpose
        else:
            assert "Ask for a new link" in text, purpose
        pages.add(_heading_and_reason(text))
    assert len(pages) == 1


def _replace(purpose: str, payload: dict[str, Any]) -> None:
    """Make a newer link of this kind, the way the service does."""
    if purpose == "password":
        account = db.session.get(Account, payload["a"])
        assert account is not None
        set_password(account, "another long passphrase", now=NOW)
        return
    if purpose == "preferences":  # the address changed hands
        contact = db.session.get(Contact, payload["c"])
        assert contact is not None
        contact.preferences_version += 1
        db.session.commit()
        return
    invitation = db.session.get(Invitation, payload["i"])
    assert invitation is not None
    if purpose == "suggest":
        invitation.suggest_version += 1
    else:
        invitation.token_version += 1
    db.session.commit()


def test_a_replaced_link_of_every_kind_gets_the_same_410_page(links, client) -> None:
    versioned = {p for p, k in KINDS.items() if k.version is not None}
    assert versioned == {"suggest", "rsvp", "password", "preferences"}
    pages = set()
    for purpose in sorted(versioned):
        kind = KINDS[purpose]
        old = path(kind, kind.token(links[purpose]))
        _replace(purpose, links[purpose])
        with time_machine.travel(NOW, tick=False):
            answer = client.get(old)
        assert answer.status_code == 410, purpose
        text = page(answer)
        assert HEADINGS[Outcome.REPLACED] in text
        pages.add(_heading_and_reason(text))
    assert len(pages) == 1
    # The topic link offers to mail the newest one (the window is open): a POST.
    suggest = KINDS["suggest"]
    stale = path(suggest, suggest.token(links["suggest"]))
    assert f'<form method="post" action="{stale}/renew">' in page(client.get(stale))


def test_a_link_to_something_gone_gets_the_same_410_page_for_every_kind(links,
                                                                        client) -> None:
    pages = set()
    for purpose, kind in KINDS.items():
        # Genuine, for records that do not exist (any more).
        payload = {k: True if t is bool else 999999 for k, t in kind.fields.items()}
        answer = client.get(path(kind, kind.token(payload)))
        assert answer.status_code == 410, purpose
        pages.add(page(answer))
    assert len(pages) == 1
    assert HEADINGS[Outcome.GONE] in pages.pop()


def test_a_cancelled_meeting_ends_its_topic_and_answer_links_with_the_reason(links,
                                                                           client) -> None:
    invitation = db.session.get(Invitation, links["rsvp"]["i"])
    assert invitation is not None
    with time_machine.travel(NOW, tick=False):
        cancel_meeting(invitation.meeting_id, now=NOW, actor=Actor.cli())
        for purpose in ("suggest", "rsvp"):
            kind = KINDS[purpose]
            payload = {**links[purpose], "v": links[purpose]["v"] + (purpose == "rsvp")}
            answer = client.get(path(kind, kind.token(payload)))
            assert answer.status_code == 410, purpose
            assert "This meeting is cancelled." in page(answer)


def _every_get(links: dict[str, dict[str, Any]]) -> list[str]:
    """Every personal-link page, working and refused, and the RSVP link with the answer
    chosen in the mail."""
    paths = []
    for purpose, payload in links.items():
        kind = KINDS[purpose]
        good = path(kind, kind.token(payload))
        paths += [good, good + "?lang=es", path(kind, "forged"),
                  path(kind, kind.token({k: True if t is bool else 999999
                                         for k, t in kind.fields.items()}))]
    rsvp = KINDS["rsvp"]
    paths += [path(rsvp, rsvp.token(links["rsvp"])) + f"?answer={a}"
              for a in ("accepted", "tentative", "declined")]
    return paths


def test_a_get_through_any_personal_link_changes_nothing(links, client) -> None:
    paths = _every_get(links)
    with time_machine.travel(NOW, tick=False):
        before = snapshot()
        for p in paths:
            assert client.get(p).status_code in (200, 404, 410), p
        # Expired ones too.
        for purpose in ("propose", "feed-manage", "registration", "password", "contribute"):
            kind = KINDS[purpose]
            with time_machine.travel(NOW - timedelta(days=100), tick=False):
                token = kind.token(links[purpose])
            assert client.get(path(kind, token)).status_code == 410
        assert snapshot() == before
    # The RSVP page shows the answer chosen in the mail, for the button to send.
    rsvp = KINDS["rsvp"]
    with time_machine.travel(NOW, tick=False):
        shown = client.get(path(rsvp, rsvp.token(links["rsvp"])) + "?answer=declined")
    assert re.search(r'value="declined"\s+checked', shown.get_data(as_text=True))
    invitation = db.session.get(Invitation, links["rsvp"]["i"])
    assert invitation is not None and invitation.answer.value == "needs-action"
