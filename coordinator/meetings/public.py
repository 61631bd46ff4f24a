"""What the public pages read beyond one query: zones to offer, the tracker, the directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from coordinator.cadence.compliance import AgendaState, Cell
from coordinator.cadence.kinds import KIND_RULES, SeriesKind
from coordinator.cadence.periods import Period, periods_of_year
from coordinator.cadence.zones import is_known_zone
from coordinator.content import services as content
from coordinator.extensions import db
from coordinator.meetings.reads import find_meeting
from coordinator.models import (
    Committee,
    CommitteeMember,
    Contact,
    Country,
    Meeting,
    RegistrationState,
    Series,
    Suggestion,
)
from coordinator.present import country_name
from coordinator.reference.services import all_countries, committees_in_order
from coordinator.tracking.compliance import compliance_report

# The Declaration was signed in June 2022; nothing to track before. Two years ahead is as
# far as series are materialised and as far as anyone plans.
FIRST_TRACKED_YEAR = 2022
YEARS_AHEAD = 2


def tracked_years(now: datetime) -> range:
    """The years the tracker answers for: from the Declaration to two years ahead."""
    return range(FIRST_TRACKED_YEAR, now.year + YEARS_AHEAD + 1)


def zone_choices() -> list[str]:
    """UTC and every zone of the seeded countries, for visitors to show times in."""
    zones: set[str] = set()
    for listed in db.session.scalars(select(Country.zones)):
        zones.update(z for z in listed or () if is_known_zone(z))
    zones.discard("UTC")
    return ["UTC", *sorted(zones)]


@dataclass(frozen=True)
class TrackerRow:
    """One country's quarters or one committee's half-years."""

    body: Country | Committee
    cells: list[Cell]


@dataclass(frozen=True)
class AgendaLine:
    """A published agenda and how long before its meeting it came out."""

    meeting_id: int
    day: date  # the meeting's date in its own zone
    state: AgendaState
    lead_days: int


@dataclass
class AgendaSummary:
    """A country's or committee's agendas of the year; `body` None for the other meetings."""

    body: Country | Committee | None
    published: list[AgendaLine] = field(default_factory=list)
    late: int = 0
    missing: int = 0


@dataclass(frozen=True)
class OneOff:
    """A meeting with no cadence of its own (regional, the special coordinators',
    extraordinary): when it is, and, for the regional meeting, the date it must be held by."""

    meeting: Meeting
    day: date  # in the meeting's own zone
    held_by: date | None

    @property
    def after_held_by(self) -> bool:
        return self.held_by is not None and self.day > self.held_by


ONE_OFF_KINDS = (SeriesKind.REGIONAL, SeriesKind.COORDINATORS, SeriesKind.EXTRAORDINARY,
                 SeriesKind.HIGH_LEVEL)


def one_off_meetings(year: int) -> list[OneOff]:
    """The year's one-off meetings by date (cancelled ones too: the tracker says so)."""
    first = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    last = datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    rows = db.session.scalars(
        select(Meeting).join(Meeting.series)
        .where(Series.kind.in_(ONE_OFF_KINDS), Meeting.start_at >= first,
               Meeting.start_at < last)
        .options(joinedload(Meeting.series)).order_by(Meeting.start_at, Meeting.id))
    found = [OneOff(m, m.start_local.date(), m.series.held_by) for m in rows]
    return [o for o in found if o.day.year == year]  # the year in each meeting's own zone


@dataclass(frozen=True)
class Tracker:
    year: int
    quarters: list[Period]
    halves: list[Period]
    countries: list[TrackerRow]
    committees: list[TrackerRow]
    agendas: list[AgendaSummary]
    days: dict[int, date]  # meeting id -> its date in its own zone, for links in cells
    one_offs: list[OneOff] = field(default_factory=list)


def cadence_tracker(year: int, *, now: datetime) -> Tracker:
    """The compliance report of `year` with the names, dates and groupings a page shows."""
    report = compliance_report(year, now=now)
    countries = {c.iso: c for c in db.session.scalars(
        select(Country).where(Country.iso.in_(list(report.countries))))}
    committees = {c.slug: c for c in db.session.scalars(
        select(Committee).where(Committee.slug.in_(list(report.committees))))}
    ids = {i for table in (report.countries, report.committees)
           for cells in table.values() for cell in cells for i in cell.meeting_ids}
    ids.update(record.meeting_id for record in report.agendas)
    meetings = {m.id: m for m in db.session.scalars(
        select(Meeting).where(Meeting.id.in_(list(ids)))
        .options(joinedload(Meeting.series).joinedload(Series.country),
                 joinedload(Meeting.series).joinedload(Series.committee)))} if ids else {}

    country_rows = sorted(
        (TrackerRow(countries[iso], cells) for iso, cells in report.countries.items()),
        key=lambda row: country_name(row.body))  # type: ignore[arg-type]
    committee_rows = [TrackerRow(committees[slug], cells)
                      for slug, cells in report.committees.items()]

    # Agendas grouped by whom the meeting belongs to: the grid's order, then the rest.
    order: list[Country | Committee | None] = [row.body for row in country_rows]
    order += [row.body for row in committee_rows]
    summaries: dict[int, AgendaSummary] = {}
    for record in report.agendas:
        meeting = meetings.get(record.meeting_id)
        if meeting is None:
            continue
        body = meeting.series.country or meeting.series.committee
        if body not in order:
            order.append(body)
        summary = summaries.setdefault(order.index(body), AgendaSummary(body))
        if record.state == AgendaState.LATE:
            summary.late += 1
        elif record.state == AgendaState.MISSING:
            summary.missing += 1
        if record.lead_days is not None:
            summary.published.append(AgendaLine(meeting.id, meeting.start_local.date(),
                                                record.state, round(record.lead_days)))
    return Tracker(
        year=year,
        quarters=periods_of_year(year, KIND_RULES[SeriesKind.NATIONAL].period_months or 3),
        halves=periods_of_year(year, KIND_RULES[SeriesKind.COMMITTEE].period_months or 6),
        countries=country_rows,
        committees=committee_rows,
        agendas=[summaries[i] for i in sorted(summaries)],
        days={i: m.start_local.date() for i, m in meetings.items()},
        one_offs=one_off_meetings(year),
    )


@dataclass(frozen=True)
class CommitteeListing:
    committee: Committee
    representative: Contact | None
    leads: list[Country]


def committee_directory() -> list[CommitteeListing]:
    """Each committee with its CSO representative (recommendation 4) and lead countries."""
    committees = db.session.scalars(
        select(Committee).order_by(Committee.pillar, Committee.id)
        .options(joinedload(Committee.representative).joinedload(Contact.organisation),
                 selectinload(Committee.members).joinedload(CommitteeMember.country))
    ).unique().all()
    # The page names the representative's organisation alone, as its registration agreed
    # (never the person's name or address).
    return [CommitteeListing(committee, shown_representative(committee),
                             sorted(committee.lead_countries, key=country_name))
            for committee in committees]


def shown_representative(committee: Committee) -> Contact | None:
    """The committee's CSO representative as others may see them (the public directory,
    the API): only while the person is active and their organisation approved."""
    contact = committee.representative
    if contact is None or not contact.active:
        return None
    if contact.organisation.registration_state != RegistrationState.APPROVED:
        return None
    return contact


@dataclass
class Upcoming:
    """The home page: the next meetings, filtered, and the filters' choices."""

    meetings: list[Meeting]
    countries: list[Country]
    committees: list[Committee]


def upcoming_meetings(now: datetime, *, country: str = "", committee: str = "",
                      kind: str = "", limit: int = 200) -> Upcoming:
    """Meetings not yet over and within about a year, by start; unknown filters match
    nothing rather than fail (a filter comes straight from the address bar)."""
    query = (
        select(Meeting)
        .join(Meeting.series)
        .where(Meeting.end_at >= now, Meeting.start_at < now + timedelta(days=400))
        .options(joinedload(Meeting.series).joinedload(Series.country),
                 joinedload(Meeting.series).joinedload(Series.committee))
        .order_by(Meeting.start_at)
    )
    if country:
        query = query.join(Series.country).where(Country.iso == country)
    if committee:
        query = query.join(Series.committee).where(Committee.slug == committee)
    if kind in {k.value for k in SeriesKind}:
        query = query.where(Series.kind == kind)
    return Upcoming(
        meetings=list(db.session.scalars(query.limit(limit))),
        countries=sorted(all_countries(), key=country_name),
        committees=committees_in_order())


@dataclass(frozen=True)
class TimedItem:
    """A published agenda item with when it is planned to start (UTC)."""

    title: str
    kind: str
    minutes: int
    presenter: str | None
    language: str | None
    start: datetime
    written_in: str | None = None  # the language `title` is shown in
    item_id: int | None = None  # the agenda item (its documents), when the snapshot says


def agenda_timetable(meeting: Meeting, reader: str | None = None) -> list[TimedItem]:
    """The published agenda, each item starting when the previous one is planned to end,
    titles in the reader's language where translated."""
    at = meeting.start_at
    items = []
    for entry in content.agenda_for(meeting, reader):
        minutes = int(entry.get("duration") or 0)
        items.append(TimedItem(entry.get("title", ""), entry.get("kind", ""), minutes,
                               entry.get("presenter"), entry.get("language"), at,
                               entry.get("written_in"), entry.get("id")))
        at += timedelta(minutes=minutes)
    return items


def public_meeting(meeting_id: int) -> tuple[Meeting, list[Suggestion]]:
    """A meeting and its announced outcomes (released ones only; whether the proposer is
    named is the template's business, by each suggestion's consent)."""
    found = find_meeting(meeting_id)
    outcomes = db.session.scalars(
        select(Suggestion).where(Suggestion.meeting_id == found.id,
                                 Suggestion.released_at.is_not(None))
        .order_by(Suggestion.decided_at, Suggestion.id)).all()
    return found, list(outcomes)
