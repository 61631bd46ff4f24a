"""Who gets which invitation, update, cancellation and reminder, and when.

Every function here runs inside the caller's unit of work, so the notifications are
written to the outbox in the same transaction as the change that causes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from blinker import Namespace
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coordinator.cadence.deadlines import deadlines_for
from coordinator.invitations.messages import (
    MeetingChange,
    agenda_message,
    agenda_reminder_message,
    cancellation_message,
    invitation_message,
    reminder_message,
    withdrawal_message,
)
from coordinator.mail.outbox import enqueue
from coordinator.models import (
    Account,
    Answer,
    Contact,
    Deadline,
    DeadlineKind,
    Invitation,
    Meeting,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    RegistrationState,
)
from coordinator.unit import Unit

# When one contact holds several roles, the invitation shows the strongest.
ROLE_RANK = {ParticipantRole.INVITED: 0, ParticipantRole.OBSERVER: 1,
             ParticipantRole.REPRESENTATIVE: 2}


def invitation_horizon() -> timedelta:
    return timedelta(days=int(current_app.config["INVITE_HORIZON_DAYS"]))


def in_invitation_phase(meeting: Meeting, now: datetime) -> bool:
    """Invitations go out this long before a meeting (and at once for one scheduled later)."""
    return (meeting.status == MeetingStatus.SCHEDULED and meeting.end_at > now
            and meeting.start_at - invitation_horizon() <= now)


def audience(unit: Unit, meeting: Meeting) -> dict[int, tuple[Contact, ParticipantRole]]:
    """The contacts a meeting invites: its series' and its own participants, expanded."""
    participants = unit.session.scalars(
        select(Participant)
        .where((Participant.series_id == meeting.series_id)
               | (Participant.meeting_id == meeting.id))
        .options(selectinload(Participant.organisation).selectinload(Organisation.contacts),
                 selectinload(Participant.contact))
    ).all()
    people: dict[int, tuple[Contact, ParticipantRole]] = {}
    for participant in participants:
        if participant.contact is not None:
            contacts = [participant.contact]
        elif (participant.organisation is not None and participant.organisation
              .registration_state == RegistrationState.APPROVED):
            contacts = list(participant.organisation.contacts)
        else:
            contacts = []
        for contact in contacts:
            if not contact.active:
                continue
            held = people.get(contact.id)
            if held is None or ROLE_RANK[participant.role] > ROLE_RANK[held[1]]:
                people[contact.id] = (contact, participant.role)
    return people


def account_audience(unit: Unit, meeting: Meeting) -> dict[int, tuple[Account, ParticipantRole]]:
    """The accounts a meeting invites: government coordinators invited to the special
    coordinators' meeting (recommendation 8), through its series or itself."""
    participants = unit.session.scalars(
        select(Participant)
        .where((Participant.series_id == meeting.series_id)
               | (Participant.meeting_id == meeting.id), Participant.account_id.is_not(None))
        .options(selectinload(Participant.account)))
    people: dict[int, tuple[Account, ParticipantRole]] = {}
    for participant in participants:
        account = participant.account
        if account is None or not account.is_active:
            continue
        held = people.get(account.id)
        if held is None or ROLE_RANK[participant.role] > ROLE_RANK[held[1]]:
            people[account.id] = (account, participant.role)
    return people


def send_invitations(unit: Unit, meeting: Meeting) -> int:
    """Queue a REQUEST for every invited contact who lacks this SEQUENCE; returns how many."""
    if not in_invitation_phase(meeting, unit.now):
        return 0
    rows = list(unit.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id)))
    existing = {i.contact_id: i for i in rows if i.contact_id is not None}
    by_account = {i.account_id: i for i in rows if i.account_id is not None}
    people: list[tuple[Invitation | None, Contact | None, Account | None, ParticipantRole]] = [
        (existing.get(contact_id), contact, None, role)
        for contact_id, (contact, role) in audience(unit, meeting).items()]
    people += [(by_account.get(account_id), None, account, role)
               for account_id, (account, role) in account_audience(unit, meeting).items()]
    queued = 0
    for invitation, contact, account, role in people:
        again = False
        if invitation is None:
            invitation = Invitation(meeting=meeting, contact=contact, account=account,
                                    role=role, created_at=unit.now)
            unit.session.add(invitation)
            unit.session.flush()
        elif invitation.cancelled:
            invitation.cancelled = False  # invited again after being removed
            invitation.sent_sequence = None
            again = True
        invitation.role = role
        if invitation.sent_sequence != meeting.sequence:
            _queue_request(unit, invitation, again=again)
            queued += 1
    return queued


def _queue_request(unit: Unit, invitation: Invitation, method: str = "REQUEST",
                   changes: dict | None = None, *, change: MeetingChange | None = None,
                   withdraw: bool = False, again: bool = False) -> None:
    if withdraw:
        outgoing = withdrawal_message(invitation, now=unit.now)
    elif method == "CANCEL":
        outgoing = cancellation_message(invitation, now=unit.now)
    elif changes is not None:
        outgoing = agenda_message(invitation, changes, now=unit.now)
    else:
        outgoing = invitation_message(invitation, now=unit.now, change=change, again=again)
    enqueue(unit.session, outgoing, unit.now)
    if method == "CANCEL" or withdraw:
        invitation.cancelled = True
    else:
        invitation.sent_sequence = invitation.meeting.sequence


AGENDA_REMINDER_DAYS = (3, 0)


# Sent inside the unit of work when a meeting's suggestion window opens; the suggestions
# domain answers (it mails the topic links) with how many messages it queued. A signal,
# not an import: suggestions already build on agendas, which build on invitations.
_signals = Namespace()
suggestion_window_opened = _signals.signal("suggestion-window-opened")


def send_suggestion_links(unit: Unit, meeting: Meeting) -> int:
    """The suggestion window is open: each invited contact gets their personal topic link."""
    answers = suggestion_window_opened.send(unit, meeting=meeting)
    return sum(int(queued or 0) for _, queued in answers)


def invited(unit: Unit, meeting: Meeting, *, declined: bool = True) -> list[Invitation]:
    """The meeting's live invitations (those sent and not cancelled)."""
    return [i for i in _invited(unit, meeting) if declined or i.answer != Answer.DECLINED]


def remind_coordinator(unit: Unit, meeting: Meeting, days: int) -> int:
    """The agenda is due in `days` days (or today) and not published: tell its coordinator."""
    if meeting.agenda_published_at is not None:
        return 0
    coordinator = meeting.series.coordinator
    if coordinator is None:
        return 0
    return enqueue(unit.session, agenda_reminder_message(coordinator, meeting, days=days,
                                                         now=unit.now), unit.now)


def meeting_created(unit: Unit, meeting: Meeting) -> int:
    """A new meeting: set its deadlines, and invite at once if it is already close."""
    sync_deadlines(unit, meeting)
    return send_invitations(unit, meeting)


def meeting_changed(unit: Unit, meeting: Meeting, change: MeetingChange | None = None) -> int:
    """After a move or a change of details: re-arm deadlines, update those already invited,
    saying what changed (old and new time, place, online link) and why, when the caller
    knows (`change`, built from `Before.of(meeting)` taken before the change)."""
    sync_deadlines(unit, meeting)
    updated = 0
    for invitation in _invited(unit, meeting):
        if invitation.sent_sequence != meeting.sequence:
            _queue_request(unit, invitation, change=change)
            updated += 1
    return updated + send_invitations(unit, meeting)


def agenda_published(unit: Unit, meeting: Meeting, changes: dict) -> int:
    """Everyone invited gets the agenda as an update of their invitation (one message)."""
    invited = _invited(unit, meeting)
    for invitation in invited:
        _queue_request(unit, invitation, changes=changes)
    return len(invited) + meeting_changed(unit, meeting)


def meeting_cancelled(unit: Unit, meeting: Meeting) -> int:
    """Tell everyone who holds the invitation, with METHOD:CANCEL and the same UID."""
    sync_deadlines(unit, meeting)
    invited = _invited(unit, meeting)
    for invitation in invited:
        _queue_request(unit, invitation, method="CANCEL")
    return len(invited)


def withdraw_uninvited(unit: Unit, meeting: Meeting) -> int:
    """After a participant is removed: those no longer invited are told their invitation
    is withdrawn (not that the meeting is cancelled: it goes on), with a CANCEL naming
    only them (RFC 5546 3.2.5, same UID), so it leaves their calendar; everyone else's
    invitation stands."""
    still = audience(unit, meeting)
    accounts = account_audience(unit, meeting)
    gone = [i for i in _invited(unit, meeting)
            if (i.contact_id not in still if i.contact_id is not None
                else i.account_id not in accounts)]
    for invitation in gone:
        _queue_request(unit, invitation, withdraw=True)
    return len(gone)


def _invited(unit: Unit, meeting: Meeting) -> list[Invitation]:
    return list(unit.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id,
                                 Invitation.sent_sequence.is_not(None),
                                 Invitation.cancelled.is_(False))
        .options(selectinload(Invitation.contact))))


def sync_deadlines(unit: Unit, meeting: Meeting) -> None:
    """Make the meeting's pending deadlines match its start; send what is already due."""
    rows = {(d.kind, d.offset_days): d for d in unit.session.scalars(
        select(Deadline).where(Deadline.meeting_id == meeting.id))}
    if meeting.status == MeetingStatus.CANCELLED or meeting.end_at <= unit.now:
        for row in rows.values():
            if row.done_at is None:
                unit.session.delete(row)
        return
    dates = deadlines_for(meeting.start_local, meeting.series.offsets)
    wanted = {
        (DeadlineKind.INVITATIONS, 0): meeting.start_at - invitation_horizon(),
        (DeadlineKind.SUGGESTIONS_OPEN, 0): dates.suggestions_open,
    }
    for days, moment in zip(meeting.series.offsets.reminders, dates.reminders, strict=True):
        wanted[(DeadlineKind.REMINDER, days)] = moment
    if meeting.agenda_published_at is None:
        # Recommendation 5: the coordinator is reminded 3 days before the agenda is due
        # and on the day.
        for days in AGENDA_REMINDER_DAYS:
            wanted[(DeadlineKind.AGENDA_REMINDER, days)] = dates.agenda_due - timedelta(days=days)
    for (kind, days), due in wanted.items():
        existing = rows.pop((kind, days), None)
        if existing is None:
            # A deadline already past when it is set is skipped (a reminder for a meeting
            # scheduled at short notice), except while what it opens is still open.
            still_open = kind == DeadlineKind.SUGGESTIONS_OPEN and dates.suggestions_close > \
                unit.now
            unit.session.add(Deadline(
                meeting=meeting, kind=kind, offset_days=days, due_at=due,
                done_at=unit.now if due <= unit.now and not still_open else None))
        elif existing.due_at != due:
            existing.due_at = due
            if kind != DeadlineKind.INVITATIONS and due > unit.now:
                existing.done_at = None  # the meeting moved: act again before the new date
    for row in rows.values():
        unit.session.delete(row)
    unit.session.flush()


def act_on(unit: Unit, deadline: Deadline) -> int:
    """Do what a due deadline asks; returns how many messages were queued."""
    meeting = deadline.meeting
    deadline.done_at = unit.now
    if meeting.status == MeetingStatus.CANCELLED or meeting.end_at <= unit.now:
        return 0
    if deadline.kind == DeadlineKind.INVITATIONS:
        return send_invitations(unit, meeting)
    if deadline.kind == DeadlineKind.SUGGESTIONS_OPEN:
        return send_suggestion_links(unit, meeting)
    if deadline.kind == DeadlineKind.AGENDA_REMINDER:
        return remind_coordinator(unit, meeting, deadline.offset_days)
    queued = 0
    for invitation in _invited(unit, meeting):
        if invitation.answer == Answer.DECLINED:
            continue
        queued += enqueue(unit.session, reminder_message(
            invitation, days=deadline.offset_days, now=unit.now), unit.now)
    return queued
