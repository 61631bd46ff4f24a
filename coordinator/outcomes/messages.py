"""Mail about outcomes: published minutes to participants, action items to their owners.

Below the services (see coordinator/mail/compose.py): what a service knows (the text in
the reader's language, the days left) is passed in.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, format_date
from markupsafe import Markup

from coordinator.calendar.from_meeting import meeting_url
from coordinator.i18n import local_time, written_in_note
from coordinator.mail.addressing import (
    invitee_ids,
    organizer_of,
    secretariat,
    to_account,
    to_contact,
    to_invitee,
)
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, Contact, Invitation
from coordinator.outcomes.models import ActionItem, MinutesVersion
from coordinator.present import committee_name, country_name, series_title, translated


def minutes_message(invitation: Invitation, version: MinutesVersion, *, text: str,
                    html: str, written_in: str | None, now: datetime) -> Outgoing:
    """One version of the minutes to one participant. `text` is the Markdown in the
    reader's language where a current translation exists (`written_in` says which), and
    `html` that text rendered and sanitised."""
    meeting = invitation.meeting
    recipient = to_invitee(invitation)
    with force_locale(recipient.language):
        note = written_in_note(written_in) if written_in != recipient.language else ""
        context = {"meeting": meeting, "title": series_title(meeting.series),
                   "when": local_time(meeting.start_at, recipient.zone, "long"),
                   "version": version, "text": text,
                   "html": Markup(html),  # noqa: S704  (sanitised by nh3 on rendering)
                   "decisions": version.decisions, "written_in_note": note,
                   "link": meeting_url(meeting)}
    ids = invitee_ids(invitation)
    # One per person and version: a corrected version is mailed again, a retry is not.
    key = outbox_key("minutes", meeting=meeting.id, v=version.version, **ids)
    return compose(MailKind.MINUTES, key, "minutes_published", recipient=recipient,
                   sender=organizer_of(meeting), now=now, context=context,
                   meeting_id=meeting.id, contact_id=ids.get("contact"),
                   account_id=ids.get("account"))


def owner_label(item: ActionItem) -> str:
    """The item's owner in the current reader's language."""
    if item.owner_country is not None:
        return country_name(item.owner_country)
    if item.owner_committee is not None:
        return committee_name(item.owner_committee)
    return item.owner_name


def _about_item(item: ActionItem, person: Contact | Account, kind: MailKind, template: str,
                key: str, now: datetime, **extra: object) -> Outgoing:
    recipient = to_contact(person) if isinstance(person, Contact) else to_account(person)
    with force_locale(recipient.language):
        shown = translated(item, "text")
        context = {"item": item, "text": shown.text if shown else item.text,
                   "written_in_note": (written_in_note(shown.language)
                                       if shown and shown.foreign_to(recipient.language)
                                       else ""),
                   "owner": owner_label(item), "due": format_date(item.due_on, "long"),
                   "series": series_title(item.series),
                   "link": meeting_url(item.meeting) if item.meeting is not None else None,
                   **extra}
    contact = isinstance(person, Contact)
    # Replies ("it is done") go to whoever coordinates the meeting it came from.
    sender = organizer_of(item.meeting) if item.meeting is not None else secretariat()
    return compose(kind, key, template, recipient=recipient, now=now, context=context,
                   sender=sender, meeting_id=item.meeting_id,
                   contact_id=person.id if contact else None,
                   account_id=None if contact else person.id)


def _who(person: Contact | Account) -> dict[str, int]:
    return {"contact" if isinstance(person, Contact) else "account": person.id}


def action_item_reminder_message(item: ActionItem, person: Contact | Account, *,
                                 days_left: int, offset: int, now: datetime) -> Outgoing:
    """Before the due date: one per owner's person, due date and reminder (`offset`: the
    configured number of days this reminder stands for), so a moved date is reminded
    again and a rerun is not."""
    key = outbox_key("action-item", item.id, "remind", due=item.due_on, days=offset,
                     **_who(person))
    return _about_item(item, person, MailKind.ACTION_ITEM_REMINDER, "action_item_reminder",
                       key, now, days_left=days_left)


def action_item_overdue_message(item: ActionItem, person: Contact | Account, *,
                                now: datetime) -> Outgoing:
    """Once the due date has passed: once per person and due date."""
    key = outbox_key("action-item", item.id, "overdue", due=item.due_on, **_who(person))
    return _about_item(item, person, MailKind.ACTION_ITEM_OVERDUE, "action_item_overdue",
                       key, now)
