"""The dashboard's read model: what needs a coordinator's attention now, in their scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coordinator.accounts import permissions
from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.models import (
    Account,
    Answer,
    Committee,
    Deadline,
    Invitation,
    Meeting,
    MeetingStatus,
    Organisation,
    OutboxMessage,
    OutboxState,
    Proposal,
    ProposalState,
    RegistrationState,
    Role,
    Series,
    Suggestion,
    SuggestionState,
)
from coordinator.scheduler.runs import failing_jobs
from coordinator.tracking.outbox import MailBacklog, mail_backlog, visible_messages

AHEAD = timedelta(days=90)
SOON = timedelta(days=21)
# Interpreters are booked weeks ahead: needs for meetings this close are worth a notice.
INTERPRETATION_AHEAD = timedelta(days=30)


def agenda_late(meeting: Meeting, now: datetime) -> bool:
    """An agenda is late once its due date has passed and it is still not published."""
    return (meeting.status == MeetingStatus.SCHEDULED and meeting.agenda_published_at is None
            and meeting.end_at > now and meeting.deadlines.agenda_due <= now)


@dataclass(frozen=True)
class InterpretationNeed:
    """People coming to a meeting who need interpretation into one language."""

    meeting: Meeting
    language: str  # a language tag, e.g. "ht"
    people: int


@dataclass
class Dashboard:
    upcoming: list[Meeting]
    deadlines: list[Deadline]
    waiting: list[tuple[Meeting, int]]  # meetings with topics waiting for a decision
    late: list[Meeting]
    failed: int  # mail that could not be delivered, in the account's scope
    registrations: int  # confirmed registrations waiting for the secretariat
    failing: list  # scheduler jobs whose last run failed
    series_count: int
    mail: MailBacklog  # mail that cannot go out right now, in the account's scope
    proposals: list[tuple[Committee, int]]  # written proposals waiting, per committee
    interpretation: list[InterpretationNeed]  # meetings within 30 days


def dashboard_for(account: Account, now: datetime) -> Dashboard:
    ensure_aware(now, "now")
    scope = permissions.series_scope(account)
    upcoming = db.session.scalars(
        select(Meeting).join(Meeting.series).where(
            scope, Meeting.status == MeetingStatus.SCHEDULED, Meeting.end_at > now,
            Meeting.start_at < now + AHEAD)
        .options(joinedload(Meeting.series)).order_by(Meeting.start_at).limit(20)).all()
    deadlines = db.session.scalars(
        select(Deadline).join(Deadline.meeting).join(Meeting.series).where(
            scope, Deadline.done_at.is_(None), Deadline.due_at < now + SOON,
            Meeting.status == MeetingStatus.SCHEDULED)
        .options(joinedload(Deadline.meeting).joinedload(Meeting.series))
        .order_by(Deadline.due_at).limit(20)).all()
    waiting = db.session.execute(
        select(Meeting, func.count(Suggestion.id)).join(Suggestion.meeting)
        .join(Meeting.series).where(scope, Suggestion.state == SuggestionState.SUBMITTED,
                                    Meeting.end_at > now)
        .group_by(Meeting.id).order_by(Meeting.start_at)
        .options(selectinload(Meeting.series))).all()
    unpublished = db.session.scalars(
        select(Meeting).join(Meeting.series).where(
            scope, Meeting.status == MeetingStatus.SCHEDULED, Meeting.end_at > now,
            Meeting.agenda_published_at.is_(None), Meeting.start_at < now + AHEAD)
        .options(joinedload(Meeting.series)).order_by(Meeting.start_at))
    failed = db.session.scalar(visible_messages(account).where(
        OutboxMessage.state == OutboxState.FAILED)
        .with_only_columns(func.count(OutboxMessage.id)))
    registrations = db.session.scalar(select(func.count(Organisation.id)).where(
        Organisation.registration_state == RegistrationState.VERIFIED)) \
        if permissions.is_secretariat(account) else 0
    return Dashboard(
        mail=mail_backlog(visible_messages(account), now),
        proposals=proposals_waiting(account),
        interpretation=interpretation_needed(account, now),
        upcoming=list(upcoming), deadlines=list(deadlines),
        waiting=[(meeting, count) for meeting, count in waiting],
        late=[m for m in unpublished if agenda_late(m, now)], failed=failed or 0,
        registrations=registrations or 0, failing=failing_jobs(),
        series_count=db.session.scalar(select(func.count(Series.id)).where(scope)) or 0)


def proposals_waiting(account: Account) -> list[tuple[Committee, int]]:
    """Written proposals received or under consideration, per committee the account
    manages (the secretariat: every committee)."""
    if not account.is_active:
        return []
    query = (select(Committee, func.count(Proposal.id)).join(Proposal.committee)
             .where(Proposal.state.in_((ProposalState.RECEIVED,
                                        ProposalState.UNDER_CONSIDERATION)))
             .group_by(Committee.id).order_by(Committee.id))
    if account.role == Role.COMMITTEE_COORDINATOR and account.committee_id is not None:
        query = query.where(Committee.id == account.committee_id)
    elif not permissions.is_secretariat(account):
        return []
    return [(committee, count) for committee, count in db.session.execute(query)]


def interpretation_needed(account: Account, now: datetime) -> list[InterpretationNeed]:
    """Meetings in scope starting within 30 days where people coming (yes or maybe) need
    interpretation, per language: what the coordinator books interpreters from."""
    ensure_aware(now, "now")
    rows = db.session.execute(
        select(Meeting, Invitation.interpretation_into, func.count(Invitation.id))
        .join(Invitation.meeting).join(Meeting.series)
        .where(permissions.series_scope(account), Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.start_at > now, Meeting.start_at <= now + INTERPRETATION_AHEAD,
               Invitation.cancelled.is_(False), Invitation.sent_sequence.is_not(None),
               Invitation.answer.in_((Answer.ACCEPTED, Answer.TENTATIVE)),
               Invitation.interpretation_into.is_not(None))
        .group_by(Meeting.id, Invitation.interpretation_into)
        .order_by(Meeting.start_at, Meeting.id, Invitation.interpretation_into)
        .options(selectinload(Meeting.series))).all()
    return [InterpretationNeed(meeting, language or "", count)
            for meeting, language, count in rows]
