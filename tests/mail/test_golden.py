"""Every mail, in every language, against the stored copy of what it said (golden files).

One fixed world (frozen time, fixed names, addresses and ids, BASE_URL from the test
config) renders every message function; its kind, key, headers, Subject, text, HTML and
calendar part are compared with `tests/mail/golden/<case>.<language>.txt`. A change of a
template, a subject or a translation fails here until the files are rewritten on purpose:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/mail/test_golden.py

and the diff of the golden files is what reviewers read. (Indico keeps the same kind of
snapshots in its `templates/emails/tests/`.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from flask import Flask, template_rendered
from sqlalchemy import select

from coordinator.accounts.messages import password_link_message
from coordinator.agendas.messages import (
    proposal_link_message,
    proposal_received_message,
    proposal_status_message,
    suggest_link_message,
    suggestion_outcome_message,
    suggestion_received_message,
    topic_left_agenda_message,
)
from coordinator.extensions import db
from coordinator.feeds.messages import feed_link_message
from coordinator.invitations.messages import (
    Before,
    MeetingChange,
    agenda_message,
    agenda_reminder_message,
    cancellation_message,
    invitation_message,
    reminder_message,
    withdrawal_message,
)
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import Outgoing
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Invitation,
    Organisation,
    ParticipantRole,
    Proposal,
    ProposalState,
    RegistrationState,
    Role,
    Scope,
    Suggestion,
    SuggestionState,
)
from coordinator.outcomes.contributions import (
    contribution_decision_message,
    contribution_link_message,
)
from coordinator.outcomes.messages import (
    action_item_overdue_message,
    action_item_reminder_message,
    minutes_message,
)
from coordinator.outcomes.models import (
    ActionItem,
    ActionStatus,
    Commitment,
    CommitmentStatus,
    Contribution,
    ContributionKind,
    ContributionState,
    Minutes,
    MinutesVersion,
)
from coordinator.people.messages import (
    organisation_approved_message,
    registration_confirm_message,
    registration_decision_message,
    representative_message,
)
from coordinator.selection.applications import application_received_message
from coordinator.selection.models import Application, Call
from coordinator.tracking.messages import digest_message
from tests.conftest import NOW
from tests.mail.scenario import make_world

GOLDEN = Path(__file__).parent / "golden"
TEMPLATES = Path(__file__).parents[2] / "templates" / "emails"
LANGUAGES = ("en", "es", "pt", "fr", "ht", "nl")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
LINK = "https://coordinator.test/link/TOKEN"  # the signed links are tested elsewhere


class Golden:
    """The fixed world: one recipient of each sort, whose language each case sets."""

    def __init__(self) -> None:
        world = make_world(NOW)
        self.meeting = world.first
        self.coordinator = world.coordinator
        self.contact = db.session.scalars(select(Contact).where(
            Contact.email == "grace@cso.example")).one()
        self.invitation = db.session.scalars(select(Invitation).where(
            Invitation.contact_id == self.contact.id,
            Invitation.meeting_id == self.meeting.id)).one()
        self.committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
        assert self.committee is not None
        self.committee_coordinator = Account(
            name="Marie Desrosiers", email="marie.desrosiers@gob.example", phone="+509 2222 0000",
            role=Role.COMMITTEE_COORDINATOR, committee=self.committee, language="fr",
            zone="America/Port-au-Prince", created_at=NOW)
        self.applicant = Organisation(
            name="Colectivo Frontera Sur", scope=Scope.NATIONAL, kinds=[], led_by=[],
            registration_state=RegistrationState.PENDING, countries=[self.meeting.series
                                                                     .country],
            created_at=NOW)
        self.applicant_contact = Contact(name="Lucía Pérez", email="lucia@frontera.example",
                                         language="es", zone="America/Mexico_City",
                                         created_at=NOW)
        self.applicant.contacts.append(self.applicant_contact)
        self.suggestion = Suggestion(
            meeting=self.meeting, contact=self.contact, form_key="golden",
            title="Temporary work visas & their cost", description="Simpler procedures.",
            language="en", minutes_needed=15, created_at=NOW, updated_at=NOW)
        self.proposal = Proposal(
            committee=self.committee, contact=self.contact, form_key="golden",
            title="Job fairs <for> returnees", body="Text", language="en",
            created_at=NOW, updated_at=NOW)
        db.session.add_all([self.committee_coordinator, self.applicant, self.suggestion,
                            self.proposal])
        db.session.flush()
        # Issue 16: published minutes (Spanish, so other readers see the note) and an
        # action item owned by the contact's organisation.
        minutes_text = "La reunión revisó el plan.\n\n- Visas de trabajo\n- Salud"
        self.minutes = Minutes(meeting=self.meeting, text=minutes_text,
                               decisions=["Publicar el plan"], written_in="es", version=1,
                               created_at=NOW, updated_at=NOW)
        self.minutes_version = MinutesVersion(
            minutes=self.minutes, meeting_id=self.meeting.id, version=1, text=minutes_text,
            html="<p>La reunión revisó el plan.</p><ul><li>Visas de trabajo</li>"
                 "<li>Salud</li></ul>",
            decisions=["Publicar el plan"], written_in="es", published_at=NOW)
        self.action = ActionItem(
            series_id=self.meeting.series_id, text="Share the list of consulates & fees",
            written_in="en", owner_organisation_id=self.contact.organisation_id,
            due_on=date(2026, 12, 20), zone=self.meeting.zone, status=ActionStatus.OPEN,
            meeting_id=self.meeting.id, created_at=NOW, updated_at=NOW)
        db.session.add_all([self.minutes, self.minutes_version, self.action])
        db.session.flush()
        # Issue 16: a commitment of Guatemala, and evidence a contact submitted on it.
        self.commitment = Commitment(
            text="Issue identity documents to 5,000 returnees", written_in="en",
            country_id=self.meeting.series.country_id, pillar="I",
            start_on=date(2026, 1, 1), target_on=date(2027, 12, 31),
            status=CommitmentStatus.IN_PROGRESS, created_at=NOW, updated_at=NOW)
        self.contribution = Contribution(
            commitment=self.commitment, contact=self.contact,
            organisation_id=self.contact.organisation_id, form_key="golden",
            kind=ContributionKind.EVIDENCE, text="Only 800 were issued by November.",
            written_in="en", url="https://example.org/report.pdf",
            state=ContributionState.DECLINED, reason="The report counts another programme.",
            reason_written_in="en", decided_at=NOW, created_at=NOW, updated_at=NOW)
        db.session.add_all([self.commitment, self.contribution])
        db.session.flush()
        # Issue 17: a call for participation (written in Spanish) and the contact's
        # organisation's application to it.
        self.call = Call(
            meeting_id=self.meeting.id, title="Asientos de la sociedad civil & la reunión",
            description="Convocatoria.", written_in="es", seats_in_person=4, seats_online=2,
            opens_at=NOW, closes_at=NOW + timedelta(days=10), selection_on=date(2026, 12, 5),
            published_at=NOW, created_at=NOW, updated_at=NOW)
        self.application = Application(
            call=self.call, organisation_id=self.contact.organisation_id,
            contact_id=self.contact.id, motivation="We run shelters <on> the border.",
            written_in="en", attendees=[{"name": "Grace Okafor", "role": "Director"},
                                        {"name": "Ana Ixcot", "role": None}],
            online=False, interpretation=["es"], mechanisms=["rcm"], created_at=NOW,
            updated_at=NOW)
        db.session.add_all([self.call, self.application])
        db.session.flush()

    def speak(self, language: str) -> None:
        for person in (self.contact, self.coordinator, self.applicant_contact):
            person.language = language


def _cases(g: Golden) -> dict[str, Callable[[], Outgoing]]:
    """One entry per message and per variant whose subject or body differs."""
    now = NOW
    invitation, meeting = g.invitation, g.meeting

    def invite() -> Outgoing:
        invitation.sent_sequence = None
        return invitation_message(invitation, now=now)

    def update() -> Outgoing:
        invitation.sent_sequence = meeting.sequence
        return invitation_message(invitation, now=now)

    def observer() -> Outgoing:
        invitation.sent_sequence, invitation.role = None, ParticipantRole.OBSERVER
        try:
            return invitation_message(invitation, now=now)
        finally:
            invitation.role = ParticipantRole.INVITED

    def moved() -> Outgoing:
        # Issue 14, item 7: the update says what changed (times in the reader's zone and
        # the meeting's, place, online link) and why.
        invitation.sent_sequence = meeting.sequence
        before = Before(meeting.start_at - timedelta(days=1, hours=2),
                        meeting.end_at - timedelta(days=1, hours=2), meeting.zone,
                        "Casa de la Cultura", None)
        return invitation_message(invitation, now=now, change=MeetingChange(
            before, reason="The ministry is closed on the 9th."))

    def agenda() -> Outgoing:
        meeting.published_agenda = [
            {"title": "Opening", "kind": "other", "duration": 5, "presenter": None},
            {"title": "Labour mobility", "kind": "cso-proposal", "duration": 30,
             "presenter": "Red de Acogida"}]
        changes = {"added": [{"title": "Labour mobility"}], "removed": [{"title": "Visas"}],
                   "changed": [{"title": "Opening"}], "reordered": True}
        return agenda_message(invitation, changes, now=now)

    def registration(state: RegistrationState, reason: str | None) -> Callable[[], Outgoing]:
        def make() -> Outgoing:
            g.applicant.registration_state, g.applicant.registration_reason = state, reason
            return registration_decision_message(g.applicant_contact, now=now)
        return make

    def confirm(occasion: str, state: RegistrationState) -> Callable[[], Outgoing]:
        def make() -> Outgoing:
            g.applicant.registration_state = state
            pending = state == RegistrationState.PENDING
            return registration_confirm_message(
                g.applicant_contact, occasion=occasion,  # type: ignore[arg-type]
                state=state.value, link=LINK if pending else None, days=7, now=now)
        return make

    def outcome() -> Outgoing:
        g.suggestion.state, g.suggestion.reason = SuggestionState.ACCEPTED, "Timely."
        return suggestion_outcome_message(g.suggestion, LINK, now=now)

    def status() -> Outgoing:
        g.proposal.state, g.proposal.answer = ProposalState.ANSWERED, "We raised it.\nThanks."
        return proposal_status_message(g.proposal, LINK, now=now)

    def received() -> Outgoing:
        # To the committee's coordinator, in the language this case speaks.
        g.committee_coordinator.language = g.contact.language
        return proposal_received_message(g.committee_coordinator, g.proposal, now=now)

    def approved_for_coordinator() -> Outgoing:
        g.applicant.registration_state = RegistrationState.APPROVED
        g.applicant.registration_reason, g.applicant.decided_at = "Welcome.", now
        return organisation_approved_message(g.coordinator, g.applicant, now=now)

    return {
        "invitation": invite,
        "invitation_update": update,
        "invitation_observer": observer,
        "invitation_cancel": lambda: cancellation_message(invitation, now=now),
        "invitation_moved": moved,
        "invitation_withdrawn": lambda: withdrawal_message(invitation, now=now),
        "topic_left_agenda": lambda: topic_left_agenda_message(
            g.contact, meeting, g.suggestion.title, LINK, proposal=False,
            about=g.suggestion.id, now=now),
        "proposal_left_agenda": lambda: topic_left_agenda_message(
            g.contact, meeting, g.proposal.title, LINK, proposal=True, about=g.proposal.id,
            now=now),
        "agenda": agenda,
        "reminder": lambda: reminder_message(invitation, days=3, now=now),
        "agenda_reminder": lambda: agenda_reminder_message(g.coordinator, meeting, days=3,
                                                           now=now),
        "digest": lambda: digest_message(g.coordinator, {
            "late_agendas": [{"title": "Mesa nacional", "date": "2026-10-01", "state": "late",
                              "days": 4}],
            "missed": [{"who": "Guatemala", "period": "2026 Q3"}],
            "overdue": [{"text": "Share the list of consulates", "owner": "Red de Acogida",
                         "series": "Mesa nacional", "due": "2026-11-20"}]}, now=now),
        "password_setup": lambda: password_link_message(g.coordinator, LINK, setup=True,
                                                        hours=168, epoch=0, now=now),
        "password_reset": lambda: password_link_message(g.coordinator, LINK, setup=False,
                                                        hours=2, epoch=0, now=now),
        "feed_link": lambda: feed_link_message(g.contact, LINK, days=7, now=now),
        "proposal_link": lambda: proposal_link_message(g.contact, g.committee, LINK, days=30,
                                                       now=now),
        "proposal_status": status,
        "proposal_received": received,
        "registration_confirm": confirm("new", RegistrationState.PENDING),
        "registration_known": confirm("known", RegistrationState.APPROVED),
        "registration_approved": registration(RegistrationState.APPROVED, None),
        "registration_declined": registration(RegistrationState.DECLINED,
                                              "Outside the region."),
        "representative": lambda: representative_message(
            g.committee, g.contact, [g.committee_coordinator], now=now),
        "suggestions_open": lambda: suggest_link_message(invitation, LINK, now=now),
        "suggestion_received": lambda: suggestion_received_message(g.suggestion, LINK,
                                                                   now=now),
        "suggestion_outcome": outcome,
        "organisation_approved": approved_for_coordinator,
        "minutes_published": lambda: minutes_message(
            invitation, g.minutes_version, text=g.minutes_version.text,
            html=g.minutes_version.html, written_in="es", now=now),
        "action_item_reminder": lambda: action_item_reminder_message(
            g.action, g.contact, days_left=7, offset=7, now=now),
        "action_item_overdue": lambda: action_item_overdue_message(g.action, g.contact,
                                                                   now=now),
        "contribution_link": lambda: contribution_link_message(
            g.contact, g.commitment, LINK, days=30, now=now),
        "contribution_decision": lambda: contribution_decision_message(
            g.contribution, g.contact, LINK, now=now),
        "application_received": lambda: application_received_message(
            g.application, g.contact, LINK, now=now),
    }


CASES = ("invitation", "invitation_update", "invitation_observer", "invitation_cancel",
         "invitation_moved", "invitation_withdrawn", "topic_left_agenda", "proposal_left_agenda",
         "agenda", "reminder",
         "agenda_reminder", "digest", "password_setup", "password_reset", "feed_link",
         "proposal_link", "proposal_status", "proposal_received", "registration_confirm",
         "registration_known", "registration_approved", "registration_declined", "representative",
         "suggestions_open", "suggestion_received", "suggestion_outcome",
         "organisation_approved", "minutes_published", "action_item_reminder",
         "action_item_overdue", "contribution_link", "contribution_decision",
         "application_received")


def _part(message: EmailMessage, kind: str) -> str | None:
    for part in message.walk():
        if part.get_content_type() == kind:
            return str(part.get_content()).replace("\r\n", "\n")
    return None


def snapshot(outgoing: Outgoing) -> str:
    """What a reader and the outbox see, as text; volatile calendar stamps normalised."""
    message, envelope = outgoing.message, outgoing.envelope
    lines = [f"Kind: {envelope.kind}", f"Key: {envelope.key}"]
    lines += [f"{name}: {message[name]}" for name in
              ("Subject", "From", "Reply-To", "To", "Content-Language") if message[name]]
    for kind in ("text/plain", "text/html", "text/calendar"):
        content = _part(message, kind)
        if content is None:
            continue
        if kind == "text/calendar":
            # DTSTAMP (RFC 5545 3.8.7.2) is when the object was made; the UID is a random
            # UUID drawn when the meeting is created (stable for the meeting, tested in
            # tests/calendar): neither is what the template says.
            content = re.sub(r"^(DTSTAMP|UID):.*$", r"\1:<normalised>", content, flags=re.M)
        lines += [f"----- {kind}", content.rstrip("\n")]
    return "\n".join(lines) + "\n"


def golden_path(case: str, language: str) -> Path:
    return GOLDEN / f"{case}.{language}.txt"


@pytest.fixture
def golden(seeded: Flask) -> Iterator[Golden]:
    with time_machine.travel(NOW, tick=False):
        yield Golden()
        db.session.rollback()


@pytest.fixture
def rendered(golden: Golden, seeded: Flask) -> Iterator[set[str]]:
    names: set[str] = set()

    def record(sender: Flask, template, context, **extra) -> None:  # type: ignore[no-untyped-def]
        names.add(template.name)

    with template_rendered.connected_to(record, seeded):
        yield names


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_mail_says_what_its_golden_file_says(golden: Golden, rendered: set[str],
                                                   language: str) -> None:
    golden.speak(language)
    cases = _cases(golden)
    assert tuple(cases) == CASES
    differ, kinds = [], set()
    for case, make in cases.items():
        outgoing = make()
        kinds.add(outgoing.envelope.kind)
        text = snapshot(outgoing)
        path = golden_path(case, language)
        if UPDATE:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            differ.append(path.name)
    assert not differ, (f"{differ} differ from what the templates render now; if the "
                        "change is meant, rewrite them with UPDATE_GOLDEN=1 and review the diff")
    # Every template pair was rendered in this language (the subject block with the text).
    made = {Path(name).name for name in rendered if name.startswith("emails/")}
    expected = {f.name for f in TEMPLATES.iterdir()
                if f.suffix in (".txt", ".html") and not f.name.startswith("_")}
    assert expected <= made, f"templates no golden case renders: {sorted(expected - made)}"
    assert kinds == set(MailKind), f"kinds no case sends: {set(MailKind) - kinds}"


def test_every_case_has_a_golden_file_in_every_language_and_no_file_is_stale() -> None:
    """(That the cases render every template is checked as they render, above.)"""
    wanted = {golden_path(case, language).name for case in CASES for language in LANGUAGES}
    stored = {f.name for f in GOLDEN.glob("*.txt")}
    assert wanted <= stored or UPDATE, f"missing golden files: {sorted(wanted - stored)}"
    assert stored <= wanted, f"golden files of no case: {sorted(stored - wanted)}"


def test_a_new_version_of_a_repeatable_message_has_a_key_of_its_own(golden: Golden) -> None:
    """A retried transaction makes the same key; a moved meeting or a corrected answer a
    new one."""
    first = proposal_status_message(golden.proposal, LINK, now=NOW).envelope.key
    assert proposal_status_message(golden.proposal, LINK, now=NOW).envelope.key == first
    golden.proposal.updated_at = NOW + timedelta(hours=1)
    assert proposal_status_message(golden.proposal, LINK, now=NOW).envelope.key != first
    before = invitation_message(golden.invitation, now=NOW).envelope.key
    golden.meeting.sequence += 1
    assert invitation_message(golden.invitation, now=NOW).envelope.key != before
