"""Every HTML form, found by crawling the pages as the secretariat and through every kind
of personal link, sent hostile values in every field it has (hidden ones too): NUL and
other C0 controls, bidi overrides, malformed URLs, ids past the integer range. Never a
server error; where refused, the database is unchanged. Forms with a one-time key sent
several times at once store one row. On SQLite and PostgreSQL.

The crawl must reach every POST route of the pages (`app.url_map`), so a new form is
covered the day it is added, or this test names it.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, time, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask

from coordinator.accounts.api_tokens import create_token
from coordinator.accounts.services import password_link
from coordinator.agendas.proposals import proposal_link, submit_proposal
from coordinator.agendas.services import add_item
from coordinator.agendas.suggestions import (
    decline_suggestion,
    status_link,
    submit_suggestion,
    suggest_link,
)
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db, limiter
from coordinator.feeds.tokens import manage_link
from coordinator.integrations.external_feeds import add_feed
from coordinator.invitations.messages import rsvp_token
from coordinator.links import preferences_url
from coordinator.meetings.hosts import set_host_country
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Invitation,
    OutboxMessage,
    OutboxState,
    Role,
)
from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.outcomes.contributions import contribution_link
from coordinator.outcomes.minutes import save_draft
from coordinator.people.registration import (
    confirm_registration,
    confirmation_link,
    register_organisation,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.support.database import snapshot
from tests.web.people import log_in, make_account
from tests.web.test_registration import VALID

HIDDEN = ["a\x00b", "\x07bell", "x\x1b[31m", "Mesa \u202enacional"]  # refused everywhere
MALFORMED = ["http://[::1", "http://[::1]:99999/", "9" * 40, "-1", "2147483648"]
KEEP = {"csrf_token", "form_key"}  # what a browser sends back as the page gave it
MAX_PAGES = 300
PER_ENDPOINT = 2  # pages of one kind (meeting, series...) look alike: two of each
# POST routes that are not forms on a page: a button that only ends the session.
NOT_FORMS = {"auth.logout"}


class Forms(HTMLParser):
    """The forms of a page (action, method, fields, submit buttons) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "button" or (tag == "input" and a.get("type") == "submit"):
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "input":
            self._form["fields"].setdefault(a["name"], (a.get("type", "text"), a.get("value", "")))
        elif tag == "textarea":
            self._form["fields"].setdefault(a["name"], ("textarea", ""))
        elif tag == "select":
            self._form["fields"].setdefault(a["name"], ("select", ""))
            self._select = a["name"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def world() -> dict[str, str]:
    """A service with something behind every form; the personal links to reach the rest."""
    built = make_world(NOW, first=date(2026, 12, 28))  # suggestions open 16 Nov to 7 Dec
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    make_account(Role.COMMITTEE_COORDINATOR, email="coord@example.org",
                 committee="labor-mobility")
    meeting = built.first
    invitation = db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).first()
    assert invitation is not None
    suggestion = submit_suggestion(
        invitation, form_key="k1", title="Ferias de empleo",
        description="Texto", link=None, language="es", minutes=10, show_name=True, now=NOW)
    # An outcome held for announcing together (no door sets the hold yet: issue 13).
    meeting.hold_outcomes = True
    db.session.commit()
    second = db.session.scalars(sa.select(Invitation).order_by(Invitation.id.desc())).first()
    held = submit_suggestion(
        second, form_key="k2", title="Visas",
        description="Texto", link=None, language="es", minutes=10, show_name=False, now=NOW)
    decline_suggestion(held.id, reason="Fuera de tema", now=NOW, actor=Actor.cli())
    for title in ("Informe", "Ferias"):  # two, so that items can be reordered
        add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="progress", title=title,
                 duration=10)
    # Minutes in draft and an action item, so their forms are crawled too.
    draft = save_draft(meeting.id, text="Acta", written_in="es", now=NOW, actor=Actor.cli())
    # A document on them: the forms to attach and remove documents are crawled too.
    from coordinator.documents.services import attach
    from tests.documents.samples import SAMPLES

    attach("minutes", draft.id, "acta.pdf", SAMPLES["pdf"], now=NOW, actor=Actor.cli())
    add_action_item(text="Informe", owner=Owner(country="GT"), due_on=date(2027, 1, 15),
                    meeting_id=meeting.id, now=NOW, actor=Actor.cli())
    contact = db.session.scalars(sa.select(Contact).order_by(Contact.id)).first()
    committee = db.session.scalars(sa.select(Committee).order_by(Committee.id)).first()
    submit_proposal(contact, committee, form_key="p1", title="Propuesta", body="Texto",
                    language="es", now=NOW)
    create_token(secretariat.id, "robot", now=NOW, actor=Actor.cli())
    add_feed(secretariat.id, "CRM", "https://calendar.example.org/crm.ics", now=NOW,
             actor=Actor.cli())
    # One registration confirmed (the secretariat decides it), one whose link expired.
    register_organisation(VALID, now=NOW)
    verified = db.session.scalars(sa.select(Contact).where(Contact.email == VALID["email"])
                                  ).one()
    confirm_registration(verified, now=NOW)
    late = NOW - timedelta(days=8)
    with time_machine.travel(late, tick=False):
        register_organisation({**VALID, "name": "Red Tardía", "email": "tarde@cso.example"},
                              now=late)
        pending = db.session.scalars(sa.select(Contact).where(
            Contact.email == "tarde@cso.example")).one()
        expired = confirmation_link(pending)
    register_organisation({**VALID, "name": "Red Nueva", "email": "nueva@cso.example"},
                          now=NOW)
    fresh = confirmation_link(db.session.scalars(sa.select(Contact).where(
        Contact.email == "nueva@cso.example")).one())
    # A suggestion link replaced by a newer one offers to mail the newest.
    replaced = suggest_link(invitation)
    invitation.suggest_version += 1
    failed = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert failed is not None
    failed.state, failed.attempts, failed.last_error = OutboxState.FAILED, 5, "550 no"
    db.session.commit()
    other = db.session.scalars(sa.select(Account).where(Account.email == "coord@example.org")
                               ).one()
    # A special coordinators' meeting with its convening country (its forms: the country,
    # the observers), and a meeting already held (the attendance register's form).
    special = schedule_series(SeriesInput(
        kind=SeriesKind.COORDINATORS, first_date=date(2027, 1, 20), start_time=time(11),
        zone="America/Panama", holiday_country=""), now=NOW, actor=Actor.cli())
    set_host_country(special.meetings[0].id, "GT", now=NOW, actor=Actor.cli())
    past = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="HN", first_date=date(2026, 9, 10),
        start_time=time(10), zone="America/Tegucigalpa"), now=NOW, actor=Actor.cli(),
        since=NOW - timedelta(days=90)).meetings[0]
    commitment = create_commitment(text="Abrir tres albergues", responsible=Responsible("GT"),
                                   pillar="I", start_on=date(2026, 1, 1),
                                   target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli())
    plans = _commitment_forms(commitment, contact)
    paths = {
        "suggest": suggest_link(invitation), "status": status_link(suggestion),
        "rsvp": f"/rsvp/{rsvp_token(invitation)}", "propose": proposal_link(contact, committee),
        "feed": manage_link(contact), "confirm": expired, "replaced": replaced,
        "fresh": fresh,
        "password": password_link(other, setup=False),
        "preferences": preferences_url(contact) or "",
        "special": f"/workspace/series/{special.id}",
        "series": f"/workspace/series/{built.series.id}",
        "attendance": f"/workspace/meetings/{past.id}/attendance",
        "contribute": contribution_link(contact, commitment), "ask": "/contribute/ask",
        "apply": _applied(contact),
        **plans,
    }
    return {name: urlsplit(url).path for name, url in paths.items()}


def _applied(contact) -> str:  # type: ignore[no-untyped-def]
    """The link of a contact whose organisation has applied to an open call: its page
    carries the application form and the withdraw button."""
    from coordinator.selection.applications import (
        ApplicationInput,
        application_link,
        submit_application,
    )
    from tests.support.calls import open_call

    call = open_call(NOW)
    submit_application(contact, call, ApplicationInput(
        motivation="Albergues.", attendees=[{"name": "Ana", "role": "Coordinadora"}]),
        form_key="corpus", now=NOW)
    return application_link(contact, call)


def _commitment_forms(commitment, contact) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Something behind each of the workspace's commitment forms: indicators of both kinds,
    a contribution waiting, and three regional meetings' joint work plans (none yet, one
    published, one in draft): the pages to start from."""
    from coordinator.outcomes.commitments import create_plan, publish_plan
    from coordinator.outcomes.contributions import submit_contribution
    from coordinator.outcomes.indicators import IndicatorSpec, add_indicator

    for spec in (IndicatorSpec(kind="quantitative", name="Personas", unit="people", baseline=1,
                               baseline_on=date(2026, 1, 1), target=5, direction="increase"),
                 IndicatorSpec(kind="qualitative", name="Calidad")):
        add_indicator(commitment.id, spec, now=NOW, actor=Actor.cli())
    submit_contribution(contact, commitment, kind="evidence", form_key="c1", text="Dato",
                        language="es", now=NOW)
    new, published, drafted = (schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=day, start_time=time(9), zone="America/Panama",
        duration_minutes=480, held_by=day, holiday_country=""), now=NOW, actor=Actor.cli(),
        since=NOW - timedelta(days=90)).meetings[0]
        for day in (date(2027, 3, 10), date(2026, 10, 14), date(2027, 3, 17)))
    plan = create_plan(published.id, title="Plan", commitment_ids=[commitment.id], now=NOW,
                       actor=Actor.cli())
    publish_plan(plan.id, now=NOW, actor=Actor.cli())
    create_plan(drafted.id, title="Plan", commitment_ids=[commitment.id], now=NOW,
                actor=Actor.cli())
    return {"commitment": f"/workspace/commitments/{commitment.id}",
            "contributions": "/workspace/contributions",
            "plan_new": f"/workspace/meetings/{new.id}/work-plan",
            "plan_published": f"/workspace/meetings/{published.id}/work-plan",
            "plan_draft": f"/workspace/meetings/{drafted.id}/work-plan/draft"}


def crawl(client, starts: list[str], *, follow: bool = True  # type: ignore[no-untyped-def]
          ) -> dict[str, list[tuple[str, dict, str]]]:
    """Every form reachable from `starts` (same site, bounded), by the endpoint it posts to."""
    found: dict[str, list[tuple[str, dict, str]]] = {}
    adapter = client.application.url_map.bind("coordinator.test")
    seen, queue, visits = set(), list(starts), Counter[str]()
    while queue and len(seen) < MAX_PAGES:
        page = queue.pop(0)
        try:
            endpoint = adapter.match(urlsplit(page).path, method="GET")[0]
        except Exception:
            endpoint = page
        if page in seen or visits[endpoint] >= PER_ENDPOINT:
            continue
        seen.add(page)
        visits[endpoint] += 1
        answer = client.get(page)
        assert answer.status_code < 500, (page, answer.status_code)
        if answer.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(answer.get_data(as_text=True))
        for href in parser.links if follow else ():
            target = urlsplit(urljoin(page, href))
            if (not target.netloc and target.path.startswith("/")
                    and not target.path.startswith(("/static", "/feeds/", "/logout"))
                    and not target.path.endswith((".ics", ".json", ".csv"))):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
        for form in parser.forms:
            action = urlsplit(urljoin(page, form["action"] or page)).path
            try:
                endpoint, _ = adapter.match(action, method="POST" if form["method"] == "post"
                                            else "GET")
            except Exception:
                pytest.fail(f"{page}: a form posts to {action}, which does not take it")
            found.setdefault(endpoint, []).append((action, form, page))
    return found


def crawl_page(client, page: str) -> dict[str, list[tuple[str, dict, str]]]:  # type: ignore[no-untyped-def]
    return crawl(client, [page], follow=False)


def filled(form: dict, value: str, *, buttons_too: bool = False) -> list[dict[str, str]]:
    """The form with `value` in every field but the keys, once per submit button (whose
    value is `value` too if `buttons_too`, with a field of the attacker's own added)."""
    data = {name: (kept if name in KEEP else value)
            for name, (_kind, kept) in form["fields"].items()}
    if buttons_too:
        data["extra"] = value
    return [{**data, **({name: value if buttons_too else pressed} if name else {})}
            for name, pressed in (form["buttons"] or [("", "")])]


def send(client, endpoint: str, action: str, form: dict, value: str, *,  # type: ignore[no-untyped-def]
         buttons_too: bool = False):
    for data in filled(form, value, buttons_too=buttons_too):
        if form["method"] == "post":
            answer = client.post(action, data=data)
        else:
            answer = client.get(action, query_string=data)
        assert answer.status_code < 500, (endpoint, action, repr(value), answer.status_code,
                                          answer.get_data(as_text=True)[-800:])


@pytest.fixture
def corpus(seeded: Flask, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limiter, "enabled", False)  # every form is sent many times here
    with time_machine.travel(NOW, tick=False):
        links = world()
        # A visitor first (the log-in form), then the secretariat, who sees every page.
        forms = crawl(seeded.test_client(), ["/", "/login", "/register", "/proposals",
                                             "/feeds/", "/password/forgot", *links.values()])
        client = seeded.test_client()
        log_in(client, "sec@example.org")
        for endpoint, instances in crawl(client, ["/workspace/", *links.values()]).items():
            forms.setdefault(endpoint, []).extend(instances)
        yield client, forms


def test_hidden_characters_in_any_field_of_any_form_are_refused_and_change_nothing(
        seeded: Flask, corpus) -> None:
    client, forms = corpus
    # The crawl found every form of the pages.
    posts = {rule.endpoint for rule in seeded.url_map.iter_rules()
             if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")}
    missing = sorted(posts - NOT_FORMS - set(forms))
    assert missing == [], missing
    with time_machine.travel(NOW, tick=False):
        before = snapshot()
        for endpoint, instances in sorted(forms.items()):
            if endpoint in NOT_FORMS:
                continue
            action, form, _page = instances[0]
            for value in HIDDEN:
                send(client, endpoint, action, form, value, buttons_too=True)
        after = snapshot()
        assert {t for t in after if after[t] != before[t]} == set()


def test_malformed_urls_and_huge_ids_in_any_field_are_field_errors(seeded: Flask,
                                                                    corpus) -> None:
    client, forms = corpus
    with time_machine.travel(NOW, tick=False):
        for endpoint, instances in sorted(forms.items()):
            if endpoint in NOT_FORMS:
                continue
            action, form, _page = instances[0]
            for value in MALFORMED:
                send(client, endpoint, action, form, value)
                # A form may legitimately act (a "-1" reason still cancels): keep the
                # secretariat able to go on, as a person would log in again.
                if client.get("/workspace/").status_code != 200:
                    account = db.session.scalars(sa.select(Account).where(
                        Account.email == "sec@example.org")).one()
                    account.active = True
                    db.session.commit()
                    log_in(client, "sec@example.org")


def at_once(seeded: Flask, calls: list) -> list[int]:  # type: ignore[type-arg]
    """Each call in its own thread (and so its own app context), released together."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        statuses[index] = calls[index]().status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


ONE_TIME_FORMS = ["suggest.page", "proposals.write", "registration.criteria",
                  "workspace.account_create", "contributions.write"]
VALUES = {"title": "Ferias de empleo", "description": "Texto", "body": "Texto largo",
          "language": "es", "minutes": "10", "name": "Red Otra", "email": "otra@cso.example",
          "contact_name": "Nora", "scope": "national", "countries": "GT", "languages": "es",
          "contact_language": "es", "zone": "America/Guatemala", "consent": "yes",
          "role": "secretariat", "text": "Pruebas de avance"}


def test_a_form_sent_four_times_at_once_stores_one_row(seeded: Flask, corpus) -> None:
    client, forms = corpus
    for endpoint in ONE_TIME_FORMS:
        _action, _form, page = forms[endpoint][0]
        # The page again, as this client sees it (its own CSRF token and one-time key).
        instances = crawl_page(client, page)[endpoint]
        action, form, _page = next((i for i in instances if "form_key" in i[1]["fields"]),
                                   instances[0])
        data = {name: (kept if name in KEEP or name not in VALUES else VALUES[name])
                for name, (_kind, kept) in form["fields"].items()}
        if form["buttons"]:  # the button that sends (a preview button would only show)
            data.setdefault(*next((b for b in form["buttons"] if b[1] in ("submit", "save")),
                                  form["buttons"][0]))
        clients = []
        for _ in range(4):  # four tabs of one browser: the same session and form
            twin = seeded.test_client()
            for cookie in ("session", "remember_token"):
                if (found := client.get_cookie(cookie)) is not None:
                    twin.set_cookie(cookie, found.value)
            clients.append(twin)
        with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
            before = snapshot_counts()
            statuses = at_once(seeded, [lambda c=c, a=action, d=data: c.post(a, data=d)
                                        for c in clients])
            assert all(s < 500 for s in statuses), (endpoint, statuses)
            after = snapshot_counts()
        grown = {table: after[table] - before[table] for table in after
                 if after[table] != before[table]}
        assert grown, (endpoint, statuses)  # the form did store something...
        assert set(grown.values()) == {1}, (endpoint, grown)  # ... once


def snapshot_counts() -> dict[str, int]:
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: connection.execute(sa.select(sa.func.count()).select_from(table)
                                               ).scalar_one()
                for table in db.metadata.sorted_tables
                if table.name not in ("outbox", "audit_entries", "data_versions")}
