"""Building and publishing a meeting's agenda (recommendation 5: shared well in advance)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import func, select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations import services as invitations
from coordinator.links import row
from coordinator.models import (
    AgendaItem,
    AgendaPublication,
    Contact,
    ItemKind,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalState,
    Suggestion,
    SuggestionState,
)
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TITLE, MAX_PRESENTER = 200, 200

# Sent inside the unit of work when topics leave a meeting's agenda (accepted suggestions,
# proposals put on it): the suggestions domain answers (the topic's state follows and its
# proposer is told). A signal, not an import: that domain builds on this module.
_signals = Namespace()
topics_left_agenda = _signals.signal("topics-left-agenda")


def _meeting(unit: Unit, meeting_id: int) -> Meeting:
    meeting = unit.lock_meeting(meeting_id)
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("This meeting is cancelled."))
    if meeting.start_at <= unit.now:
        # What was on the agenda when the meeting began is the record; it stays as it was.
        raise Conflict(N_("This meeting has already started or taken place; its agenda "
                          "cannot change any more."))
    return meeting


def _check_item(title: str, presenter: str | None, duration: int, language: str | None,
                kind: str) -> ItemKind:
    if not title or not title.strip():
        raise InvalidInput(N_("Give the item a title."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(Np_("The title is longer than %(num)s character.",
                               "The title is longer than %(num)s characters."),
                           field="title", num=MAX_TITLE)
    if presenter is not None and len(presenter) > MAX_PRESENTER:
        raise InvalidInput(Np_("The presenter is longer than %(num)s character.",
                               "The presenter is longer than %(num)s characters."),
                           field="presenter", num=MAX_PRESENTER)
    if not isinstance(duration, int) or not 1 <= duration <= 480:
        raise InvalidInput(N_("The duration is a number of minutes from %(low)s to %(high)s."),
                           field="duration", low=1, high=480)
    if language is not None and language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    try:
        return ItemKind(kind)
    except ValueError as exc:
        raise InvalidInput(N_("Unknown kind of item."), field="kind") from exc


def proposer_presenter(contact: Contact, *, consent: bool) -> str | None:
    """Who presents a topic or proposal taken onto an agenda: the proposer's organisation,
    only with their consent (`show_name`). The item's presenter travels everywhere an agenda
    does (public page, feeds, invitations, the API), so without consent it stays blank; the
    coordinator still sees who proposed it, and may type a presenter they agreed on."""
    return contact.organisation.name if consent else None


def add_item_in(unit: Unit, meeting: Meeting, *, kind: str, title: str,
                presenter: str | None = None, duration: int = 15, language: str | None = None,
                suggestion_id: int | None = None, proposal_id: int | None = None,
                written_in: str | None = None) -> AgendaItem:
    """Append an item inside the caller's transaction (moderation adds them too).
    `written_in`: the title's language (default: the writer's, else the spoken one)."""
    item_kind = _check_item(title, presenter, duration, language, kind)
    written_in = content.author_language(unit, written_in) or language
    unit.lock_meeting(meeting.id)  # two items added at once get distinct positions
    last = unit.session.scalar(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting.id)) or 0
    item = AgendaItem(meeting=meeting, position=last + 1, kind=item_kind, title=title.strip(),
                      presenter=(presenter or "").strip() or None, duration_minutes=duration,
                      language=language, suggestion_id=suggestion_id, proposal_id=proposal_id,
                      written_in=written_in,
                      created_at=unit.now, updated_at=unit.now)
    unit.session.add(item)
    unit.session.flush()
    _edited(meeting)
    unit.record("agenda.add", "meeting", meeting.id, item=item.id, title=item.title)
    return item


def _edited(meeting: Meeting) -> None:
    if meeting.agenda_version > 0:
        meeting.agenda_dirty = True  # a new version awaits publishing


def add_item(meeting_id: int, *, now: datetime, actor: Actor, **fields: Any) -> AgendaItem:
    with unit_of_work(actor, now) as unit:
        return add_item_in(unit, _meeting(unit, meeting_id), **fields)


def update_item(item_id: int, *, now: datetime, actor: Actor, title: str,
                presenter: str | None, duration: int, language: str | None,
                kind: str, written_in: str | None = None) -> AgendaItem:
    with unit_of_work(actor, now) as unit:
        item = unit.session.get(AgendaItem, item_id)
        if item is None:
            raise NotFound(N_("No agenda item %(id)s."), id=item_id)
        item.kind = _check_item(title, presenter, duration, language, kind)
        if written_in or title.strip() != item.title:  # a new title is in the writer's language
            item.written_in = content.author_language(unit, written_in) or item.written_in
        item.title, item.presenter = title.strip(), (presenter or "").strip() or None
        item.duration_minutes, item.language, item.updated_at = duration, language, now
        _edited(_meeting(unit, item.meeting_id))
        unit.record("agenda.update", "meeting", item.meeting_id, item=item.id)
    return item


def remove_item(item_id: int, *, now: datetime, actor: Actor) -> None:
    with unit_of_work(actor, now) as unit:
        item = unit.session.get(AgendaItem, item_id)
        if item is None:
            raise NotFound(N_("No agenda item %(id)s."), id=item_id)
        meeting = _meeting(unit, item.meeting_id)
        published = {entry["id"] for entry in meeting.published_agenda or []}
        unit.session.delete(item)
        unit.session.flush()
        _renumber(unit, meeting)
        _edited(meeting)
        unit.record("agenda.remove", "meeting", meeting.id, item=item_id, title=item.title)
        if item_id not in published and (item.suggestion_id or item.proposal_id):
            # Never published with it: its topic leaves the agenda now. A topic the
            # published agenda still shows leaves when a version without it is published.
            _topics_left(unit, meeting, only=(item.suggestion_id, item.proposal_id))


def move_item(item_id: int, position: int, *, now: datetime, actor: Actor) -> None:
    """Put an item at `position` (1-based); the others close up around it."""
    with unit_of_work(actor, now) as unit:
        item = unit.session.get(AgendaItem, item_id)
        if item is None:
            raise NotFound(N_("No agenda item %(id)s."), id=item_id)
        meeting = _meeting(unit, item.meeting_id)
        items = [i for i in _items(unit, meeting) if i.id != item.id]
        position = max(1, min(position, len(items) + 1))
        items.insert(position - 1, item)
        for index, each in enumerate(items, start=1):
            each.position = index
        _edited(meeting)
        unit.record("agenda.move", "meeting", meeting.id, item=item.id, position=position)


def _items(unit: Unit, meeting: Meeting) -> list[AgendaItem]:
    return draft_items(meeting, unit.session)


def _renumber(unit: Unit, meeting: Meeting) -> None:
    for index, item in enumerate(_items(unit, meeting), start=1):
        item.position = index


def draft_items(meeting: Meeting, session: DbSession | None = None) -> list[AgendaItem]:
    """The agenda draft in order (inside a unit, its session)."""
    return list((session or db.session).scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)))


def changes_between(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict:
    """What a new version of an agenda changed, for the mail that announces it."""
    old = {item["id"]: item for item in before}
    new = {item["id"]: item for item in after}
    return {
        "added": [new[i] for i in new if i not in old],
        "removed": [old[i] for i in old if i not in new],
        "changed": [new[i] for i in new if i in old and {
            k: v for k, v in new[i].items() if k != "position"} != {
            k: v for k, v in old[i].items() if k != "position"}],
        "reordered": [i for i in new if i in old] != [i for i in old if i in new],
    }


def publish_agenda(meeting_id: int, *, now: datetime, actor: Actor) -> Meeting:
    """Publish the draft as the next version: participants get it as an invitation update."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        meeting = _meeting(unit, meeting_id)
        items = _items(unit, meeting)
        if not items:
            raise Conflict(N_("The agenda has no items yet."), field="agenda")
        if meeting.agenda_version > 0 and not meeting.agenda_dirty:
            raise Conflict(N_("Nothing changed since the last publication."), field="agenda")
        snapshot = [{**item.snapshot(), "position": item.position} for item in items]
        previous = meeting.published_agenda or []
        meeting.agenda_version += 1
        unit.session.add(AgendaPublication(meeting_id=meeting.id, version=meeting.agenda_version,
                                           items=snapshot, published_at=now))
        meeting.published_agenda = snapshot
        meeting.agenda_dirty = False
        if meeting.agenda_published_at is None:
            meeting.agenda_published_at = now  # compliance counts the first publication
        meeting.sequence += 1  # the invitation changes: its description now is the agenda
        meeting.updated_at = now
        changes = changes_between(previous, snapshot) if meeting.agenda_version > 1 else {}
        sent = invitations.agenda_published(unit, meeting, changes)
        _topics_left(unit, meeting)
        unit.record("agenda.publish", "meeting", meeting.id, version=meeting.agenda_version,
                    items=len(snapshot), messages=sent)
    return meeting


def _topics_left(unit: Unit, meeting: Meeting,
                 only: tuple[int | None, int | None] | None = None) -> int:
    """Accepted suggestions and proposals this meeting's agenda carried whose item is no
    longer in the draft (`only` this suggestion or proposal): their state follows and
    their proposers are told (through `topics_left_agenda`). Returns how many left."""
    on_draft = list(unit.session.execute(select(
        AgendaItem.suggestion_id, AgendaItem.proposal_id).where(
        AgendaItem.meeting_id == meeting.id)))
    with_items = {s for s, _ in on_draft if s is not None}
    proposals_with_items = {p for _, p in on_draft if p is not None}
    suggestions = [s for s in unit.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == meeting.id, Suggestion.state == SuggestionState.ACCEPTED)
        .order_by(Suggestion.id))
        if s.id not in with_items and (only is None or s.id == only[0])]
    proposals = [p for p in unit.session.scalars(select(Proposal).where(
        Proposal.meeting_id == meeting.id, Proposal.state == ProposalState.ON_AGENDA)
        .order_by(Proposal.id))
        if p.id not in proposals_with_items and (only is None or p.id == only[1])]
    if suggestions or proposals:
        topics_left_agenda.send(unit, meeting=meeting, suggestions=suggestions,
                                proposals=proposals)
    return len(suggestions) + len(proposals)


def find_item(meeting_id: int, item_id: int) -> AgendaItem:
    """An item of a meeting's draft; an item of another meeting is as missing as none."""
    item = row(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise NotFound(N_("No item %(id)s on meeting %(other)s."), id=item_id,
                       other=meeting_id)
    return item
