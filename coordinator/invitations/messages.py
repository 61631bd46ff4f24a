"""Invitations (iMIP REQUEST and CANCEL), the published agenda, and reminders."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext

from coordinator.cadence.zones import get_zone
from coordinator.calendar.event import Person
from coordinator.calendar.from_meeting import meeting_event, meeting_url
from coordinator.calendar.ics import invitation_ics
from coordinator.content import services as content
from coordinator.i18n import local_time
from coordinator.links import RSVP_LINK, absolute_url
from coordinator.mail.addressing import invitee_ids, organizer_of, to_account, to_invitee
from coordinator.mail.compose import Outgoing, Recipient, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, Invitation, Meeting, ParticipantRole
from coordinator.present import cancel_reason, country_name, series_title

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


@dataclass(frozen=True)
class Before:
    """A meeting as its invitees last heard of it: what an update compares against."""

    start_at: datetime
    end_at: datetime
    zone: str
    location: str | None
    online: str | None

    @classmethod
    def of(cls, meeting: Meeting) -> Before:
        return cls(meeting.start_at, meeting.end_at, meeting.zone, meeting.effective_location,
                   meeting.online_url or meeting.series.online_url)


@dataclass(frozen=True)
class MeetingChange:
    """What changed in a meeting and why, computed by the service that changed it, so an
    update says what changed instead of only "this meeting has changed"."""

    before: Before
    reason: str | None = None
    rule_changed: bool = False  # the series' rule moved it (said in the reader's language)


def _what_changed(change: MeetingChange | None, meeting: Meeting,
                  recipient: Recipient) -> dict[str, Any] | None:
    """The change in this reader's terms: old and new times in their zone (and the
    meeting's when it differs), place and online link before and after, the reason."""
    if change is None:
        return None
    old, new = change.before, Before.of(meeting)
    what: dict[str, Any] = {"reason": (change.reason or "").strip() or None,
                            "rule_changed": change.rule_changed}
    if (old.start_at, old.end_at, old.zone) != (new.start_at, new.end_at, new.zone):
        what["time"] = {
            "old": local_time(old.start_at, recipient.zone),
            "new": local_time(new.start_at, recipient.zone),
            "old_meeting": local_time(old.start_at, old.zone),
            "new_meeting": local_time(new.start_at, new.zone),
            "minutes_old": int((old.end_at - old.start_at).total_seconds() // 60),
            "minutes_new": int((new.end_at - new.start_at).total_seconds() // 60),
        }
    if old.location != new.location:
        what["place"] = {"old": old.location, "new": new.location}
    if old.online != new.online:
        what["online"] = {"old": old.online, "new": new.online}
    return what


def _imip(invitation: Invitation, kind: MailKind, template: str, *, method: str,
          now: datetime, changes: dict | None = None, change: MeetingChange | None = None,
          uninvite: bool = False, again: bool = False) -> Outgoing:
    """A calendar message naming only this recipient as ATTENDEE, keyed by the meeting's
    SEQUENCE: a REQUEST (or the agenda, which travels as one) once per version, a CANCEL
    once. A cancelled meeting's or a withdrawn invitation's message carries no join link,
    no deadlines and no answer links: nothing that invites anyone to come."""
    meeting = invitation.meeting
    recipient = to_invitee(invitation)
    sender = organizer_of(meeting)
    organizer = Person(sender.name, sender.email or current_app.config["MAIL_DEFAULT_SENDER"])
    event = meeting_event(meeting, recipient.language, private=method != "CANCEL")
    if uninvite or again:
        # RFC 5546 2.1.5: at the same SEQUENCE the later DTSTAMP wins, so a withdrawal (and
        # an invitation renewed after one) is stamped now, after the copy the person holds.
        event = replace(event, last_modified=now)
    if uninvite:
        # No topic deadlines for someone no longer invited: the calendar says what happened.
        with force_locale(recipient.language):
            event = replace(event, description="\n\n".join([
                gettext("Your invitation to this meeting was withdrawn; the meeting itself "
                        "goes ahead."),
                gettext("Meeting page: %(url)s", url=meeting_url(meeting))]))
    ics = invitation_ics(event, method=method, organizer=organizer,
                         attendee=Person(recipient.name, recipient.email),
                         language=recipient.language, uninvite=uninvite,
                         observer=invitation.role == ParticipantRole.OBSERVER)
    with force_locale(recipient.language):
        context = {
            "meeting": meeting, "title": series_title(meeting.series), "method": method,
            "first": invitation.sent_sequence is None, "event": event,
            "links": rsvp_links(invitation) if method != "CANCEL" else {},
            "page": meeting_url(meeting), "agenda": content.agenda_for(meeting, recipient.language),
            "changes": changes, "update": _what_changed(change, meeting, recipient),
            "reason": cancel_reason(meeting) if meeting.cancelled else None,
            "observer": invitation.role == ParticipantRole.OBSERVER,
            "host": country_name(meeting.host_country) if meeting.host_country else None,
            "justification": content.shown(meeting.series, "short_notice_justification",
                                           recipient.language),
            **_times(meeting, recipient),
        }
    # A withdrawal, and an invitation renewed after one, may happen more than once at the
    # same SEQUENCE: their keys name the instant as well.
    prefix = "withdraw" if uninvite else "cancel" if method == "CANCEL" else "invite"
    key = outbox_key(prefix, meeting=meeting.id, **invitee_ids(invitation),
                     seq=meeting.sequence, **({"at": now} if uninvite or again else {}))
    return compose(kind, key, template, recipient=recipient, sender=sender, now=now,
                   context=context, calendar=(ics, method), meeting_id=meeting.id,
                   contact_id=invitation.contact_id,
                   account_id=invitation.account_id)


def invitation_message(invitation: Invitation, *, now: datetime,
                       change: MeetingChange | None = None, again: bool = False) -> Outgoing:
    """The invitation, or its update (saying what changed and why) when this person already
    holds an earlier SEQUENCE; `again` when they are invited anew after a withdrawal."""
    kind = MailKind.INVITE if invitation.sent_sequence is None else MailKind.UPDATE
    return _imip(invitation, kind, "invitation", method="REQUEST", now=now, change=change,
                 again=again)


def cancellation_message(invitation: Invitation, *, now: datetime) -> Outgoing:
    """METHOD:CANCEL with the same UID: the meeting leaves this person's calendar. It says
    why when a reason was given, and carries no join link, deadline or answer link."""
    return _imip(invitation, MailKind.CANCEL, "cancellation", method="CANCEL", now=now)


def withdrawal_message(invitation: Invitation, *, now: datetime) -> Outgoing:
    """This person is no longer invited while the meeting goes on: a CANCEL naming only
    them (RFC 5546 3.2.5), so it leaves their calendar, in words that do not say the
    meeting is cancelled."""
    return _imip(invitation, MailKind.INVITATION_WITHDRAWN, "invitation_withdrawn",
                 method="CANCEL", now=now, uninvite=True)


def agenda_message(invitation: Invitation, changes: dict, *, now: datetime) -> Outgoing:
    """The published (or changed) agenda, as an update of the invitation: one message."""
    return _imip(invitation, MailKind.AGENDA, "agenda", method="REQUEST", now=now,
                 changes=changes)


def reminder_message(invitation: Invitation, *, days: int, now: datetime) -> Outgoing:
    """The meeting is `days` days away (or today), once per reminder and SEQUENCE."""
    meeting = invitation.meeting
    recipient = to_invitee(invitation)
    with force_locale(recipient.language):
        context = {"meeting": meeting, "title": series_title(meeting.series), "days": days,
                   "event": meeting_event(meeting, recipient.language, private=True),
                   "links": rsvp_links(invitation), "page": meeting_url(meeting),
                   **_times(meeting, recipient)}
    key = outbox_key("reminder", meeting=meeting.id, **invitee_ids(invitation),
                     days=days, seq=meeting.sequence)
    return compose(MailKind.REMINDER, key, "reminder", recipient=recipient,
                   sender=organizer_of(meeting), now=now, context=context,
                   meeting_id=meeting.id, contact_id=invitation.contact_id,
                   account_id=invitation.account_id)


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
