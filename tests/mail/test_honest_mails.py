"""Honest mails (issue 14, item 7): a withdrawn invitation says so, an update says what
changed and why, a cancellation invites nobody to anything, and a topic taken off an
agenda stops being "on the agenda" everywhere, its proposer told."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, time, timedelta
from email.message import EmailMessage

import icalendar
import pytest
import time_machine
import vobject
from flask_babel import force_locale, gettext
from sqlalchemy import select

from coordinator.agendas.proposals import add_proposal_to_agenda, proposal_link
from coordinator.agendas.services import publish_agenda, remove_item
from coordinator.agendas.suggestions import accept_suggestion, status_link
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.i18n import local_time
from coordinator.invitations.messages import rsvp_links
from coordinator.invitations.participants import add_participant, remove_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.meetings.services import cancel_meeting, move_meeting
from coordinator.models import (
    AgendaItem,
    Contact,
    Invitation,
    MeetingStatus,
    OutboxMessage,
    Participant,
    Proposal,
    ProposalState,
    Suggestion,
    SuggestionState,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world

LANGUAGES = ("en", "es", "pt", "fr", "ht")
# "Cancelled" in the service's languages, for when the translations arrive.
CANCELLED = re.compile(r"cancel|annul|anile", re.IGNORECASE)
GUATEMALA = get_zone("America/Guatemala")


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(seeded, frozen):  # type: ignore[no-untyped-def]
    return make_world(NOW)


def said_in(language: str, message: str) -> str:
    """A template's sentence as the recipient reads it (their catalog, English otherwise)."""
    with force_locale(language):
        return gettext(message)


def parsed(row: OutboxMessage) -> EmailMessage:
    # As bytes: the parts travel as 8-bit UTF-8.
    return email.message_from_bytes(row.body.encode("utf-8"),  # type: ignore[return-value]
                                    policy=email.policy.default)


def part(message: EmailMessage, kind: str) -> str:
    found = [p for p in message.walk() if p.get_content_type() == kind]
    assert len(found) == 1, kind
    return str(found[0].get_content())


def words(message: EmailMessage) -> str:
    """What a person reads: the subject, the text and the HTML."""
    return "\n".join([str(message["Subject"]), part(message, "text/plain"),
                      part(message, "text/html")])


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def ics_lines(message: EmailMessage) -> list[str]:
    """The calendar part's content lines, unfolded (RFC 5545 3.1)."""
    return part(message, "text/calendar").replace("\r\n ", "").replace("\n ", "").splitlines()


# --- 1. a withdrawn invitation -------------------------------------------------------------

def _second_participant(world) -> Contact:  # type: ignore[no-untyped-def]
    """Someone invited in their own right, so the meeting still has participants."""
    other = Contact(name="Sofía Ramírez", email="sofia@other.example", language="es",
                    zone="America/Guatemala", created_at=NOW)
    world.organisation.contacts.append(other)  # an approved organisation's contact
    db.session.commit()
    add_participant(now=NOW, actor=Actor.cli(), series_id=world.series.id, contact_id=other.id)
    return other


def test_uninviting_an_organisation_withdraws_its_invitations_without_saying_cancelled(
        world) -> None:
    meeting = world.first
    requests = {m.recipient: parsed(m) for m in mails("invite")}
    assert set(requests) == {p[1] for p in PEOPLE}
    participant = db.session.scalars(select(Participant).where(
        Participant.organisation_id == world.organisation.id)).one()
    assert remove_participant(participant.id, now=NOW + timedelta(hours=1),
                              actor=Actor.cli()) == len(PEOPLE)

    withdrawn = {m.recipient: m for m in mails("invitation-withdrawn")}
    assert set(withdrawn) == {p[1] for p in PEOPLE}
    assert mails("cancel") == []  # the meeting is not cancelled ...
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.SCHEDULED  # ... and still stands
    for name, address, language, _zone in PEOPLE:
        row = withdrawn[address]
        assert row.language == language
        message = parsed(row)
        said = words(message)
        assert not CANCELLED.search(said), (language, said)
        assert said_in(language, "Your invitation to this meeting has been withdrawn:") in said
        assert said_in(language, "The meeting itself goes ahead as planned; you are no longer "
                       "on its list of participants, so it is removed from your calendar and "
                       "the answer links you received no longer work.").split(";")[0] in \
            part(message, "text/plain").replace("\r\n", " ").replace("\n", " ")
        assert "/rsvp/" not in said and "meet.example.org" not in said
        # iTIP: a CANCEL naming this attendee only (RFC 5546 3.2.5), STATUS left out.
        calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        assert calendar.get_param("method") == "CANCEL"
        raw = part(message, "text/calendar")
        lines = ics_lines(message)
        assert "METHOD:CANCEL" in lines
        attendees = [line for line in lines if line.startswith("ATTENDEE")]
        assert len(attendees) == 1 and attendees[0].endswith(f":mailto:{address}")
        assert not any(line.startswith("STATUS") for line in lines)
        assert "Suggest agenda topics" not in raw and "meet.example.org" not in raw
        cal = icalendar.Calendar.from_ical(raw)
        event = cal.walk("VEVENT")[0]
        assert str(cal["METHOD"]) == "CANCEL"
        attendee = event.get("ATTENDEE")
        assert not isinstance(attendee, list) and str(attendee) == f"mailto:{address}"
        assert "STATUS" not in event
        assert str(event["UID"]) == meeting.uid
        # The SEQUENCE they hold (a CANCEL at or above it is honoured), stamped later than
        # the REQUEST, so it supersedes it (RFC 5546 2.1.5).
        request = icalendar.Calendar.from_ical(part(requests[address], "text/calendar")) \
            .walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == int(request["SEQUENCE"]) == meeting.sequence
        assert event.decoded("DTSTAMP") > request.decoded("DTSTAMP")
        second = vobject.readOne(raw)  # an independent parser agrees
        assert second.method.value == "CANCEL"
        assert len(second.vevent.contents["attendee"]) == 1
        assert second.vevent.attendee.value == f"mailto:{address}"
        assert "status" not in second.vevent.contents
        assert name in attendees[0]  # CN: their own copy
    assert all(i.cancelled for i in db.session.scalars(select(Invitation)))


def test_only_the_uninvited_are_told_and_their_old_links_say_withdrawn(world, client) -> None:
    other = _second_participant(world)
    grace = db.session.scalars(select(Invitation).join(Contact).where(
        Contact.email == "grace@cso.example")).one()
    answer = rsvp_links(grace)["accepted"].removeprefix("https://coordinator.test")
    participant = db.session.scalars(select(Participant).where(
        Participant.organisation_id == world.organisation.id)).one()
    remove_participant(participant.id, now=NOW, actor=Actor.cli())
    told = {m.recipient for m in mails("invitation-withdrawn")}
    assert other.email not in told and "grace@cso.example" in told
    still = db.session.scalars(select(Invitation).where(
        Invitation.contact_id == other.id)).one()
    assert not still.cancelled
    page = client.get(answer + "&lang=en")
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "withdrawn" in text and "cancelled" not in text.lower()


def test_invited_again_after_a_withdrawal_gets_a_fresh_invitation(world) -> None:
    participant = db.session.scalars(select(Participant).where(
        Participant.organisation_id == world.organisation.id)).one()
    remove_participant(participant.id, now=NOW, actor=Actor.cli())
    later = NOW + timedelta(hours=2)
    add_participant(now=later, actor=Actor.cli(), series_id=world.series.id,
                    organisation_id=world.organisation.id)
    invites = [m for m in mails("invite") if m.recipient == "grace@cso.example"]
    assert len(invites) == 2  # the first, and the renewed one (not swallowed as a repeat)
    renewed = icalendar.Calendar.from_ical(part(parsed(invites[1]), "text/calendar"))
    withdrawal = icalendar.Calendar.from_ical(part(parsed(next(
        m for m in mails("invitation-withdrawn") if m.recipient == "grace@cso.example")),
        "text/calendar"))
    assert renewed.walk("VEVENT")[0].decoded("DTSTAMP") > \
        withdrawal.walk("VEVENT")[0].decoded("DTSTAMP")


# --- 2. an update says what changed ---------------------------------------------------------

def test_a_moved_meeting_s_update_lists_old_and_new_time_in_each_zone_and_the_reason(
        world) -> None:
    meeting = world.first
    old_start = meeting.start_at
    new_start = wall_clock(date(2026, 12, 11), time(15), GUATEMALA)
    move_meeting(meeting.id, new_start, now=NOW, actor=Actor.cli(),
                 reason="Día de la Virgen: the ministry is closed")
    updates = {m.recipient: parsed(m) for m in mails("update")}
    assert set(updates) == {p[1] for p in PEOPLE}
    assert str(updates["grace@cso.example"]["Subject"]).startswith("Moved: ")
    for _name, address, language, zone in PEOPLE:
        text = part(updates[address], "text/plain")
        html = part(updates[address], "text/html")
        with force_locale(language):  # each in their own language and zone
            old, new = local_time(old_start, zone), local_time(new_start, zone)
            old_there = local_time(old_start, "America/Guatemala")
        for body in (text, html):
            assert old in body and new in body, (address, old, new, body[:900])
            assert "Día de la Virgen: the ministry is closed" in body
        before, after = said_in(language, "Time, before:"), said_in(language, "Time, now:")
        assert text.index(before) < text.index(old) < text.index(after) < text.index(new)
        if old_start.astimezone(get_zone(zone)).utcoffset() != old_start.astimezone(
                get_zone("America/Guatemala")).utcoffset():
            assert old_there in text  # and in the meeting's own zone


def test_an_update_mentions_no_change_that_did_not_happen(world) -> None:
    meeting = world.first
    move_meeting(meeting.id, wall_clock(date(2026, 12, 11), time(10), GUATEMALA), now=NOW,
                 actor=Actor.cli())
    row = mails("update")[0]
    text = part(parsed(row), "text/plain")
    assert said_in(row.language, "Time, before:") in text
    assert said_in(row.language, "Place, before:") not in text
    assert said_in(row.language, "Online link, before:") not in text
    assert said_in(row.language, "Why:") not in text  # no reason was given


# --- 3. a cancellation invites nobody to anything --------------------------------------------

def test_a_cancellation_carries_no_join_link_deadline_or_answer_link_and_says_why(
        world) -> None:
    meeting = world.first
    cancel_meeting(meeting.id, now=NOW, actor=Actor.cli(), reason="General elections")
    cancels = mails("cancel")
    assert {m.recipient for m in cancels} == {p[1] for p in PEOPLE}
    for row in cancels:
        message = parsed(row)
        said = words(message)
        calendar = part(message, "text/calendar")
        for everything in (said, calendar):
            assert "meet.example.org" not in everything  # no join link
            assert "Suggest agenda topics" not in everything  # no topic deadline
            assert "agenda is due" not in everything
        assert "/rsvp/" not in said and "Will you take part" not in said
        assert "General elections" in part(message, "text/plain")
        assert "General elections" in part(message, "text/html")
        assert "STATUS:CANCELLED" in ics_lines(message)


# --- 4. a topic taken off an agenda ------------------------------------------------------------

def _accepted_topic(world) -> Suggestion:  # type: ignore[no-untyped-def]
    grace = db.session.scalars(select(Contact).where(
        Contact.email == "grace@cso.example")).one()
    suggestion = Suggestion(meeting=world.first, contact=grace, form_key="honest",
                            title="Remittance costs", description="", language="en",
                            minutes_needed=15, show_name=True, created_at=NOW,
                            updated_at=NOW)
    db.session.add(suggestion)
    db.session.commit()
    accept_suggestion(suggestion.id, now=NOW, actor=Actor.cli())
    return suggestion


def _item_of(suggestion: Suggestion) -> AgendaItem:
    return db.session.scalars(select(AgendaItem).where(
        AgendaItem.suggestion_id == suggestion.id)).one()


def test_a_topic_taken_off_the_draft_is_no_longer_on_the_agenda_and_its_proposer_is_told(
        world, client) -> None:
    suggestion = _accepted_topic(world)
    status = status_link(suggestion).removeprefix("https://coordinator.test")
    assert "On the agenda" in client.get(status + "?lang=en").get_data(as_text=True)
    remove_item(_item_of(suggestion).id, now=NOW, actor=Actor.cli())
    db.session.refresh(suggestion)
    assert suggestion.state == SuggestionState.OFF_AGENDA
    told = mails("topic-left-agenda")
    assert [m.recipient for m in told] == ["grace@cso.example"]
    text = part(parsed(told[0]), "text/plain")
    assert "Remittance costs" in text and "taken off" in text and status in text
    page = client.get(status + "?lang=en").get_data(as_text=True)
    assert "On the agenda" not in page and "Taken off the agenda" in page
    public = client.get(f"/meetings/{world.first.id}?lang=en").get_data(as_text=True)
    assert "Remittance costs" in public and "Taken off the agenda" in public
    assert "On the agenda" not in public


def test_a_topic_leaves_a_published_agenda_when_a_version_without_it_is_published(
        world, client) -> None:
    suggestion = _accepted_topic(world)
    meeting = world.first
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    remove_item(_item_of(suggestion).id, now=NOW, actor=Actor.cli())
    db.session.refresh(suggestion)
    # Still on the agenda everyone was sent and the meeting page shows, until a new version.
    assert suggestion.state == SuggestionState.ACCEPTED
    assert mails("topic-left-agenda") == []
    later = NOW + timedelta(hours=1)
    from coordinator.agendas.services import add_item
    add_item(meeting.id, now=later, actor=Actor.cli(), kind="other", title="Closing")
    publish_agenda(meeting.id, now=later, actor=Actor.cli())
    db.session.refresh(suggestion)
    assert suggestion.state == SuggestionState.OFF_AGENDA
    assert [m.recipient for m in mails("topic-left-agenda")] == ["grace@cso.example"]
    public = client.get(f"/meetings/{meeting.id}?lang=en").get_data(as_text=True)
    assert "On the agenda" not in public and "Taken off the agenda" in public
    # The participants' agenda mail lists it as removed.
    agenda = [m for m in mails("agenda") if m.recipient == "ana@cso.example"][-1]
    assert "- Remittance costs" in part(parsed(agenda), "text/plain")


def test_a_proposal_taken_off_a_briefing_goes_back_to_the_committee_and_its_writer_is_told(
        world, client) -> None:
    schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee="labor-mobility",
                                first_date=date(2027, 3, 3), start_time=time(10),
                                zone="America/Mexico_City"), now=NOW, actor=Actor.cli())
    grace = db.session.scalars(select(Contact).where(
        Contact.email == "grace@cso.example")).one()
    from coordinator.models import Committee
    committee = db.session.scalars(select(Committee).where(
        Committee.slug == "labor-mobility")).one()
    proposal = Proposal(committee=committee, contact=grace, form_key="honest",
                        title="Job fairs for returnees", body="Text", language="en",
                        created_at=NOW, updated_at=NOW)
    db.session.add(proposal)
    db.session.commit()
    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    item = db.session.scalars(select(AgendaItem).where(
        AgendaItem.proposal_id == proposal.id)).one()
    remove_item(item.id, now=NOW, actor=Actor.cli())
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.UNDER_CONSIDERATION and proposal.meeting is None
    told = mails("topic-left-agenda")
    assert [m.recipient for m in told] == ["grace@cso.example"]
    text = part(parsed(told[0]), "text/plain")
    link = proposal_link(grace, committee)
    assert "Job fairs for returnees" in text and link in text
    page = client.get(link.removeprefix("https://coordinator.test") + "?lang=en")
    body = page.get_data(as_text=True)
    assert "Added to the agenda of a briefing" not in body and "Under consideration" in body
    # It can be put on an agenda again.
    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.ON_AGENDA


def test_a_meeting_retimed_by_a_rule_change_says_so_and_gives_both_times(world) -> None:
    from coordinator.meetings.series import RuleChange, change_rule

    meeting = world.first
    old_start = meeting.start_at
    change_rule(world.series.id, RuleChange(
        effective_from=date(2026, 12, 1), start_time=time(14), zone="America/Guatemala",
        duration_minutes=90, rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=1"), now=NOW,
        actor=Actor.cli())
    db.session.refresh(meeting)
    assert meeting.start_at != old_start
    grace = next(m for m in mails("update") if m.recipient == "grace@cso.example")
    text = part(parsed(grace), "text/plain")
    with force_locale("en"):
        assert local_time(old_start, "America/Chicago") in text
        assert local_time(meeting.start_at, "America/Chicago") in text
    assert "Why: the series' schedule changed." in text


def test_a_held_outcome_stays_held_and_its_announcement_says_where_the_topic_ended(
        world) -> None:
    from coordinator.agendas.moderation import hold_outcomes
    from coordinator.agendas.suggestions import release_outcomes

    hold_outcomes(world.first.id, True, now=NOW, actor=Actor.cli())
    suggestion = _accepted_topic(world)
    remove_item(_item_of(suggestion).id, now=NOW, actor=Actor.cli())
    db.session.refresh(suggestion)
    assert suggestion.state == SuggestionState.OFF_AGENDA
    assert mails("topic-left-agenda") == [] and mails("suggestion-outcome") == []
    release_outcomes(world.first.id, now=NOW, actor=Actor.cli())
    outcome = part(parsed(mails("suggestion-outcome")[0]), "text/plain")
    assert "put on the agenda, then taken off it" in outcome
    assert "It is on the agenda" not in outcome


def test_the_calendar_writer_uninvites_only_with_a_cancel_of_a_meeting_that_goes_on() -> None:
    from datetime import UTC, datetime

    from coordinator.calendar.event import CalendarEvent, EventStatus, Person
    from coordinator.calendar.ics import UnwritableEvent, invitation_ics

    start = datetime(2027, 1, 11, 10, tzinfo=GUATEMALA)
    event = CalendarEvent(uid="m-1@coordinator.test", sequence=2,
                          last_modified=datetime(2026, 11, 22, tzinfo=UTC),
                          created=datetime(2026, 11, 1, tzinfo=UTC), start=start,
                          end=start + timedelta(hours=1), summary="Meeting", description="",
                          status=EventStatus.CONFIRMED)
    organizer, attendee = Person("Org", "org@gob.example"), Person("Ana", "ana@cso.example")

    def write(method: str, uninvite: bool) -> str:
        return invitation_ics(event, method=method, organizer=organizer, attendee=attendee,
                              language="es", uninvite=uninvite).decode()

    text = write("CANCEL", True)
    assert "METHOD:CANCEL" in text and "SEQUENCE:2" in text and "STATUS" not in text
    assert "STATUS:CANCELLED" in write("CANCEL", False)
    with pytest.raises(UnwritableEvent):
        write("REQUEST", True)
