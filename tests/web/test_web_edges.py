"""Edges found in review: crafted query strings, odd numbers, lock-outs, demo passwords."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
import time_machine

from coordinator.cadence.kinds import SeriesKind
from coordinator.demo import load_demo
from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Account, Committee, Participant, ParticipantRole, Role
from coordinator.people.committees import designate_representative
from coordinator.unit import Actor
from tests.web.people import PASSWORD, csrf_of, log_in, make_account
from tests.web.test_workspace import approved_contact, gt_series, post

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_language_links_survive_crafted_query_strings(seeded) -> None:
    meeting = gt_series().meetings[0]
    client = seeded.test_client()
    for path in ("/tracker?_method=POST", f"/meetings/{meeting.id}?meeting_id=999",
                 "/?_external=1&country=GT", "/register/confirm/x?token=y", "/nowhere?a=b"):
        answer = client.get(path)
        assert answer.status_code in (200, 404, 410), (path, answer.status_code)
        links = re.findall(r'href="([^"]*lang=ht[^"]*)"', answer.get_data(as_text=True))
        assert links and not any(link.startswith("http") for link in links), (path, links)
    home = client.get("/?country=GT").get_data(as_text=True)
    assert re.search(r'href="/\?[^"]*country=GT[^"]*lang=ht"', home.replace("&amp;", "&"))


@time_machine.travel(NOW, tick=False)
def test_odd_numbers_are_refused_not_crashed_on(seeded) -> None:
    series = gt_series()
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = seeded.test_client()
    log_in(client, "sec@example.org")
    assert client.get("/workspace/outbox?page=²").status_code == 200
    assert client.get("/workspace/outbox?page=99999999999999999999").status_code == 200
    committee = db.session.scalar(sa.select(Committee.id))
    for value in ("²", "99999999999999999999", "-1", ""):
        assert post(client, f"/workspace/committees/{committee}/representative",
                    contact=value).status_code == 422, value
        assert post(client, f"/workspace/series/{series.id}/participants",
                    organisation=value).status_code == 422, value


@time_machine.travel(NOW, tick=False)
def test_form_limits_reach_the_browser(seeded) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = seeded.test_client()
    log_in(client, "sec@example.org")
    page = client.get("/workspace/series/new").get_data(as_text=True)
    assert 'maxlength="200"' in page and "&#34;" not in page


@time_machine.travel(NOW, tick=False)
def test_a_strangers_guesses_do_not_lock_the_owner_out(seeded) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    attacker = seeded.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    codes = [attacker.post("/login", data={"email": "sec@example.org", "password": "guess",
                                           "csrf_token": csrf_of(attacker)}).status_code
             for _ in range(12)]
    assert codes[0] == 401 and codes[-1] == 429
    owner = seeded.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    answer = owner.post("/login", data={"email": "sec@example.org", "password": PASSWORD,
                                        "csrf_token": csrf_of(owner)})
    assert answer.status_code == 302


@time_machine.travel(NOW, tick=False)
def test_a_new_representative_replaces_the_old_one_in_every_briefing(seeded, mailed) -> None:
    committee = db.session.scalar(sa.select(Committee).order_by(Committee.id))
    schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee=committee.slug,
                                first_date=date(2027, 1, 20), start_time=time(9),
                                zone="America/New_York"), now=NOW, actor=Actor.cli())
    first = approved_contact("Rosa", "rosa@example.org")
    second = approved_contact("Jean", "jean@example.org")
    designate_representative(committee.id, first.id, now=NOW, actor=Actor.cli())
    designate_representative(committee.id, second.id, now=NOW, actor=Actor.cli())
    holders = db.session.scalars(sa.select(Participant.contact_id).where(
        Participant.role == ParticipantRole.REPRESENTATIVE)).all()
    assert holders == [second.id]
    dispatch(NOW)
    cancelled = [r.recipients for r in mailed.wait_for(5)
                 if "METHOD:CANCEL" in r.message.as_string()]
    assert cancelled == [["rosa@example.org"]]


def test_demo_accounts_get_a_password_only_on_this_machine(seeded) -> None:
    from coordinator.reference.services import seed_reference

    seed_reference(now=NOW)
    seeded.config["BASE_URL"] = "https://coordinator.test"
    load_demo(now=NOW)
    assert db.session.scalar(sa.select(sa.func.count(Account.id)).where(
        Account.password_hash.is_not(None))) == 0
    from coordinator.demo import demo_password_allowed

    for base, allowed in (("http://127.0.0.1:5000", True), ("http://localhost:8000", True),
                          ("https://calendar.example.org", False)):
        seeded.config["BASE_URL"] = base
        assert demo_password_allowed() is allowed
