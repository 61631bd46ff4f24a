"""Answers to invitations, given through personal links, and their counts per meeting."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import RSVP_LINK
from coordinator.models import Answer, Invitation, Meeting
from coordinator.unit import Actor, unit_of_work

# Interpretation may be needed into more languages than the service's five.
MAX_LANGUAGE_TAG = 8


def _language(value: str | None, name: str) -> str | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    if len(value) > MAX_LANGUAGE_TAG or not value.replace("-", "").isalpha():
        raise InvalidInput("Choose a language from the list.", field=name)
    return value


def answer_invitation(invitation: Invitation, *, answer: str, speaks: str | None,
                      interpretation_into: str | None, now: datetime) -> Invitation:
    """Record a participant's answer; answering again replaces the earlier answer."""
    ensure_aware(now, "now")
    try:
        chosen = Answer(answer)
    except ValueError as exc:
        raise InvalidInput("Choose yes, maybe or no.", field="answer") from exc
    if chosen == Answer.NEEDS_ACTION:
        raise InvalidInput("Choose yes, maybe or no.", field="answer")
    speaks_tag = _language(speaks, "speaks")
    into_tag = _language(interpretation_into, "interpretation")
    if RSVP_LINK.gone(invitation, now) is not None:
        raise Conflict(gettext("This meeting is over or cancelled."))
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


def rsvp_summary(meeting_id: int) -> RsvpSummary:
    """What a coordinator needs to plan the room and the interpreters."""
    if db.session.get(Meeting, meeting_id) is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    rows = db.session.scalars(select(Invitation).where(
        Invitation.meeting_id == meeting_id, Invitation.cancelled.is_(False),
        Invitation.sent_sequence.is_not(None))).all()
    answers = Counter(r.answer.value for r in rows)
    coming = [r for r in rows if r.answer in (Answer.ACCEPTED, Answer.TENTATIVE)]
    return RsvpSummary(
        answers={a.value: answers.get(a.value, 0) for a in Answer},
        speaks=dict(Counter(r.speaks_language for r in coming if r.speaks_language)),
        interpretation_into=dict(Counter(r.interpretation_into for r in coming
                                         if r.interpretation_into)),
    )

