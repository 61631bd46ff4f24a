"""Scheduling series, materialising their meetings, and changing their rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from coordinator.addresses import web_address
from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.errors import N_, EndBeforeStart, InvalidInput, Np_
from coordinator.cadence.kinds import KIND_RULES, SeriesKind
from coordinator.cadence.picker import Picker, keep_anchor, picker_rrule
from coordinator.cadence.recurrence import (
    Recurrence,
    check_duration,
    month_end_safe,
    wall_clock,
)
from coordinator.cadence.schedule import (
    PlannedMeeting,
    RuleSegment,
    add_months,
    plan,
    refuse_crowded_days,
)
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.content import services as content
from coordinator.errors import Conflict, NotFound
from coordinator.extensions import DbSession, db
from coordinator.invitations import services as invitations
from coordinator.invitations.messages import Before, MeetingChange
from coordinator.models import (
    Account,
    Committee,
    Country,
    Invitation,
    Meeting,
    MeetingStatus,
    Role,
    Series,
    SeriesRule,
)
from coordinator.present import RULE_CHANGE_REASON
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TITLE = 200
TOO_LONG = {
    "location": Np_("The location is longer than %(num)s character.",
                    "The location is longer than %(num)s characters."),
    "online_url": Np_("The online link is longer than %(num)s character.",
                      "The online link is longer than %(num)s characters."),
}


@dataclass(frozen=True)
class SeriesInput:
    """What a coordinator gives to schedule a series; validated as a whole before writing."""

    kind: SeriesKind
    first_date: date
    start_time: time
    zone: str
    duration_minutes: int = 90
    rrule: str | None = None  # None: the kind's default (one-off kinds have none)
    title: str | None = None
    country: str | None = None  # ISO code
    committee: str | None = None  # slug
    coordinator_id: int | None = None
    holiday_country: str | None = None  # default: the country, or the committee's lead
    allow_weekends: bool | None = None  # None: the kind's default (extraordinary only)
    location: str | None = None
    online_url: str | None = None
    description: str | None = None
    held_by: date | None = None
    offsets: DeadlineOffsets = field(default_factory=DeadlineOffsets)
    short_notice_justification: str | None = None
    # The plain-words picker's choices; `rrule`, when given, wins (the experts' field).
    picker: Picker | None = None


@dataclass(frozen=True)
class ResolvedSeries:
    data: SeriesInput
    recurrence: Recurrence
    offsets: DeadlineOffsets
    country: Country | None
    committee: Committee | None
    coordinator: Account | None
    holiday_country: str | None
    title: str | None
    allow_weekends: bool

    def segment(self) -> RuleSegment:
        return RuleSegment(self.recurrence, timedelta(minutes=self.data.duration_minutes))

    def plan(self, start: datetime, end: datetime) -> list[PlannedMeeting]:
        """Its meetings in [start, end), refused when rest-day moves would crowd a day."""
        planned = plan([self.segment()], self.holiday_country, start, end,
                       allow_weekends=self.allow_weekends)
        refuse_crowded_days(planned)
        return planned


def resolve(session: DbSession, data: SeriesInput) -> ResolvedSeries:
    """Check every field of a series against the rules and the reference data."""
    try:
        kind = SeriesKind(data.kind)
    except ValueError as exc:
        raise InvalidInput(N_("Unknown kind %(kind)s; use one of: %(kinds)s."), field="kind",
                           kind=repr(data.kind),
                           kinds=", ".join(k.value for k in SeriesKind)) from exc
    rules = KIND_RULES[kind]
    get_zone(data.zone)
    if not isinstance(data.duration_minutes, int) or isinstance(data.duration_minutes, bool):
        raise InvalidInput(N_("The duration must be a whole number of minutes."),
                           field="duration")
    check_duration(timedelta(minutes=data.duration_minutes))
    if not (data.rrule or "").strip() and data.picker is not None:
        if rules.default_rrule is None:
            raise InvalidInput(N_("This kind of meeting is a one-off; leave the repeat "
                                  "choices empty."), field="every_months")
        rule_text: str | None = picker_rrule(data.picker, data.first_date)
    elif data.rrule is None and rules.default_rrule is not None:
        # The kind's cadence from any first date: past the 28th it falls on the month's
        # last day where the month is shorter, instead of skipping the month.
        rule_text = month_end_safe(rules.default_rrule, data.first_date)
    else:
        rule_text = data.rrule
    if rule_text is not None and not rule_text.strip():
        rule_text = None
    if rules.default_rrule is None and rule_text is not None:
        raise InvalidInput(N_("This kind of meeting is a one-off; leave the rule empty."),
                           field="rrule")
    recurrence = Recurrence(data.first_date, data.start_time, data.zone, rule_text).validated()
    offsets = data.offsets.validated(short_notice_allowed=rules.short_notice_allowed,
                                     justification=data.short_notice_justification)

    country = committee = coordinator = None
    if data.country:
        country = session.scalar(select(Country).where(Country.iso == data.country.upper()))
        if country is None:
            raise InvalidInput(N_("Unknown country %(country)s; use an ISO code such as GT."),
                               field="country", country=repr(data.country))
    elif rules.needs_country:
        raise InvalidInput(N_("A national CSO meeting belongs to a country; choose it."),
                           field="country")
    if data.committee:
        committee = session.scalar(select(Committee).where(Committee.slug == data.committee))
        if committee is None:
            raise InvalidInput(N_("Unknown committee %(committee)s."), field="committee",
                               committee=repr(data.committee))
    elif rules.needs_committee:
        raise InvalidInput(N_("A committee briefing belongs to a committee; choose it."),
                           field="committee")
    if data.coordinator_id is not None:
        coordinator = session.get(Account, data.coordinator_id)
        if coordinator is None:
            raise InvalidInput(N_("Unknown coordinator account."), field="coordinator")
    if rules.needs_held_by and data.held_by is None:
        raise InvalidInput(N_("A regional joint work-plan meeting needs its 'held by' date."),
                           field="held_by")
    if data.held_by is not None and data.first_date > data.held_by:
        raise EndBeforeStart(
            N_("The meeting (%(date)s) is after its 'held by' date (%(held_by)s). Choose an "
               "earlier date or agree a later deadline."), field="held_by",
            date=data.first_date, held_by=data.held_by)

    holiday_country = data.holiday_country
    if holiday_country is None:
        if country is not None:
            holiday_country = country.iso
        elif committee is not None and committee.lead_countries:
            holiday_country = committee.lead_countries[0].iso
    elif holiday_country == "":
        holiday_country = None
    else:
        holiday_country = holiday_country.upper()
        if session.scalar(select(Country.id).where(Country.iso == holiday_country)) is None:
            raise InvalidInput(N_("Unknown holiday country %(country)s."),
                               field="holiday_country", country=repr(data.holiday_country))

    title = (data.title or "").strip() or None
    if title is not None and len(title) > MAX_TITLE:
        raise InvalidInput(Np_("The title is longer than %(num)s character.",
                               "The title is longer than %(num)s characters."),
                           field="title", num=MAX_TITLE)
    for name, value, limit in (("location", data.location, 300),
                               ("online_url", data.online_url, 500)):
        if value is not None and len(value) > limit:
            raise InvalidInput(TOO_LONG[name], field=name, num=limit)
    if data.online_url and web_address(data.online_url) is None:
        raise InvalidInput(N_("The online link must be a web address starting with "
                              "https://."), field="online_url")
    allow_weekends = (rules.weekends_allowed if data.allow_weekends is None
                      else bool(data.allow_weekends))
    return ResolvedSeries(replace(data, kind=kind), recurrence, offsets, country, committee,
                          coordinator, holiday_country, title, allow_weekends)


def refuse_past_first_date(data: SeriesInput, now: datetime) -> None:
    """A new series starts today or later in its own zone; a date already gone is a slip
    (imports and the demo record held meetings through `since` instead)."""
    today = now.astimezone(get_zone(data.zone)).date()
    if data.first_date < today:
        raise Conflict(N_("The first date (%(date)s) has passed. Choose today (%(today)s) or "
                          "a later date."), field="first_date", date=data.first_date,
                       today=today)


def preview(data: SeriesInput, *, now: datetime, horizon_months: int | None = None,
            new_series: bool = True) -> list[PlannedMeeting]:
    """The meetings a series would get, without writing anything (for live previews).

    `new_series=False` previews a rule change, whose first date may be an anchor in the past.
    """
    resolved = resolve(db.session, data)
    if new_series:
        refuse_past_first_date(data, now)
    return resolved.plan(now, add_months(now, horizon_months or _horizon()))


def schedule_series(data: SeriesInput, *, now: datetime, actor: Actor,
                    since: datetime | None = None) -> Series:
    """Create a series and its meetings up to the horizon.

    `since` (default: now) lets the demo and imports record meetings already held.
    """
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        resolved = resolve(unit.session, data)
        if since is None:
            refuse_past_first_date(data, now)
        d = resolved.data
        first = wall_clock(d.first_date, d.start_time, get_zone(d.zone))
        if resolved.recurrence.next_after(since or now) is None:
            # Nothing may silently disappear: a series with no meeting ahead is refused.
            if resolved.recurrence.rrule is None:
                raise Conflict(N_("The meeting would start in the past (%(start)s)."),
                               field="first_date", start=first)
            raise Conflict(N_("This rule has no meeting from today on: check the first "
                              "date, UNTIL and COUNT."), field="rrule")
        resolved.plan(since or now, add_months(now, _horizon()))  # refuses crowded days
        series = Series(
            kind=d.kind, title=resolved.title, description=d.description,
            country=resolved.country, committee=resolved.committee,
            coordinator=resolved.coordinator, holiday_country=resolved.holiday_country,
            allow_weekends=resolved.allow_weekends,
            location=d.location, online_url=d.online_url, held_by=d.held_by,
            suggestions_open_days=resolved.offsets.suggestions_open,
            suggestions_close_days=resolved.offsets.suggestions_close,
            agenda_due_days=resolved.offsets.agenda_due,
            reminder_days=list(resolved.offsets.reminders),
            short_notice_justification=d.short_notice_justification,
            written_in=content.author_language(unit),
            created_at=now, updated_at=now,
        )
        series.rules.append(SeriesRule(
            rrule=resolved.recurrence.rrule, first_date=d.first_date,
            start_time=resolved.recurrence.at, zone=d.zone,
            duration_minutes=d.duration_minutes, created_at=now,
        ))
        unit.session.add(series)
        unit.session.flush()
        created = _materialise(unit, series, since or now)
        unit.record("series.schedule", "series", series.id, kind=d.kind.value,
                    rrule=resolved.recurrence.rrule, zone=d.zone,
                    start_time=d.start_time, first_date=d.first_date,
                    meetings=len(created))
    return series


def _horizon() -> int:
    return int(current_app.config["HORIZON_MONTHS"])


def new_uid() -> str:
    """A permanent, globally unique UID (RFC 5545 3.8.4.7) shared by feeds and invitations."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "coordinator.invalid"
    return f"{uuid.uuid4()}@{host}"


def _meeting_from(series: Series, p: PlannedMeeting, now: datetime) -> Meeting:
    return Meeting(
        uid=new_uid(), series=series, occurrence_key=p.key,
        start_at=p.start_utc, end_at=p.end_utc, zone=p.zone_name,
        status=MeetingStatus.SCHEDULED, sequence=0,
        shifted_from=p.shift.original if p.shift else None,
        holiday_name=p.shift.holiday if p.shift else None,
        created_at=now, updated_at=now,
    )


def _materialise(unit: Unit, series: Series, since: datetime) -> list[Meeting]:
    """Add the meetings the rules call for that do not exist yet; never touch existing ones."""
    until = add_months(unit.now, _horizon())
    existing = set(unit.session.scalars(
        select(Meeting.occurrence_key).where(Meeting.series_id == series.id)
    ))
    created = []
    for p in plan(series.segments(), series.holiday_country, since, until,
                  allow_weekends=series.allow_weekends):
        if p.key in existing:
            continue
        meeting = _meeting_from(series, p, unit.now)
        unit.session.add(meeting)
        created.append(meeting)
    if created:
        unit.session.flush()
        for meeting in created:
            invitations.meeting_created(unit, meeting)
    return created


def materialise_all(*, now: datetime, actor: Actor | None = None) -> int:
    """Extend every active series up to the horizon; running it twice changes nothing."""
    ensure_aware(now, "now")
    total = 0
    ids = list(db.session.scalars(select(Series.id).where(Series.active.is_(True))))
    for series_id in ids:
        with unit_of_work(actor or Actor.scheduler(), now) as unit:
            series = unit.session.get(Series, series_id)
            if series is None:
                continue
            created = _materialise(unit, series, now)
            if created:
                unit.record("series.materialise", "series", series.id, meetings=len(created))
            total += len(created)
    return total


@dataclass(frozen=True)
class RuleChange:
    """A new rule for a series from `effective_from` (a local date) on."""

    effective_from: date
    start_time: time
    zone: str
    duration_minutes: int
    rrule: str | None
    # The new rule's DTSTART date. None keeps the series' anchor (the current rule's first
    # date), so "every 3 months" stays on the same months and day of the month; only a
    # date the user gives re-anchors the series.
    first_date: date | None = None
    picker: Picker | None = None  # the plain-words choices; `rrule`, when given, wins


@dataclass(frozen=True)
class RuleChangeEffects:
    """What saving a rule change would do to the series' future meetings, before saving.

    `moved` pairs each meeting with its new slot, `cancelled` lists the meetings the new
    rule no longer calls for, `added` the new rule's meetings that do not exist yet, and
    `invited` the ids of meetings whose invitations already went out (people hold them in
    their calendars, so they will receive an update or a cancellation).
    """

    recurrence: Recurrence
    # Every future meeting kept, with the slot it fills under the new rule.
    matched: list[tuple[Meeting, PlannedMeeting]]
    cancelled: list[Meeting]
    added: list[PlannedMeeting]
    invited: frozenset[int]

    @property
    def moved(self) -> list[tuple[Meeting, PlannedMeeting]]:
        """The kept meetings whose time changes (not those moved by hand, which stay)."""
        return [(m, p) for m, p in self.matched if not m.moved and not _same_time(m, p)]


def _new_recurrence(series: Series, change: RuleChange) -> Recurrence:
    """The new rule, anchored where the series is unless the change names a first date."""
    if series.current_rule.rrule is None:
        raise Conflict(N_("This series is a single meeting: move it instead of changing "
                          "a rule."), field="rrule")
    check_duration(timedelta(minutes=change.duration_minutes))
    anchor = change.first_date or series.current_rule.first_date
    rule_text = (change.rrule or "").strip() or None
    if rule_text is None and change.picker is not None:
        rule_text = picker_rrule(change.picker, anchor)
    if rule_text is None:
        raise InvalidInput(N_("Give the new recurrence rule."), field="rrule")
    if change.first_date is None:
        anchor = keep_anchor(rule_text, anchor)  # the anchor's months, the rule's own days
    return Recurrence(anchor, change.start_time, change.zone, rule_text).validated()


def _check_effective(change: RuleChange, now: datetime) -> None:
    zone = get_zone(change.zone)
    if change.effective_from < now.astimezone(zone).date():
        raise Conflict(N_("A rule can only change from today on; past meetings stay as "
                          "they were."), field="effective_from")


def change_effects(series_id: int, change: RuleChange, *, now: datetime) -> RuleChangeEffects:
    """What `change_rule` would do, computed by the same code without writing anything:
    the preview the rule-change form shows before saving."""
    ensure_aware(now, "now")
    series = db.session.get(Series, series_id)
    if series is None:
        raise NotFound(N_("No series %(id)s."), id=series_id)
    _check_effective(change, now)
    recurrence = _new_recurrence(series, change)
    segment = RuleSegment(recurrence, timedelta(minutes=change.duration_minutes),
                          change.effective_from)
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                       .order_by(Meeting.id)))
    return _effects(series, meetings, segment, change.effective_from, now,
                    _invited_ids(db.session, series.id))


def change_rule(series_id: int, change: RuleChange, *, now: datetime, actor: Actor) -> Series:
    """Change a series' rule from a date on, leaving past and individually moved meetings alone.

    The new rule keeps the series' anchor (its first date, hence its months and day of
    the month) unless the change names another first date. A future meeting the new rule
    no longer calls for becomes the new rule's meeting of the same month when there is
    one (an update, SEQUENCE+1), and is cancelled otherwise, so calendars that already
    hold it see it go; `change_effects` shows exactly that before saving.
    """
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        series = unit.session.get(Series, series_id)
        if series is None:
            raise NotFound(N_("No series %(id)s."), id=series_id)
        _check_effective(change, now)
        recurrence = _new_recurrence(series, change)

        for rule in list(series.rules):
            if rule.valid_from is not None and rule.valid_from >= change.effective_from:
                series.rules.remove(rule)
            elif rule.valid_until is None or rule.valid_until > change.effective_from:
                rule.valid_until = change.effective_from
        new_rule = SeriesRule(
            rrule=recurrence.rrule, first_date=recurrence.first_date,
            start_time=recurrence.at, zone=change.zone,
            duration_minutes=change.duration_minutes, valid_from=change.effective_from,
            created_at=now,
        )
        series.rules.append(new_rule)
        series.updated_at = now
        unit.session.flush()

        moved, cancelled = _apply_new_plan(unit, series, new_rule.segment(),
                                           change.effective_from)
        created = _materialise(unit, series, now)
        unit.record("series.change_rule", "series", series.id,
                    effective_from=change.effective_from, rrule=recurrence.rrule,
                    first_date=recurrence.first_date,
                    zone=change.zone, start_time=change.start_time,
                    duration_minutes=change.duration_minutes, new_meetings=len(created),
                    moved=moved, cancelled=cancelled)
    return series


def _invited_ids(session: DbSession, series_id: int) -> frozenset[int]:
    """The series' meetings whose invitations went out to someone (held in calendars)."""
    return frozenset(session.scalars(
        select(Invitation.meeting_id).join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Meeting.series_id == series_id, Invitation.sent_sequence.is_not(None),
               Invitation.cancelled.is_(False)).distinct()))


def _effects(series: Series, meetings: list[Meeting], segment: RuleSegment, effective: date,
             now: datetime, invited: frozenset[int]) -> RuleChangeEffects:
    """Match the future meetings from `effective` on to the new rule's slots.

    A meeting on a slot the new rule keeps is retimed to it; otherwise it becomes the new
    rule's meeting of the same month when there is one, and is cancelled when there is
    none. A meeting someone moved by hand keeps its time and stands in for the new rule's
    meeting of its month, so the change does not add a second one beside it.
    """
    until = add_months(now, _horizon())
    planned = plan([segment], series.holiday_country, now, until,
                   allow_weekends=series.allow_weekends)
    refuse_crowded_days(planned)
    wanted = {p.key: p for p in planned}
    taken = {m.occurrence_key for m in meetings}
    affected = sorted(
        (m for m in meetings
         if date.fromisoformat(m.occurrence_key[:10]) >= effective
         and m.start_at > now and m.status == MeetingStatus.SCHEDULED),
        key=lambda m: (not m.moved, m.start_at),
    )
    free = [p for key, p in wanted.items() if key not in taken]
    matched: list[tuple[Meeting, PlannedMeeting]] = []
    cancelled: list[Meeting] = []
    for meeting in affected:
        target = wanted.get(meeting.occurrence_key)
        if target is None:
            month = meeting.start_local.strftime("%Y-%m")
            target = next((p for p in free if p.start.strftime("%Y-%m") == month), None)
            if target is not None:
                free.remove(target)
        if target is not None:
            matched.append((meeting, target))
        elif not meeting.moved:
            cancelled.append(meeting)
    matched.sort(key=lambda pair: pair[0].start_at)
    cancelled.sort(key=lambda m: m.start_at)
    return RuleChangeEffects(segment.recurrence, matched, cancelled, free, invited)


def _same_time(meeting: Meeting, planned: PlannedMeeting) -> bool:
    shift_from = planned.shift.original if planned.shift else None
    return (meeting.start_at, meeting.end_at, meeting.zone, meeting.shifted_from) == (
        planned.start_utc, planned.end_utc, planned.zone_name, shift_from)


def _apply_new_plan(unit: Unit, series: Series, segment: RuleSegment,
                    effective: date) -> tuple[list[int], list[int]]:
    """Bring the future meetings from `effective` on in line with the new rule, as
    `_effects` matched them (the preview shows the same matching); returns the ids of
    the meetings moved and cancelled."""
    # Held until the change commits, like any change to a meeting (Unit.lock_meeting).
    meetings = list(unit.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                         .order_by(Meeting.id).with_for_update()
                                         .execution_options(populate_existing=True)))
    effects = _effects(series, meetings, segment, effective, unit.now,
                       _invited_ids(unit.session, series.id))
    moved = [m.id for m, _ in effects.moved]
    for meeting, target in effects.matched:
        meeting.occurrence_key = target.key
        if not meeting.moved:
            _retime(unit, meeting, target)
    for meeting in effects.cancelled:
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancel_reason = RULE_CHANGE_REASON
        meeting.sequence += 1
        meeting.updated_at = unit.now
        invitations.meeting_cancelled(unit, meeting)
        unit.record("meeting.cancel", "meeting", meeting.id, reason="rule change")
    unit.session.flush()
    return moved, [m.id for m in effects.cancelled]


def _retime(unit: Unit, meeting: Meeting, planned: PlannedMeeting) -> None:
    shift_from = planned.shift.original if planned.shift else None
    if (meeting.start_at, meeting.end_at, meeting.zone, meeting.shifted_from) == (
        planned.start_utc, planned.end_utc, planned.zone_name, shift_from
    ):
        return
    before = meeting.start_at
    heard = Before.of(meeting)  # what invitees hold: their update says what changed
    meeting.start_at, meeting.end_at = planned.start_utc, planned.end_utc
    meeting.zone = planned.zone_name
    meeting.shifted_from = shift_from
    meeting.holiday_name = planned.shift.holiday if planned.shift else None
    meeting.sequence += 1
    meeting.updated_at = unit.now
    invitations.meeting_changed(unit, meeting, MeetingChange(heard, rule_changed=True))
    unit.record("meeting.retime", "meeting", meeting.id, before=before.astimezone(UTC),
                after=planned.start_utc)


def may_coordinate(account: Account, series: Series) -> bool:
    """Whether an account can be a series' coordinator: an active account that may manage
    the series anyway (the secretariat, or a coordinator of its country or committee)."""
    if not account.is_active:
        return False
    if account.role == Role.SECRETARIAT:
        return True
    if account.role == Role.SPECIAL_COORDINATOR:
        # The special coordinators' meeting is convened by one of them (recommendation 8).
        return series.kind == SeriesKind.COORDINATORS or (
            series.country_id is not None and series.country_id == account.country_id)
    if account.role == Role.COMMITTEE_COORDINATOR:
        return series.committee_id is not None and series.committee_id == account.committee_id
    return False


def coordinator_choices(series: Series) -> list[Account]:
    """The accounts a series' coordinator can be chosen from, by name."""
    accounts = db.session.scalars(select(Account).order_by(Account.name, Account.id))
    return [a for a in accounts if may_coordinate(a, series)]


def set_coordinator(series_id: int, account_id: int, *, now: datetime,
                    actor: Actor) -> Series:
    """Make an account the series' coordinator: the organizer and Reply-To of its mails
    from now on, who is reminded of its agendas and may manage it."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        series = unit.session.get(Series, series_id)
        if series is None:
            raise NotFound(N_("No series %(id)s."), id=series_id)
        account = unit.session.get(Account, account_id)
        if account is None:
            raise InvalidInput(N_("Unknown coordinator account."), field="coordinator")
        if not may_coordinate(account, series):
            raise InvalidInput(N_("%(name)s cannot coordinate this series: choose the "
                                  "secretariat or a coordinator of its country or "
                                  "committee."), field="coordinator", name=account.name)
        before = series.coordinator_id
        if before != account.id:
            series.coordinator = account
            series.updated_at = now
            unit.session.flush()
        unit.record("series.set_coordinator", "series", series.id, before=before,
                    after=account.id)
    return series
