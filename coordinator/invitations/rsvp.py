"""Answers to invitations, given through personal links, and their counts per meeting."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.links import RSVP_LINK
from coordinator.models import Answer, Contact, Invitation, Meeting
from coordinator.unit import Actor, unit_of_work

# Interpretation may be needed into more languages than the service's five.
MAX_LANGUAGE_TAG = 8


def _language(value: str | None, name: str) -> str | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    if len(value) > MAX_LANGUAGE_TAG or not value.replace("-", "").isalpha():
        raise InvalidInput(N_("Choose a language from the list."), field=name)
    return value


def answer_invitation(invitation: Invitation, *, answer: str, speaks: str | None,
                      interpretation_into: str | None, now: datetime) -> Invitation:
    """Record a participant's answer; answering again replaces the earlier answer."""
    ensure_aware(now, "now")
    try:
        chosen = Answer(answer)
    except ValueError as exc:
        raise InvalidInput(N_("Choose yes, maybe or no."), field="answer") from exc
    if chosen == Answer.NEEDS_ACTION:
        raise InvalidInput(N_("Choose yes, maybe or no."), field="answer")
    speaks_tag = _language(speaks, "speaks")
    into_tag = _language(interpretation_into, "interpretation")
    if RSVP_LINK.gone(invitation, now) is not None:
        raise Conflict(N_("This meeting is over or cancelled."))
    with unit_of_work(Actor("rsvp-link"), now) as unit:
        invitation.answer, invitation.answered_at = chosen, now
        invitation.speaks_language, invitation.interpretation_into = speaks_tag, into_tag
        unit.record("invitation.answer", "invitation", invitation.id, answer=chosen.value,
                    speaks=speaks_tag, interpretation_into=into_tag,
                    contact=invitation.contact_id)
    return invitation


@dataclass
class RsvpSummary:
    answers: dict[str, int] = field(default_factory=dict)
    speaks: dict[str, int] = field(default_factory=dict)
    interpretation_into: dict[str, int] = field(default_factory=dict)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    return meeting


def _invited(meeting_id: int) -> list[Invitation]:
    """Everyone who holds a current invitation: sent, and not withdrawn."""
    return list(db.session.scalars(select(Invitation).where(
        Invitation.meeting_id == meeting_id, Invitation.cancelled.is_(False),
        Invitation.sent_sequence.is_not(None))
        .options(selectinload(Invitation.contact).selectinload(Contact.organisation))))


def rsvp_summary(meeting_id: int) -> RsvpSummary:
    """What a coordinator needs to plan the room and the interpreters."""
    _meeting(meeting_id)
    rows = _invited(meeting_id)
    answers = Counter(r.answer.value for r in rows)
    coming = [r for r in rows if r.answer in (Answer.ACCEPTED, Answer.TENTATIVE)]
    return RsvpSummary(
        answers={a.value: answers.get(a.value, 0) for a in Answer},
        speaks=dict(Counter(r.speaks_language for r in coming if r.speaks_language)),
        interpretation_into=dict(Counter(r.interpretation_into for r in coming
                                         if r.interpretation_into)),
    )



ANSWER_LABELS = {
    Answer.ACCEPTED.value: lazy_gettext("Yes"),
    Answer.TENTATIVE.value: lazy_gettext("Maybe"),
    Answer.DECLINED.value: lazy_gettext("No"),
    Answer.NEEDS_ACTION.value: lazy_gettext("No answer yet"),
}
# Coming first, then maybe, then the rest: the order a coordinator plans the room in.
_ORDER = [Answer.ACCEPTED.value, Answer.TENTATIVE.value, Answer.DECLINED.value,
          Answer.NEEDS_ACTION.value]


@dataclass(frozen=True)
class RsvpDetail:
    """One invited person's answer, as the coordinator books the room and interpreters."""

    invitation_id: int
    organisation: str | None
    name: str
    email: str
    role: str
    answer: str  # an Answer value
    speaks: str | None  # a language tag
    interpretation_into: str | None  # a language tag
    answered_at: datetime | None

    @property
    def coming(self) -> bool:
        return self.answer in (Answer.ACCEPTED.value, Answer.TENTATIVE.value)


@dataclass(frozen=True)
class RsvpDetails:
    meeting: Meeting
    summary: RsvpSummary
    people: list[RsvpDetail]


def rsvp_details(meeting_id: int) -> RsvpDetails:
    """Who answered what: each invited person with their organisation, answer, the
    language they will speak and the one they need interpretation into, and when."""
    meeting = _meeting(meeting_id)
    people = []
    for invitation in _invited(meeting_id):
        contact = invitation.contact
        # An invitation may name an account rather than a contact (the special
        # coordinators' meeting): its person is then the account.
        person = contact if contact is not None else getattr(invitation, "account", None)
        organisation = getattr(contact, "organisation", None)
        people.append(RsvpDetail(
            invitation_id=invitation.id,
            organisation=organisation.name if organisation is not None else None,
            name=getattr(person, "name", "") or "", email=getattr(person, "email", "") or "",
            role=invitation.role.value, answer=invitation.answer.value,
            speaks=invitation.speaks_language,
            interpretation_into=invitation.interpretation_into,
            answered_at=invitation.answered_at))
    people.sort(key=lambda p: (_ORDER.index(p.answer), (p.organisation or "").casefold(),
                               p.name.casefold(), p.invitation_id))
    return RsvpDetails(meeting=meeting, summary=rsvp_summary(meeting_id), people=people)


def language_name(tag: str | None) -> str:
    """A language's own name where the service knows it, else its tag."""
    return "" if not tag else LANGUAGE_NAMES.get(tag, tag)


# OWASP "CSV injection": a spreadsheet runs a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe before formula starts."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rsvps_csv(meeting_id: int) -> str:
    """The RSVP details as CSV, headers in the reader's language, times in the meeting's
    zone; starts with a byte-order mark, without which Excel reads UTF-8 as Latin-1 and
    mangles the accents of names and of Kreyòl."""
    details = rsvp_details(meeting_id)
    zone = get_zone(details.meeting.zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Organisation"), gettext("Name"), gettext("Email"),
                     gettext("Role"), gettext("Answer"), gettext("Will speak"),
                     gettext("Interpretation into"),
                     gettext("Answered (%(zone)s)", zone=details.meeting.zone)])
    for p in details.people:
        answered = (p.answered_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                    if p.answered_at else "")
        writer.writerow([spreadsheet_safe(cell) for cell in (
            p.organisation or "", p.name, p.email, p.role, str(ANSWER_LABELS[p.answer]),
            language_name(p.speaks), language_name(p.interpretation_into), answered)])
    return "\ufeff" + out.getvalue()
