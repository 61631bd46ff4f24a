"""The dashboard: what needs the coordinator's attention now."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.models import (
    Deadline,
    DeadlineKind,
    Meeting,
    MeetingStatus,
    Organisation,
    OutboxMessage,
    OutboxState,
    RegistrationState,
    Series,
    Suggestion,
    SuggestionState,
)
from coordinator.present import series_title
from coordinator.scheduler.runs import failing_jobs
from coordinator.services import permissions
from coordinator.services.outbox import visible_messages
from coordinator.web.workspace import bp, me

AHEAD = timedelta(days=90)
SOON = timedelta(days=21)


@bp.get("/")
def dashboard():
    now, account = utc_now(), me()
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
    # An agenda is late when its due date has passed and it is still not published.
    late = [m for m in db.session.scalars(
        select(Meeting).join(Meeting.series).where(
            scope, Meeting.status == MeetingStatus.SCHEDULED, Meeting.end_at > now,
            Meeting.agenda_published_at.is_(None), Meeting.start_at < now + AHEAD)
        .options(joinedload(Meeting.series)).order_by(Meeting.start_at))
        if m.deadlines.agenda_due <= now]
    failed = db.session.scalar(visible_messages(account).where(
        OutboxMessage.state == OutboxState.FAILED)
        .with_only_columns(func.count(OutboxMessage.id)))
    registrations = db.session.scalar(select(func.count(Organisation.id)).where(
        Organisation.registration_state == RegistrationState.VERIFIED)) \
        if permissions.is_secretariat(account) else 0
    return render_template("workspace/dashboard.html", upcoming=upcoming,
                           registrations=registrations,
                           deadlines=deadlines, waiting=waiting, late=late, failed=failed or 0,
                           failing=failing_jobs(),
                           series_title=series_title, deadline_kinds=DeadlineKind,
                           series_count=db.session.scalar(
                               select(func.count(Series.id)).where(scope)))
