"""The coordinator's answers to suggested topics, as one operation for every door.

The workspace, the API and the command line each parse a decision their own way and
call `decide_suggestion`, which checks it (and the fields that decision needs) before
any state changes; so a decline without a reason, or a merge without a target, is
refused in the same words everywhere. Holding outcomes until they are announced
together is set here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from coordinator.accounts import permissions
from coordinator.agendas import suggestions
from coordinator.cadence.errors import N_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.models import Account, Contact, Meeting, Suggestion, SuggestionState
from coordinator.unit import Actor, unit_of_work


class Decision(StrEnum):
    ACCEPT = "accept"  # onto the agenda draft
    DECLINE = "decline"  # a reason is required: it is sent and published
    DEFER = "defer"  # to the series' next meeting
    MERGE = "merge"  # into another suggestion for the same meeting


def a_decision(value: str | None) -> Decision:
    """The decision named by a door's input, or the refusal every door shows."""
    try:
        return Decision((value or "").strip())
    except ValueError as exc:
        raise InvalidInput(N_("Choose a decision."), field="decision") from exc


def decide_suggestion(suggestion_id: int, decision: Decision | str, *, now: datetime,
                      actor: Actor, reason: str | None = None,
                      into_id: int | None = None) -> Suggestion:
    """Accept, decline, defer or merge a pending topic; the proposer is told (or the
    outcome is held until the meeting's outcomes are announced)."""
    ensure_aware(now, "now")
    chosen = a_decision(decision)
    reason = (reason or "").strip() or None
    if chosen == Decision.DECLINE and reason is None:
        raise InvalidInput(N_("Say why the topic is declined: the reason is sent and "
                              "published."), field="reason")
    if chosen == Decision.MERGE and into_id is None:
        raise InvalidInput(N_("Choose the suggestion to join it with."), field="into")
    if chosen == Decision.ACCEPT:
        return suggestions.accept_suggestion(suggestion_id, now=now, actor=actor,
                                             reason=reason)
    if chosen == Decision.DECLINE:
        assert reason is not None
        return suggestions.decline_suggestion(suggestion_id, reason=reason, now=now,
                                              actor=actor)
    if chosen == Decision.DEFER:
        return suggestions.defer_suggestion(suggestion_id, now=now, actor=actor, reason=reason)
    assert into_id is not None
    return suggestions.merge_suggestion(suggestion_id, into_id, now=now, actor=actor,
                                        reason=reason)


def hold_outcomes(meeting_id: int, hold: bool, *, now: datetime, actor: Actor) -> Meeting:
    """Hold the outcomes of this meeting's topics until they are announced together (or
    tell each proposer as soon as their topic is decided). Outcomes already held stay
    held until `release_outcomes`."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        meeting = unit.lock_meeting(meeting_id)
        if meeting is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        if meeting.hold_outcomes != hold:
            meeting.hold_outcomes = hold
            unit.record("meeting.hold_outcomes", "meeting", meeting.id, hold=hold)
    return meeting


def held_count(meeting_id: int) -> int:
    """How many decided topics of a meeting wait to be announced."""
    return db.session.scalar(select(func.count(Suggestion.id)).where(
        Suggestion.meeting_id == meeting_id, Suggestion.decided_at.is_not(None),
        Suggestion.released_at.is_(None))) or 0


def suggestions_for(meeting_id: int) -> list[Suggestion]:
    """Every topic suggested for a meeting, in the order they came, with who sent it."""
    if row(Meeting, meeting_id) is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    return list(db.session.scalars(
        select(Suggestion).where(Suggestion.meeting_id == meeting_id)
        .options(selectinload(Suggestion.contact).selectinload(Contact.organisation))
        .order_by(Suggestion.created_at, Suggestion.id)))


def find_suggestion(suggestion_id: int) -> Suggestion:
    found = row(Suggestion, suggestion_id)
    if found is None:
        raise NotFound(N_("No suggestion %(id)s."), id=suggestion_id)
    return found


@dataclass
class ModerationView:
    """A meeting's topics as its coordinator moderates them."""

    pending: list[Suggestion]
    decided: list[Suggestion]

    @property
    def held(self) -> list[Suggestion]:
        return [s for s in self.decided if s.released_at is None]


def moderation_view(meeting_id: int) -> ModerationView:
    """Topics waiting for a decision (in the order they came) and decided ones (in the
    order they were decided)."""
    pending = db.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == meeting_id, Suggestion.state == SuggestionState.SUBMITTED)
        .order_by(Suggestion.created_at, Suggestion.id)).all()
    decided = db.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == meeting_id, Suggestion.decided_at.is_not(None))
        .order_by(Suggestion.decided_at, Suggestion.id)).all()
    return ModerationView(list(pending), list(decided))


def moderation_queue(account: Account, *, now: datetime) -> list[Suggestion]:
    """Every topic waiting for a decision on a meeting still to end, in the account's
    scope, by meeting then arrival."""
    return list(db.session.scalars(
        select(Suggestion).join(Suggestion.meeting).join(Meeting.series)
        .where(Suggestion.state == SuggestionState.SUBMITTED,
               permissions.series_scope(account), Meeting.end_at > now)
        .options(contains_eager(Suggestion.meeting).contains_eager(Meeting.series),
                 selectinload(Suggestion.contact).selectinload(Contact.organisation))
        .order_by(Meeting.start_at, Suggestion.created_at)))
