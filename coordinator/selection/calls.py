"""Calls for participation: a high-level meeting's civil-society seats, offered by a public
call with published criteria and diversity targets (issue 17, point 1; recommendation 2).

Only the secretariat (and the command line) opens a call, for a high-level meeting still
ahead. A call is a draft until it is published; once published it is announced, then open
(from `opens_at`), then closed (at `closes_at`), then shows its results. What applicants
were promised does not change under them: a published call changes only before it opens;
once open, only its closing may move later (more time to apply, never less), and once
closed nothing changes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select

from coordinator.cadence.errors import Np_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.models import Account, Country, Meeting, MeetingStatus, Role
from coordinator.models.people import LedBy
from coordinator.selection.models import Call, Criterion, CriterionKey, DiversityTarget, TargetKind
from coordinator.texts import check_text
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TITLE, MAX_DESCRIPTION, MAX_CRITERION = 200, 4000, 1000
MAX_CRITERIA, MAX_TARGETS, MAX_SEATS, MAX_RESPOND_DAYS = 20, 20, 1000, 60
MIN_WEIGHT, MAX_WEIGHT = 1, 10
AUDIT = "call"

CallState = Literal["draft", "announced", "open", "closed", "results"]


@dataclass(frozen=True)
class CriterionInput:
    """A published criterion: what it weighs (a CriterionKey value), how it is read, and
    its weight from 1 to 10."""

    key: str
    description: str
    weight: int
    written_in: str | None = None


@dataclass(frozen=True)
class TargetInput:
    """A diversity target: a TargetKind value; for "led-by" a LedBy value, for "country"
    a country's ISO code, for "each-country" nothing (one seat per country applying)."""

    kind: str
    value: str | None = None
    minimum: int = 1


@dataclass(frozen=True)
class CallInput:
    """What the secretariat gives to open (or change) a call; checked as a whole."""

    title: str
    description: str
    seats_in_person: int
    opens_at: datetime
    closes_at: datetime
    selection_on: date
    criteria: Sequence[CriterionInput]
    targets: Sequence[TargetInput] = field(default_factory=tuple)
    seats_online: int = 0
    respond_days: int = 7
    anonymised: bool = False
    written_in: str | None = None


# --- state ------------------------------------------------------------------------------

def call_state(call: Call, now: datetime) -> CallState:
    """Where a call stands: "draft" (not public), "announced" (public, not yet open),
    "open", "closed" (no more applications, results not yet public), "results"."""
    ensure_aware(now, "now")
    if call.published_at is None:
        return "draft"
    if call.results_at is not None:
        return "results"
    if now < call.opens_at:
        return "announced"
    if now < call.closes_at:
        return "open"
    return "closed"


# --- checks -----------------------------------------------------------------------------

def _secretariat(unit: Unit) -> None:
    """Calls are the secretariat's (the command line acts as it)."""
    if unit.actor.account_id is None:
        return
    account = unit.session.get(Account, unit.actor.account_id)
    if account is None or not account.is_active or account.role != Role.SECRETARIAT:
        raise InvalidInput(N_("Only the secretariat opens and changes calls for "
                              "participation."), field="meeting_id")


def _count(value: object, *, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(N_("Give a whole number from %(low)s to %(high)s."), field=field,
                           low=low, high=high)
    return value


def _instant(value: object, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(N_("Give the date and time with its time zone."), field=field)
    return value


def _criteria(criteria: Sequence[CriterionInput]) -> list[CriterionInput]:
    if not criteria:
        raise InvalidInput(N_("Publish at least one criterion."), field="criteria")
    if len(criteria) > MAX_CRITERIA:
        raise InvalidInput(Np_("A call has at most %(num)s criterion.",
                               "A call has at most %(num)s criteria."),
                           field="criteria", num=MAX_CRITERIA)
    checked = []
    for position, given in enumerate(criteria):
        name = f"criteria.{position}"
        try:
            key = CriterionKey(given.key)
        except ValueError as exc:
            raise InvalidInput(N_("Unknown criterion %(value)s; use one of: %(values)s."),
                               field=f"{name}.key", value=repr(given.key),
                               values=", ".join(k.value for k in CriterionKey)) from exc
        description = check_text(given.description, field=f"{name}.description",
                                 limit=MAX_CRITERION,
                                 empty=InvalidInput(N_("Say how the criterion is read."),
                                                    field=f"{name}.description"))
        weight = _count(given.weight, field=f"{name}.weight", low=MIN_WEIGHT, high=MAX_WEIGHT)
        checked.append(CriterionInput(key.value, description, weight, given.written_in))
    return checked


def _targets(unit: Unit, targets: Sequence[TargetInput], seats: int) -> list[TargetInput]:
    if len(targets) > MAX_TARGETS:
        raise InvalidInput(Np_("A call has at most %(num)s diversity target.",
                               "A call has at most %(num)s diversity targets."),
                           field="targets", num=MAX_TARGETS)
    checked: list[TargetInput] = []
    for position, given in enumerate(targets):
        name = f"targets.{position}"
        try:
            kind = TargetKind(given.kind)
        except ValueError as exc:
            raise InvalidInput(N_("Unknown kind of target %(value)s; use one of: %(values)s."),
                               field=f"{name}.kind", value=repr(given.kind),
                               values=", ".join(k.value for k in TargetKind)) from exc
        value = (given.value or "").strip() or None
        if kind == TargetKind.LED_BY:
            if value not in {v.value for v in LedBy}:
                raise InvalidInput(N_("Choose who leads the organisations: one of %(values)s."),
                                   field=f"{name}.value",
                                   values=", ".join(v.value for v in LedBy))
        elif kind == TargetKind.COUNTRY:
            value = (value or "").upper()
            if not value or unit.session.scalar(
                    select(Country.id).where(Country.iso == value)) is None:
                raise InvalidInput(N_("Unknown country %(value)s; use an ISO code such as GT."),
                                   field=f"{name}.value", value=repr(given.value or ""))
        elif value is not None:
            raise InvalidInput(N_("A seat for each country applying names no country or "
                                  "group; leave the value empty."), field=f"{name}.value")
        minimum = _count(given.minimum, field=f"{name}.minimum", low=1, high=MAX_SEATS)
        if kind == TargetKind.EACH_COUNTRY and minimum != 1:
            raise InvalidInput(N_("A seat for each country applying is one seat per "
                                  "country; leave the minimum at 1."),
                               field=f"{name}.minimum")
        if any(t.kind == kind.value and t.value == value for t in checked):
            raise InvalidInput(N_("This target is listed twice."), field=f"{name}.value")
        checked.append(TargetInput(kind.value, value, minimum))
    # "Each country" depends on who applies, so it cannot be counted against the seats yet
    # (the proposed selection reports it if it falls short).
    wanted = sum(t.minimum for t in checked if t.kind != TargetKind.EACH_COUNTRY.value)
    if wanted > seats:
        raise InvalidInput(Np_("The targets ask for %(wanted)s seats, more than the call's "
                               "%(num)s seat.",
                               "The targets ask for %(wanted)s seats, more than the call's "
                               "%(num)s seats."),
                           field="targets", wanted=wanted, num=seats)
    return checked


@dataclass(frozen=True)
class _Checked:
    title: str
    description: str
    seats_in_person: int
    seats_online: int
    opens_at: datetime
    closes_at: datetime
    selection_on: date
    respond_days: int
    anonymised: bool
    criteria: list[CriterionInput]
    targets: list[TargetInput]


def _check(unit: Unit, meeting: Meeting, data: CallInput, now: datetime) -> _Checked:
    """The whole call checked against its meeting, before anything is written."""
    title = check_text(data.title, field="title", limit=MAX_TITLE,
                       empty=InvalidInput(N_("Give the call a title."), field="title"))
    description = check_text(data.description, field="description", limit=MAX_DESCRIPTION,
                             empty=InvalidInput(N_("Describe the call: who may apply and "
                                                   "for what."), field="description"))
    in_person = _count(data.seats_in_person, field="seats_in_person", low=0, high=MAX_SEATS)
    online = _count(data.seats_online, field="seats_online", low=0, high=MAX_SEATS)
    if in_person + online == 0:
        raise InvalidInput(N_("Offer at least one seat, in person or online."),
                           field="seats_in_person")
    respond = _count(data.respond_days, field="respond_days", low=1, high=MAX_RESPOND_DAYS)
    opens = _instant(data.opens_at, "opens_at")
    closes = _instant(data.closes_at, "closes_at")
    if not opens < closes:
        raise InvalidInput(N_("The call must close after it opens."), field="closes_at")
    if closes <= now:
        raise InvalidInput(N_("The closing time %(at)s is in the past."), field="closes_at",
                           at=closes)
    if closes > meeting.start_at:
        raise InvalidInput(N_("The call must close before the meeting starts (%(start)s)."),
                           field="closes_at", start=meeting.start_at)
    selection_on = data.selection_on
    if not isinstance(selection_on, date) or isinstance(selection_on, datetime):
        raise InvalidInput(N_("Give the date as a date."), field="selection_on")
    zone = get_zone(meeting.zone)
    closing_day = closes.astimezone(zone).date()
    meeting_day = meeting.start_at.astimezone(zone).date()
    if not closing_day <= selection_on <= meeting_day:
        raise InvalidInput(N_("The selection is due between the call's closing day "
                              "(%(closes)s) and the meeting's day (%(meeting)s)."),
                           field="selection_on", closes=closing_day, meeting=meeting_day)
    criteria = _criteria(data.criteria)
    targets = _targets(unit, data.targets, in_person + online)
    return _Checked(title, description, in_person, online, opens, closes, selection_on,
                    respond, bool(data.anonymised), criteria, targets)


def _meeting(unit: Unit, meeting_id: int, now: datetime) -> Meeting:
    """The call's meeting, locked: a high-level meeting, scheduled and still ahead."""
    meeting = unit.lock_meeting(meeting_id) if row(Meeting, meeting_id) is not None else None
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    if meeting.series.kind != SeriesKind.HIGH_LEVEL:
        raise InvalidInput(N_("Calls for participation are for high-level meetings."),
                           field="meeting_id")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("This meeting is cancelled."), field="meeting_id")
    if meeting.start_at <= now:
        raise Conflict(N_("This meeting has started or is over: it takes no call."),
                       field="meeting_id")
    return meeting


def _fill(unit: Unit, call: Call, checked: _Checked, written_in: str | None) -> None:
    call.title, call.description = checked.title, checked.description
    call.written_in = content.author_language(unit, written_in)
    call.seats_in_person, call.seats_online = checked.seats_in_person, checked.seats_online
    call.opens_at, call.closes_at = checked.opens_at, checked.closes_at
    call.selection_on, call.respond_days = checked.selection_on, checked.respond_days
    call.anonymised = checked.anonymised
    call.criteria = [Criterion(key=CriterionKey(c.key), description=c.description,
                               written_in=content.author_language(unit, c.written_in
                                                                  or written_in),
                               weight=c.weight, position=position)
                     for position, c in enumerate(checked.criteria)]
    call.targets = [DiversityTarget(kind=TargetKind(t.kind), value=t.value, minimum=t.minimum)
                    for t in checked.targets]
    call.updated_at = unit.now


def _audit_details(call: Call) -> dict[str, object]:
    return {"meeting": call.meeting_id, "seats_in_person": call.seats_in_person,
            "seats_online": call.seats_online, "opens_at": call.opens_at,
            "closes_at": call.closes_at, "selection_on": call.selection_on,
            "criteria": [[c.key.value, c.weight] for c in call.criteria],
            "targets": [[t.kind.value, t.value, t.minimum] for t in call.targets]}


# --- the use cases ----------------------------------------------------------------------

def create_call(meeting_id: int, data: CallInput, *, now: datetime, actor: Actor) -> Call:
    """A draft call for a high-level meeting's civil-society seats (one call a meeting)."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        _secretariat(unit)
        meeting = _meeting(unit, meeting_id, now)
        checked = _check(unit, meeting, data, now)
        if unit.session.scalar(select(Call.id).where(Call.meeting_id == meeting.id)):
            raise Conflict(N_("This meeting has a call for participation already."),
                           field="meeting_id")
        call = Call(meeting_id=meeting.id, account_id=actor.account_id, created_at=now)
        _fill(unit, call, checked, data.written_in)
        unit.session.add(call)
        unit.session.flush()
        unit.record("call.create", AUDIT, call.id, **_audit_details(call))
    return call


def _same_but_closing(call: Call, checked: _Checked) -> bool:
    """Whether the change moves nothing but the closing time (what applicants read stays)."""
    return (
        (call.title, call.description, call.seats_in_person, call.seats_online,
         call.opens_at, call.selection_on, call.respond_days, call.anonymised)
        == (checked.title, checked.description, checked.seats_in_person,
            checked.seats_online, checked.opens_at, checked.selection_on,
            checked.respond_days, checked.anonymised)
        and [(c.key.value, c.description, c.weight) for c in call.criteria]
        == [(c.key, c.description, c.weight) for c in checked.criteria]
        and [(t.kind.value, t.value, t.minimum) for t in call.targets]
        == [(t.kind, t.value, t.minimum) for t in checked.targets])


def _locked_call(unit: Unit, call_id: int) -> Call:
    if row(Call, call_id) is None:
        raise NotFound(N_("No call for participation %(id)s."), id=call_id)
    # Changes to one call (an edit, its publication, an application's check of the
    # closing time) run one after the other.
    unit.serialise(f"call:{call_id}")
    call = unit.session.get(Call, call_id, populate_existing=True)
    assert call is not None  # calls are deleted only with their meeting
    return call


def update_call(call_id: int, data: CallInput, *, now: datetime, actor: Actor) -> Call:
    """Change a call: anything while it is a draft or announced; once open, only its
    closing, and only later; once closed, nothing."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        _secretariat(unit)
        call = _locked_call(unit, call_id)
        state = call_state(call, now)
        if state in ("closed", "results"):
            raise Conflict(N_("The call has closed: it can no longer change."),
                           field="closes_at")
        meeting = _meeting(unit, call.meeting_id, now)
        checked = _check(unit, meeting, data, now)
        if state == "open":
            if not _same_but_closing(call, checked):
                raise Conflict(N_("The call is open: only its closing can move, and only "
                                  "later."), field="closes_at")
            if checked.closes_at < call.closes_at:
                raise Conflict(N_("The call is open: its closing can only move later."),
                               field="closes_at")
            before = call.closes_at
            call.closes_at, call.updated_at = checked.closes_at, now
            unit.session.flush()
            unit.record("call.extend", AUDIT, call.id, before=before, after=call.closes_at)
            return call
        _fill(unit, call, checked, data.written_in)
        unit.session.flush()
        unit.record("call.update", AUDIT, call.id, **_audit_details(call))
    return call


def publish_call(call_id: int, *, now: datetime, actor: Actor) -> Call:
    """Make a draft call public: its page, criteria, targets and timeline."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        _secretariat(unit)
        call = _locked_call(unit, call_id)
        if call.published_at is not None:
            raise Conflict(N_("This call is published already."), field="call")
        _meeting(unit, call.meeting_id, now)
        if call.closes_at <= now:
            raise Conflict(N_("The closing time %(at)s is in the past."), field="closes_at",
                           at=call.closes_at)
        call.published_at = call.updated_at = now
        unit.session.flush()
        unit.record("call.publish", AUDIT, call.id, meeting=call.meeting_id,
                    opens_at=call.opens_at, closes_at=call.closes_at)
    return call


# --- reading ----------------------------------------------------------------------------

def find_call(call_id: int) -> Call:
    """The call, or NotFound (drafts too: doors decide who may see them)."""
    call = row(Call, call_id)
    if call is None:
        raise NotFound(N_("No call for participation %(id)s."), id=call_id)
    return call


def call_of_meeting(meeting_id: int) -> Call | None:
    """A meeting's call, if it has one."""
    return db.session.scalar(select(Call).where(Call.meeting_id == meeting_id))


def all_calls(*, published_only: bool = False) -> list[Call]:
    """Calls, the latest meeting first (published ones only for the public)."""
    query = select(Call).join(Call.meeting).order_by(Meeting.start_at.desc(), Call.id.desc())
    if published_only:
        query = query.where(Call.published_at.is_not(None))
    return list(db.session.scalars(query))
