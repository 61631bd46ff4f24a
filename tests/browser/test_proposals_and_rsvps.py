"""In a real browser (issue 14 items 1 and 2): a committee coordinator gets the mail of a
new written proposal, considers, answers and puts it on the next briefing's agenda while
the proposer's mails follow each step; a coordinator sees who needs interpretation into
Kreyòl and downloads the CSV. Everything on the real clock (the server's), so any day."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from coordinator.agendas.proposals import proposal_link
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.invitations.rsvp import answer_invitation
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AgendaItem, Committee, Invitation, Proposal, ProposalState, Role
from coordinator.unit import Actor
from tests.smtp import Received, SmtpServer
from tests.suggestions.helpers import plain_text
from tests.support.browser import both_widths, log_in
from tests.support.dates import safe_first_date
from tests.support.organisations import approved_contact
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def mail_to(smtp: SmtpServer, address: str, count: int) -> list[Received]:
    """Send what is due, then the first `count` mails that reached `address`."""
    dispatch(datetime.now(UTC))
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while datetime.now(UTC) < deadline:
        mine = [r for r in smtp.received if r.recipients == [address]]
        if len(mine) >= count:
            return mine
        smtp.wait_for(len(smtp.received) + 1, timeout=0.5)
    raise AssertionError(f"{address} got {len(mine)} mails, not {count}")


def test_a_committee_coordinator_takes_a_proposal_from_mail_to_agenda(live, page,
                                                                      mailed) -> None:
    now = datetime.now(UTC)
    make_account(Role.COMMITTEE_COORDINATOR, email="marie@gob.example",
                 committee="labor-mobility", name="Marie Desrosiers")
    committee = db.session.scalars(select(Committee).where(
        Committee.slug == "labor-mobility")).one()
    first = safe_first_date()
    schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee="labor-mobility",
                                first_date=first, start_time=time(10),
                                zone="America/Mexico_City"), now=now, actor=Actor.cli())
    ana = approved_contact("Red de Acogida", "Ana Ixcot", "ana@cso.example")

    # The proposer writes through their personal link.
    page.goto(proposal_link(ana, committee))
    page.locator("#title").fill("Ferias de empleo para retornados")
    page.locator("#body").fill("Proponemos ferias de empleo en los puntos de retorno.")
    page.locator("form button[type=submit]").click()
    page.locator("p[role=status]").wait_for()
    proposer = mail_to(mailed, "ana@cso.example", 1)

    # The coordinator is told, and follows the mailed link to the inbox.
    told = mail_to(mailed, "marie@gob.example", 1)[0]
    text = plain_text(told)
    assert "Ferias de empleo para retornados" in text and "Red de Acogida" in text
    found = re.search(r"(http://127\.0\.0\.1:\d+/workspace/proposals\?lang=\w+#proposal-\d+)", text)
    assert found is not None, text
    log_in(page, live, "marie@gob.example")
    assert "Written proposals waiting" in page.content()
    both_widths(page, "dashboard-proposal-waiting")
    page.goto(found.group(1))
    card = page.locator("article#" + found.group(1).rsplit("#", 1)[1])
    card.get_by_text("Ferias de empleo para retornados").wait_for()
    both_widths(page, "inbox")

    card.get_by_role("button", name="Under consideration").click()
    page.get_by_text("The proposer is told that the proposal is under consideration.").wait_for()
    proposer = mail_to(mailed, "ana@cso.example", 2)

    card = page.locator("article[id^=proposal-]").first
    card.locator("textarea[name=answer]").fill("Lo presentaremos al Ministerio de Trabajo.")
    card.get_by_role("button", name="Send the answer").click()
    page.get_by_text("The answer is sent to the proposer and published.").wait_for()
    proposer = mail_to(mailed, "ana@cso.example", 3)

    card = page.locator("article[id^=proposal-]").first
    card.get_by_role("button", name="Put on the briefing's agenda").click()
    page.get_by_text("The proposal is on the agenda draft; the proposer is told.").wait_for()
    both_widths(page, "inbox-on-agenda")
    proposer = mail_to(mailed, "ana@cso.example", 4)

    texts = [plain_text(m) for m in proposer]
    assert "Ferias de empleo para retornados" in texts[0]
    assert "Estado: En consideración" in texts[1]  # in the proposer's language
    assert "Lo presentaremos al Ministerio de Trabajo." in texts[2]
    assert str(first.year) in texts[3]  # the briefing's date
    db.session.expire_all()
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.state == ProposalState.ON_AGENDA
    item = db.session.scalars(select(AgendaItem).where(
        AgendaItem.proposal_id == proposal.id)).one()
    assert item.meeting_id == proposal.meeting_id
    page.goto(f"{live}/workspace/")
    assert "Written proposals waiting" not in page.content()


def test_a_coordinator_sees_who_needs_kreyol_and_downloads_the_csv(live, page) -> None:
    now = datetime.now(UTC)
    make_account(Role.SPECIAL_COORDINATOR, email="ht@gob.example", country="HT",
                 name="Coordonnatrice HT")
    # A meeting 14 days ahead: inside the invitation window and the 30-day notice.
    soon = (now + timedelta(days=14)).date()
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="HT", first_date=soon, start_time=time(10),
        zone="America/Port-au-Prince", rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=1",
        allow_weekends=True), now=now, actor=Actor.cli())
    wilner = approved_contact("Rezo Fanm", "Wilner Jean", "wilner@cso.example",
                              language="ht", zone="America/Port-au-Prince")
    nadege = approved_contact("Kolektif Nò", "Nadège Pierre", "nadege@cso.example",
                              language="fr", zone="America/Port-au-Prince")
    for contact in (wilner, nadege):
        add_participant(now=now, actor=Actor.cli(), series_id=series.id,
                        organisation_id=contact.organisation_id)
    db.session.expire_all()
    invitations = {i.contact.email: i for i in db.session.scalars(select(Invitation))}
    assert set(invitations) == {"wilner@cso.example", "nadege@cso.example"}
    answer_invitation(invitations["wilner@cso.example"], answer="accepted", speaks="ht",
                      interpretation_into="ht", now=now)
    answer_invitation(invitations["nadege@cso.example"], answer="tentative", speaks="fr",
                      interpretation_into="ht", now=now)
    meeting_id = invitations["wilner@cso.example"].meeting_id

    log_in(page, live, "ht@gob.example")
    notice = page.get_by_role("link", name=re.compile(
        r"Interpretation into Kreyòl ayisyen needed for .* \(2 people\)"))
    notice.wait_for()
    both_widths(page, "dashboard-interpretation")
    notice.click()
    page.wait_for_url(f"{live}/workspace/meetings/{meeting_id}/rsvps")
    page.get_by_text("Into Kreyòl ayisyen: 2 people").wait_for()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "Wilner Jean" in rows.first.inner_text()  # "yes" before "maybe"
    both_widths(page, "rsvps")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as CSV (spreadsheet)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r[1], r[4], r[6]) for r in table[1:]] == [
        ("Wilner Jean", "Yes", "Kreyòl ayisyen"), ("Nadège Pierre", "Maybe", "Kreyòl ayisyen")]
