"""Who kept the cadence: national meetings per quarter, briefings per half-year, agendas on time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from coordinator.cadence.kinds import KIND_RULES, SeriesKind
from coordinator.cadence.periods import Period, periods_of_year
from coordinator.cadence.zones import ensure_aware, get_zone


class PeriodState(StrEnum):
    HELD = "held"  # a meeting of the period is recorded as held (the attendance register)
    UNRECORDED = "unrecorded"  # a meeting has started, and nobody has recorded it yet
    SCHEDULED = "scheduled"
    MISSED = "missed"  # the period is over and no meeting took place
    DUE = "due"  # the period is under way or ahead, and nothing is scheduled yet


class AgendaState(StrEnum):
    ON_TIME = "on-time"
    LATE = "late"  # published after its due date
    MISSING = "missing"  # due date passed, not published
    PENDING = "pending"  # not yet due, not yet published


@dataclass(frozen=True)
class MeetingFact:
    """What compliance needs to know of one meeting; built from the database by a service."""

    meeting_id: int
    kind: SeriesKind
    start: datetime
    zone_name: str
    cancelled: bool
    agenda_due: datetime
    agenda_published_at: datetime | None = None
    country: str | None = None
    committee: str | None = None
    # The attendance register: True held, False not held, None not recorded (yet). The
    # date alone never makes a meeting held: a coordinator says so once it has started.
    held: bool | None = None


@dataclass(frozen=True)
class Cell:
    period: Period
    state: PeriodState
    meeting_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class AgendaRecord:
    meeting_id: int
    state: AgendaState
    days_late: float = 0.0  # positive when late or missing, in days
    lead_days: float | None = None  # how long before the meeting it was published


@dataclass
class ComplianceReport:
    year: int
    countries: dict[str, list[Cell]] = field(default_factory=dict)
    committees: dict[str, list[Cell]] = field(default_factory=dict)
    agendas: list[AgendaRecord] = field(default_factory=list)


def _cells(periods: list[Period], facts: list[MeetingFact], now: datetime) -> list[Cell]:
    cells = []
    today = now.date()
    for period in periods:
        live = [
            f for f in facts
            if not f.cancelled and period.contains(f.start.astimezone(get_zone(f.zone_name)).date())
        ]
        started = [f for f in live if f.start <= now]
        held = [f for f in started if f.held is True]
        unrecorded = [f for f in started if f.held is None]
        ahead = [f for f in live if f.start > now]
        if held:
            state = PeriodState.HELD
        elif unrecorded:
            state = PeriodState.UNRECORDED
        elif ahead:
            state = PeriodState.SCHEDULED
        elif period.after_last_day <= today:
            state = PeriodState.MISSED
        else:
            state = PeriodState.DUE
        # Every live meeting of the period, in order (one recorded as not held included,
        # so its record can be reached from the cell).
        ids = tuple(f.meeting_id for f in sorted(live, key=lambda f: (f.start, f.meeting_id)))
        cells.append(Cell(period, state, ids))
    return cells


def agenda_record(fact: MeetingFact, now: datetime) -> AgendaRecord:
    """Whether a meeting's agenda was published by its due date, and by how much it missed."""
    day = 86400.0
    published = fact.agenda_published_at
    if published is not None:
        lead = (fact.start - published).total_seconds() / day
        late = (published - fact.agenda_due).total_seconds() / day
        if late > 0:
            return AgendaRecord(fact.meeting_id, AgendaState.LATE, late, lead)
        return AgendaRecord(fact.meeting_id, AgendaState.ON_TIME, 0.0, lead)
    if now > fact.agenda_due:
        return AgendaRecord(fact.meeting_id, AgendaState.MISSING,
                            (now - fact.agenda_due).total_seconds() / day)
    return AgendaRecord(fact.meeting_id, AgendaState.PENDING)


def compliance(
    year: int,
    countries: Iterable[str],
    committees: Iterable[str],
    facts: Iterable[MeetingFact],
    now: datetime,
) -> ComplianceReport:
    """The compliance table of `year` as it stands at `now`."""
    ensure_aware(now, "now")
    facts = list(facts)
    report = ComplianceReport(year)
    quarters = periods_of_year(year, KIND_RULES[SeriesKind.NATIONAL].period_months or 3)
    halves = periods_of_year(year, KIND_RULES[SeriesKind.COMMITTEE].period_months or 6)
    for iso in countries:
        mine = [f for f in facts if f.kind == SeriesKind.NATIONAL and f.country == iso]
        report.countries[iso] = _cells(quarters, mine, now)
    for slug in committees:
        mine = [f for f in facts if f.kind == SeriesKind.COMMITTEE and f.committee == slug]
        report.committees[slug] = _cells(halves, mine, now)
    for fact in sorted(facts, key=lambda f: f.start):
        local_year = fact.start.astimezone(get_zone(fact.zone_name)).year
        if local_year == year and not fact.cancelled:
            report.agendas.append(agenda_record(fact, now))
    return report
