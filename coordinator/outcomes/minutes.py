"""Writing and publishing a meeting's minutes (issue 16: the record of what was decided,
mailed to every participant in their language, corrected only by a new version)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import supported_language
from coordinator.mail.outbox import enqueue
from coordinator.models import Invitation, Meeting, MeetingStatus
from coordinator.outcomes import action_items, rendering
from coordinator.outcomes.messages import minutes_message
from coordinator.outcomes.models import Minutes, MinutesVersion
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TEXT, MAX_DECISIONS, MAX_DECISION, MAX_WHAT_CHANGED = 20000, 50, 500, 2000
AUDIT = "meeting"  # minutes are audited on their meeting, as its agenda is


def _meeting(unit: Unit, meeting_id: int) -> Meeting:
    meeting = unit.lock_meeting(meeting_id)
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("This meeting is cancelled: it has no minutes."))
    return meeting


def _controls(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" for c in text)


def _check_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(Np_("The minutes are longer than %(num)s character.",
                               "The minutes are longer than %(num)s characters."),
                           field="text", num=MAX_TEXT)
    if _controls(text):
        raise InvalidInput(N_("The minutes contain control characters."), field="text")
    tag = rendering.html_tag_in(text)
    if tag is not None:
        raise InvalidInput(N_("Write the minutes in Markdown: HTML such as %(tag)s is not "
                              "accepted."), field="text", tag=tag)
    return text


def _check_decisions(decisions: Sequence[str]) -> list[str]:
    kept = [d.strip() for d in decisions if d and d.strip()]
    if len(kept) > MAX_DECISIONS:
        raise InvalidInput(Np_("Record at most %(num)s decision.",
                               "Record at most %(num)s decisions."),
                           field="decisions", num=MAX_DECISIONS)
    for decision in kept:
        if len(decision) > MAX_DECISION:
            raise InvalidInput(Np_("A decision is longer than %(num)s character.",
                                   "A decision is longer than %(num)s characters."),
                               field="decisions", num=MAX_DECISION)
        if _controls(decision) or "\n" in decision:
            raise InvalidInput(N_("Write each decision on one line."), field="decisions")
    return kept


def save_draft(meeting_id: int, *, text: str, decisions: Sequence[str] = (),
               written_in: str | None = None, now: datetime, actor: Actor) -> Minutes:
    """Keep the coordinator's draft (before, during or after the meeting); readers see
    only published versions."""
    ensure_aware(now, "now")
    text, kept = _check_text(text), _check_decisions(decisions)
    with unit_of_work(actor, now) as unit:
        meeting = _meeting(unit, meeting_id)
        language = content.author_language(unit, written_in)
        minutes = unit.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is None:
            minutes = Minutes(meeting_id=meeting.id, text="", decisions=[], version=0,
                              created_at=now)
            unit.session.add(minutes)
        changed = (minutes.text, list(minutes.decisions or [])) != (text, kept)
        minutes.text, minutes.decisions = text, kept
        minutes.written_in = language or minutes.written_in
        minutes.account_id, minutes.updated_at = actor.account_id, now
        if changed:
            minutes.dirty = True
        unit.session.flush()
        unit.record("minutes.draft", AUDIT, meeting.id, minutes=minutes.id,
                    length=len(text), decisions=len(kept))
    return minutes


def publish_minutes(meeting_id: int, *, now: datetime, actor: Actor,
                    what_changed: str | None = None) -> MinutesVersion:
    """Publish the draft as the next version and mail it to every participant; a later
    version says what changed. The next meeting's draft agenda gets the open action items."""
    ensure_aware(now, "now")
    note = (what_changed or "").replace("\r\n", "\n").strip() or None
    if note is not None and len(note) > MAX_WHAT_CHANGED:
        raise InvalidInput(Np_("Say what changed in at most %(num)s character.",
                               "Say what changed in at most %(num)s characters."),
                           field="what_changed", num=MAX_WHAT_CHANGED)
    if note is not None and _controls(note):
        raise InvalidInput(N_("The note on what changed contains control characters."),
                           field="what_changed")
    with unit_of_work(actor, now) as unit:
        meeting = _meeting(unit, meeting_id)
        if meeting.start_at > now:
            raise Conflict(N_("Minutes can be published once the meeting has started."),
                           field="minutes")
        minutes = unit.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
        if minutes is None or not minutes.text:
            raise Conflict(N_("Write the minutes before publishing them."), field="text")
        if minutes.version > 0 and not minutes.dirty:
            raise Conflict(N_("Nothing changed since the last publication."), field="minutes")
        if minutes.version > 0 and note is None:
            raise InvalidInput(N_("Say what changed since the last version."),
                               field="what_changed")
        minutes.version += 1
        minutes.dirty = False
        version = MinutesVersion(
            minutes_id=minutes.id, meeting_id=meeting.id, version=minutes.version,
            text=minutes.text, html=rendering.to_html(minutes.text),
            decisions=list(minutes.decisions or []), written_in=minutes.written_in,
            what_changed=note, account_id=actor.account_id, published_at=now)
        unit.session.add(version)
        unit.session.flush()
        sent = _mail_participants(unit, meeting, minutes, version)
        unit.record("minutes.publish", AUDIT, meeting.id, version=version.version,
                    messages=sent)
        action_items.follow_up_on_next_meeting(meeting.id, now=now, actor=actor)
    return version


def _mail_participants(unit: Unit, meeting: Meeting, minutes: Minutes,
                       version: MinutesVersion) -> int:
    """Each invited person (not withdrawn) gets this version in their language: the
    current translation of this very text where one exists, else the original."""
    invitations = unit.session.scalars(select(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.cancelled.is_(False))
        .order_by(Invitation.id))
    translations = content.for_meetings([meeting], session=unit.session)
    rendered: dict[str, str] = {version.text: version.html}
    sent = 0
    for invitation in invitations:
        reader = supported_language(invitation.invitee.language)
        shown = translations.show("minutes", minutes.id, "text", version.text,
                                  version.written_in, reader)
        if shown.text not in rendered:
            rendered[shown.text] = rendering.to_html(shown.text)
        html = rendered[shown.text]
        sent += enqueue(unit.session, minutes_message(
            invitation, version, text=shown.text, html=html, written_in=shown.language,
            now=unit.now), unit.now)
    return sent


def minutes_of(meeting: Meeting) -> MinutesVersion | None:
    """The latest published version (None: none yet): what pages, feeds and the API show."""
    return db.session.scalar(select(MinutesVersion).where(
        MinutesVersion.meeting_id == meeting.id)
        .order_by(MinutesVersion.version.desc()).limit(1))


def draft_of(meeting: Meeting) -> Minutes | None:
    """The draft and its state (version, unpublished changes), for the coordinator."""
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def versions_of(meeting: Meeting) -> list[MinutesVersion]:
    """Every published version, oldest first (the record of corrections)."""
    return list(db.session.scalars(select(MinutesVersion).where(
        MinutesVersion.meeting_id == meeting.id).order_by(MinutesVersion.version)))
