"""Invitations (iMIP REQUEST and CANCEL), the published agenda, and reminders."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale

from coordinator.cadence.zones import get_zone
from coordinator.calendar.event import Person
from coordinator.calendar.from_meeting import meeting_event, meeting_url
from coordinator.calendar.ics import invitation_ics
from coordinator.i18n import local_time
from coordinator.links import RSVP_LINK, absolute_url
from coordinator.mail.addressing import organizer_of, to_account, to_contact
from coordinator.mail.compose import Outgoing, Recipient, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, Invitation, Meeting
from coordinator.present import series_title

ANSWERS = ("accepted", "tentative", "declined")


def rsvp_token(invitation: Invitation) -> str:
    return RSVP_LINK.token({"i": invitation.id, "v": invitation.token_version})


def rsvp_links(invitation: Invitation) -> dict[str, str]:
    token = rsvp_token(invitation)
    return {answer: absolute_url(f"/rsvp/{token}?answer={answer}") for answer in ANSWERS}


def _times(meeting: Meeting, recipient: Recipient) -> dict[str, str | bool]:
    return {
        "when_yours": local_time(meeting.start_at, recipient.zone),
        "when_meeting": local_time(meeting.start_at, meeting.zone),
        "same_zone": meeting.start_local.utcoffset()
        == meeting.start_at.astimezone(get_zone(recipient.zone)).utcoffset(),
    }


def _imip(invitation: Invitation, kind: MailKind, template: str, *, method: str,
          now: datetime, changes: dict | None = None) -> Outgoing:
    """A calendar message naming only this recipient as ATTENDEE, keyed by the meeting's
    SEQUENCE: a REQUEST (or the agenda, which travels as one) once per version, a CANCEL
    once."""
    meeting = invitation.meeting
    recipient = to_contact(invitation.contact)
    sender = organizer_of(meeting)
    organizer = Person(sender.name, sender.email or current_app.config["MAIL_DEFAULT_SENDER"])
    event = meeting_event(meeting, recipient.language, private=True)
    ics = invitation_ics(event, method=method, organizer=organizer,
                         attendee=Person(recipient.name, recipient.email),
                         language=recipient.language)
    with force_locale(recipient.language):
        context = {
            "meeting": meeting, "title": series_title(meeting.series), "method": method,
            "first": invitation.sent_sequence is None, "event": event,
            "links": rsvp_links(invitation) if method != "CANCEL" else {},
            "page": meeting_url(meeting), "agenda": meeting.published_agenda or [],
            "changes": changes, **_times(meeting, recipient),
        }
    key = outbox_key("cancel" if method == "CANCEL" else "invite", meeting=meeting.id,
                     contact=invitation.contact_id, seq=meeting.sequence)
    return compose(kind, key, template, recipient=recipient, sender=sender, now=now,
                   context=context, calendar=(ics, method), meeting_id=meeting.id,
                   contact_id=invitation.contact_id)


def invitation_message(invitation: Invitation, *, now: datetime) -> Outgoing:
    """The invitation, or its update when this person already holds an earlier SEQUENCE."""
    kind = MailKind.INVITE if invitation.sent_sequence is None else MailKind.UPDATE
    return _imip(invitation, kind, "invitation", method="REQUEST", now=now)


def cancellation_message(invitation: Invitation, *, now: datetime) -> Outgoing:
    """METHOD:CANCEL with the same UID: the meeting leaves this person's calendar."""
    return _imip(invitation, MailKind.CANCEL, "invitation", method="CANCEL", now=now)


def agenda_message(invitation: Invitation, changes: dict, *, now: datetime) -> Outgoing:
    """The published (or changed) agenda, as an update of the invitation: one message."""
    return _imip(invitation, MailKind.AGENDA, "agenda", method="REQUEST", now=now,
                 changes=changes)


def reminder_message(invitation: Invitation, *, days: int, now: datetime) -> Outgoing:
    """The meeting is `days` days away (or today), once per reminder and SEQUENCE."""
    meeting = invitation.meeting
    recipient = to_contact(invitation.contact)
    with force_locale(recipient.language):
        context = {"meeting": meeting, "title": series_title(meeting.series), "days": days,
                   "event": meeting_event(meeting, recipient.language, private=True),
                   "links": rsvp_links(invitation), "page": meeting_url(meeting),
                   **_times(meeting, recipient)}
    key = outbox_key("reminder", meeting=meeting.id, contact=invitation.contact_id,
                     days=days, seq=meeting.sequence)
    return compose(MailKind.REMINDER, key, "reminder", recipient=recipient,
                   sender=organizer_of(meeting), now=now, context=context,
                   meeting_id=meeting.id, contact_id=invitation.contact_id)


def agenda_reminder_message(account: Account, meeting: Meeting, *, days: int,
                            now: datetime) -> Outgoing:
    """To the coordinator: the agenda is due soon (or today) and not yet published."""
    recipient = to_account(account)
    with force_locale(recipient.language):
        context = {"meeting": meeting, "title": series_title(meeting.series), "days": days,
                   "due": local_time(meeting.deadlines.agenda_due, recipient.zone),
                   "page": meeting_url(meeting)}
    key = outbox_key("agenda-reminder", meeting=meeting.id, days=days, seq=meeting.sequence)
    return compose(MailKind.AGENDA_REMINDER, key, "agenda_reminder", recipient=recipient,
                   now=now, context=context, meeting_id=meeting.id, account_id=account.id)
