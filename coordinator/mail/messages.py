"""The messages the service sends, each composed for one recipient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, format_date, gettext

from coordinator.cadence.zones import get_zone
from coordinator.calendar.event import Person
from coordinator.calendar.from_meeting import meeting_event, meeting_url
from coordinator.calendar.ics import invitation_ics
from coordinator.i18n import local_time, supported_language
from coordinator.links import absolute_url, sign
from coordinator.mail.compose import Recipient, Sender, build_message
from coordinator.models import Account, Contact, Invitation, Meeting
from coordinator.present import series_title

ANSWERS = ("accepted", "tentative", "declined")


def recipient_of(invitation: Invitation) -> Recipient:
    contact = invitation.contact
    return Recipient(contact.name, contact.email, supported_language(contact.language),
                     contact.zone)


def organizer_of(meeting: Meeting) -> Sender:
    """The meeting's coordinator; the secretariat's address when the series has none."""
    coordinator = meeting.series.coordinator
    if coordinator is not None:
        return Sender(coordinator.name, coordinator.email)
    return Sender(current_app.config.get("ORGANIZER_NAME") or "Secretariat",
                  current_app.config.get("ORGANIZER_EMAIL")
                  or current_app.config["MAIL_DEFAULT_SENDER"])


def rsvp_token(invitation: Invitation) -> str:
    return sign("rsvp", {"i": invitation.id, "v": invitation.token_version})


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


def invitation_message(invitation: Invitation, *, method: str, key: str, first: bool,
                       now: datetime, changes: dict | None = None) -> EmailMessage:
    """An iMIP REQUEST (new or updated) or CANCEL naming only this recipient as ATTENDEE."""
    meeting = invitation.meeting
    recipient = recipient_of(invitation)
    sender = organizer_of(meeting)
    organizer = Person(sender.name, sender.email or current_app.config["MAIL_DEFAULT_SENDER"])
    event = meeting_event(meeting, recipient.language, private=True)
    ics = invitation_ics(event, method=method, organizer=organizer,
                         attendee=Person(recipient.name, recipient.email),
                         language=recipient.language)
    with force_locale(recipient.language):
        title = series_title(meeting.series)
        date = local_time(meeting.start_at, recipient.zone, "medium")
        if method == "CANCEL":
            subject = gettext("Cancelled: %(title)s, %(date)s", title=title, date=date)
        elif changes is not None:
            subject = gettext("Agenda: %(title)s, %(date)s", title=title, date=date)
        elif first:
            subject = gettext("Invitation: %(title)s, %(date)s", title=title, date=date)
        else:
            subject = gettext("Updated invitation: %(title)s, %(date)s", title=title, date=date)
        context = {
            "meeting": meeting, "title": title, "method": method, "first": first,
            "event": event, "links": rsvp_links(invitation) if method != "CANCEL" else {},
            "page": meeting_url(meeting), "agenda": meeting.published_agenda or [],
            "changes": changes, **_times(meeting, recipient),
        }
    # A published agenda travels as an update of the invitation: one message, new SEQUENCE.
    template = "agenda" if changes is not None else "invitation"
    return build_message(key=key, template=template, subject=subject, recipient=recipient,
                         sender=sender, now=now, context=context, calendar=(ics, method))


def contact_message(contact: Contact, *, key: str, template: str, subject: Callable[[], str],
                    context: Callable[[], dict], now: datetime,
                    sender: Sender | None = None) -> EmailMessage:
    """A plain message to a contact; `subject` and `context` are made in their language."""
    recipient = Recipient(contact.name, contact.email, supported_language(contact.language),
                          contact.zone)
    with force_locale(recipient.language):
        subject_text = subject()
        values = context()
    return build_message(key=key, template=template, subject=subject_text, recipient=recipient,
                         sender=sender or Sender("", None), now=now, context=values)


def reminder_message(invitation: Invitation, *, days: int, key: str,
                     now: datetime) -> EmailMessage:
    meeting = invitation.meeting
    recipient = recipient_of(invitation)
    with force_locale(recipient.language):
        title = series_title(meeting.series)
        subject = gettext("Reminder: %(title)s, %(date)s", title=title,
                          date=local_time(meeting.start_at, recipient.zone, "medium"))
        event = meeting_event(meeting, recipient.language, private=True)
        context = {"meeting": meeting, "title": title, "days": days, "event": event,
                   "links": rsvp_links(invitation), "page": meeting_url(meeting),
                   **_times(meeting, recipient)}
    return build_message(key=key, template="reminder", subject=subject, recipient=recipient,
                         sender=organizer_of(meeting), now=now, context=context)


def agenda_reminder_message(account: Account, meeting: Meeting, *, days: int, key: str,
                            now: datetime) -> EmailMessage:
    """To the coordinator: the agenda is due soon (or today) and not yet published."""
    recipient = Recipient(account.name, account.email, supported_language(account.language),
                          account.zone)
    with force_locale(recipient.language):
        title = series_title(meeting.series)
        subject = gettext("Agenda due: %(title)s", title=title)
        due = meeting.deadlines.agenda_due
        context = {"meeting": meeting, "title": title, "days": days,
                   "due": local_time(due, recipient.zone), "page": meeting_url(meeting)}
    return build_message(key=key, template="agenda_reminder", subject=subject,
                         recipient=recipient, sender=Sender("", None), now=now, context=context)


def digest_message(account: Account, *, report: dict, key: str, now: datetime) -> EmailMessage:
    """The weekly digest to the secretariat: late agendas and missed cadence."""
    recipient = Recipient(account.name, account.email, supported_language(account.language),
                          account.zone)
    with force_locale(recipient.language):
        subject = gettext("Weekly cadence digest, %(date)s",
                          date=format_date(now.astimezone(get_zone(account.zone)).date(),
                                           "long"))
    return build_message(key=key, template="digest", subject=subject, recipient=recipient,
                         sender=Sender("", None), now=now, context={"report": report})
