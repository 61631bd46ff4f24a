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
from coordinator.cadence.errors import N_, EndBeforeStart, InvalidInput
from coordinator.cadence.kinds import KIND_RULES, SeriesKind
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
from coordinator.errors import Conflict, NotFound
from coordinator.extensions import DbSession, db
from coordinator.invitations import services as invitations
from coordinator.models import (
    Account,
    Committee,
    Country,
    Meeting,
    MeetingStatus,
    Series,
    SeriesRule,
)
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TITLE = 200


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
    if data.rrule is None and rules.default_rrule is not None:
        # The kind's cadence from any first date: past the 28th it falls on the month's
        # last day where the month is shorter, instead of skipping the month.
        rule_text: str | None = month_end_safe(rules.default_rrule, data.first_date)
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
        raise InvalidInput(f"The title is longer than {MAX_TITLE} characters.", field="title")
    for name, value, limit in (("location", data.location, 300),
                               ("online_url", data.online_url, 500)):
        if value is not None and len(value) > limit:
            raise InvalidInput(f"The {name.replace('_', ' ')} is longer than {limit} characters.",
                               field=name)
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
    first_date: date | None = None  # the new rule's DTSTART date; default effective_from


def change_rule(series_id: int, change: RuleChange, *, now: datetime, actor: Actor) -> Series:
    """Change a series' rule from a date on, leaving past and individually moved meetings alone.

    A future meeting the new rule no longer calls for becomes the new rule's meeting of
    the same month when there is one (an update, SEQUENCE+1), and is cancelled otherwise,
    so calendars that already hold it see it go.
    """
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        series = unit.session.get(Series, series_id)
        if series is None:
            raise NotFound(N_("No series %(id)s."), id=series_id)
        zone = get_zone(change.zone)
        if change.effective_from < now.astimezone(zone).date():
            raise Conflict(N_("A rule can only change from today on; past meetings stay as "
                              "they were."), field="effective_from")
        if series.current_rule.rrule is None:
            raise Conflict(N_("This series is a single meeting: move it instead of changing "
                              "a rule."), field="rrule")
        if change.rrule is None or not change.rrule.strip():
            raise InvalidInput(N_("Give the new recurrence rule."), field="rrule")
        check_duration(timedelta(minutes=change.duration_minutes))
        recurrence = Recurrence(change.first_date or change.effective_from, change.start_time,
                                change.zone, change.rrule).validated()

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

        _apply_new_plan(unit, series, new_rule.segment(), change.effective_from)
        created = _materialise(unit, series, now)
        unit.record("series.change_rule", "series", series.id,
                    effective_from=change.effective_from, rrule=recurrence.rrule,
                    zone=change.zone, start_time=change.start_time,
                    duration_minutes=change.duration_minutes, new_meetings=len(created))
    return series


def _apply_new_plan(unit: Unit, series: Series, segment: RuleSegment, effective: date) -> None:
    """Bring the future meetings from `effective` on in line with the new rule.

    A meeting someone moved by hand keeps its time, and stands in for the new rule's
    meeting of the same month, so the change does not add a second one beside it.
    """
    until = add_months(unit.now, _horizon())
    planned = plan([segment], series.holiday_country, unit.now, until,
                   allow_weekends=series.allow_weekends)
    refuse_crowded_days(planned)
    wanted = {p.key: p for p in planned}
    # Held until the change commits, like any change to a meeting (Unit.lock_meeting).
    meetings = list(unit.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                         .order_by(Meeting.id).with_for_update()
                                         .execution_options(populate_existing=True)))
    taken = {m.occurrence_key for m in meetings}
    affected = sorted(
        (m for m in meetings
         if date.fromisoformat(m.occurrence_key[:10]) >= effective
         and m.start_at > unit.now and m.status == MeetingStatus.SCHEDULED),
        key=lambda m: (not m.moved, m.start_at),
    )
    free = [p for key, p in wanted.items() if key not in taken]
    for meeting in affected:
        target = wanted.get(meeting.occurrence_key)
        if target is not None:
            if not meeting.moved:
                _retime(unit, meeting, target)
            continue
        month = meeting.start_local.strftime("%Y-%m")
        match = next((p for p in free if p.start.strftime("%Y-%m") == month), None)
        if match is not None:
            free.remove(match)
            meeting.occurrence_key = match.key
            if not meeting.moved:
                _retime(unit, meeting, match)
        elif not meeting.moved:
            meeting.status = MeetingStatus.CANCELLED
            meeting.cancel_reason = "The series' schedule changed."
            meeting.sequence += 1
            meeting.updated_at = unit.now
            invitations.meeting_cancelled(unit, meeting)
            unit.record("meeting.cancel", "meeting", meeting.id, reason="rule change")
    unit.session.flush()


def _retime(unit: Unit, meeting: Meeting, planned: PlannedMeeting) -> None:
    shift_from = planned.shift.original if planned.shift else None
    if (meeting.start_at, meeting.end_at, meeting.zone, meeting.shifted_from) == (
        planned.start_utc, planned.end_utc, planned.zone_name, shift_from
    ):
        return
    before = meeting.start_at
    meeting.start_at, meeting.end_at = planned.start_utc, planned.end_utc
    meeting.zone = planned.zone_name
    meeting.shifted_from = shift_from
    meeting.holiday_name = planned.shift.holiday if planned.shift else None
    meeting.sequence += 1
    meeting.updated_at = unit.now
    invitations.meeting_changed(unit, meeting)
    unit.record("meeting.retime", "meeting", meeting.id, before=before.astimezone(UTC),
                after=planned.start_utc)
