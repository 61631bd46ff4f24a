"""The public tracker of commitments (issue 16, point 5; recommendation 11): what a page
of it shows, read in a fixed number of queries however many commitments it holds.

A tracker page lists commitments of a country, a committee, a pillar or all, each with
its indicators (measurements as plain tuples, not ORM rows: ten thousand of them load in
milliseconds), its public timeline and the meetings where it was discussed, and every text
in the reader's language where a current translation exists. Pages are rendered once per
data version (web/page_cache.py); this module only reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.content import services as content
from coordinator.content.services import Shown, Translations
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.models import Committee, Country, Meeting, Series
from coordinator.outcomes.action_items import overdue_items
from coordinator.outcomes.commitments import PILLARS, commitments
from coordinator.outcomes.indicators import progress_fraction
from coordinator.outcomes.models import (
    ActionItem,
    Assessment,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Contribution,
    ContributionState,
    Indicator,
    IndicatorKind,
    Measurement,
    PlanState,
    Rating,
    WorkPlan,
    WorkPlanEntry,
)

TIMELINE_ON_LISTS = 3  # entries a list page shows per commitment (its own page: all)


class Value(NamedTuple):
    """One measurement, as charts and tables need it."""

    dated: date
    value: float
    source: str


class Rated(NamedTuple):
    dated: date
    rating: Rating
    narrative: Shown


@dataclass
class IndicatorView:
    indicator: Indicator
    name: Shown
    values: list[Value] = field(default_factory=list)  # oldest first
    ratings: list[Rated] = field(default_factory=list)  # oldest first

    @property
    def quantitative(self) -> bool:
        return self.indicator.kind == IndicatorKind.QUANTITATIVE

    @property
    def latest(self) -> Value | None:
        return self.values[-1] if self.values else None

    @property
    def rating(self) -> Rated | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def progress(self) -> float | None:
        """How far the latest value has come from baseline to target (0..1)."""
        found = self.indicator
        if self.latest is None or found.baseline is None or found.target is None:
            return None
        return progress_fraction(found.baseline, found.target, self.latest.value)


@dataclass
class Entry:
    update: CommitmentUpdate
    text: Shown | None  # None: a status change said without words


@dataclass
class CommitmentView:
    commitment: Commitment
    text: Shown
    reason: Shown | None
    indicators: list[IndicatorView]
    timeline: list[Entry]  # newest first (a list page holds the latest few)
    timeline_size: int
    meetings: list[Meeting]  # where it was made, reviewed or cited, oldest first
    contributions: list[tuple[Contribution, Shown | None]] = field(default_factory=list)
    plans: list[WorkPlan] = field(default_factory=list)


@dataclass(frozen=True)
class Overview:
    """The tracker's front page: counts by status, per country, committee and pillar."""

    total: int
    by_status: dict[CommitmentStatus, int]
    countries: list[tuple[Country, int]]
    committees: list[tuple[Committee, int]]
    pillars: list[tuple[str, int]]
    plans: list[WorkPlan]


# --- what a page lists ----------------------------------------------------------------

def country_of(iso: str) -> Country:
    found = db.session.scalar(select(Country).where(Country.iso == iso.upper()))
    if found is None:
        raise NotFound(N_("Unknown country %(value)s."), value=iso)
    return found


def committee_of(slug: str) -> Committee:
    found = db.session.scalar(select(Committee).where(Committee.slug == slug))
    if found is None:
        raise NotFound(N_("Unknown committee %(value)s."), value=slug)
    return found


def pillar_of(pillar: str) -> str:
    if pillar.upper() not in PILLARS:
        raise NotFound(N_("Choose the pillar: I, II or III."))
    return pillar.upper()


def overview() -> Overview:
    """Counts for the front page (a handful of small queries)."""
    rows = db.session.execute(select(Commitment.country_id, Commitment.committee_id,
                                     Commitment.action_package_id, Commitment.pillar,
                                     Commitment.status)).all()
    status: dict[CommitmentStatus, int] = defaultdict(int)
    per_country: dict[int, int] = defaultdict(int)
    per_committee: dict[int, int] = defaultdict(int)
    per_pillar: dict[str, int] = defaultdict(int)
    for country_id, committee_id, package_id, pillar, state in rows:
        status[state] += 1
        per_pillar[pillar] += 1
        if country_id is not None:
            per_country[country_id] += 1
        for body in {committee_id, package_id} - {None}:
            per_committee[body] += 1  # type: ignore[index]
    countries = {c.id: c for c in db.session.scalars(select(Country).where(
        Country.id.in_(per_country)))} if per_country else {}
    committees = {c.id: c for c in db.session.scalars(select(Committee).where(
        Committee.id.in_(per_committee)))} if per_committee else {}
    return Overview(
        total=len(rows), by_status=dict(status),
        countries=sorted(((countries[i], n) for i, n in per_country.items()),
                         key=lambda pair: pair[0].name_en),
        committees=sorted(((committees[i], n) for i, n in per_committee.items()),
                          key=lambda pair: (pair[0].pillar, pair[0].name_en)),
        pillars=[(p, per_pillar.get(p, 0)) for p in PILLARS],
        plans=published_plans())


def published_plans() -> list[WorkPlan]:
    """Every joint work plan as agreed now, newest meeting first."""
    return list(db.session.scalars(select(WorkPlan).join(Meeting).where(
        WorkPlan.state == PlanState.PUBLISHED).order_by(Meeting.start_at.desc())
        .options(selectinload(WorkPlan.meeting))))


def plan_of(meeting_id: int) -> WorkPlan:
    """A regional meeting's published joint work plan (the public page's)."""
    found = db.session.scalar(select(WorkPlan).where(WorkPlan.meeting_id == meeting_id,
                                                     WorkPlan.state == PlanState.PUBLISHED))
    if found is None:
        raise NotFound(N_("No joint work plan has been published for meeting %(id)s."),
                       id=meeting_id)
    return found


# --- the views ------------------------------------------------------------------------

def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def views(found: Sequence[Commitment], reader: str | None, *, full: bool = False,
          every_value: bool = False) -> list[CommitmentView]:
    """Each commitment with what its card (or, `full`, its own page) shows, loaded in a
    fixed number of queries whatever the number of commitments. A card's indicators
    hold their latest value only, unless `every_value` (or `full`)."""
    ids = [c.id for c in found]
    if not ids:
        return []
    session = db.session
    # Names of countries and committees: the whole (small) tables, once, so that no
    # card lazy-loads its responsible body.
    session.scalars(select(Country)).all()
    session.scalars(select(Committee)).all()
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for chunk in _chunks(ids):
        for indicator in session.scalars(select(Indicator).where(
                Indicator.commitment_id.in_(chunk)).order_by(Indicator.id)):
            indicators[indicator.commitment_id].append(indicator)
    indicator_ids = [i.id for found_ in indicators.values() for i in found_]
    values: dict[int, list[Value]] = defaultdict(list)
    ratings: dict[int, list[tuple[date, Rating, Assessment]]] = defaultdict(list)
    for chunk in _chunks(indicator_ids):
        # A list shows the latest value of each indicator; a commitment's page, and the
        # exports, every value.
        query = select(Measurement.indicator_id, Measurement.dated, Measurement.value,
                       Measurement.source).where(Measurement.indicator_id.in_(chunk))
        if not (full or every_value):
            rank = func.row_number().over(
                partition_by=Measurement.indicator_id,
                order_by=(Measurement.dated.desc(), Measurement.id.desc())).label("rank")
            ranked = query.add_columns(rank).subquery()
            query = select(ranked.c.indicator_id, ranked.c.dated, ranked.c.value,
                           ranked.c.source).where(ranked.c.rank == 1)
        else:
            query = query.order_by(Measurement.dated, Measurement.id)
        for indicator_id, dated, number, source in session.execute(query):
            values[indicator_id].append(Value(dated, number, source))
        for assessment in session.scalars(select(Assessment).where(
                Assessment.indicator_id.in_(chunk))
                .order_by(Assessment.dated, Assessment.id)):
            ratings[assessment.indicator_id].append(
                (assessment.dated, assessment.rating, assessment))
    updates: dict[int, list[CommitmentUpdate]] = defaultdict(list)
    for chunk in _chunks(ids):
        for update in session.scalars(select(CommitmentUpdate).where(
                CommitmentUpdate.commitment_id.in_(chunk))
                .order_by(CommitmentUpdate.dated.desc(), CommitmentUpdate.id.desc())):
            updates[update.commitment_id].append(update)
    contributions: dict[int, list[Contribution]] = defaultdict(list)
    if full:
        for chunk in _chunks(ids):
            for contribution in session.scalars(select(Contribution).where(
                    Contribution.commitment_id.in_(chunk),
                    Contribution.state != ContributionState.WAITING)
                    .options(selectinload(Contribution.organisation))
                    .order_by(Contribution.decided_at, Contribution.id)):
                contributions[contribution.commitment_id].append(contribution)
    meeting_ids = {m for c in found for m in (c.made_at_id, c.reviewed_at_id) if m}
    meeting_ids |= {u.source_meeting_id for found_ in updates.values() for u in found_
                    if u.source_meeting_id}
    meetings: dict[int, Meeting] = {}
    for chunk in _chunks(sorted(meeting_ids)):
        meetings.update((m.id, m) for m in session.scalars(select(Meeting).where(
            Meeting.id.in_(chunk)).options(selectinload(Meeting.series))))
    shown_updates = {c: (u if full else u[:TIMELINE_ON_LISTS]) for c, u in updates.items()}
    translations = content.for_subjects({
        "commitment": ids,
        "indicator": indicator_ids,
        "commitment_update": [u.id for found_ in shown_updates.values() for u in found_],
        "assessment": [a.id for found_ in ratings.values() for _d, _r, a in found_],
        "contribution": [c.id for found_ in contributions.values() for c in found_],
    }, reader)
    plans = _plans_of(ids) if full else {}
    result = []
    for commitment in found:
        own = updates.get(commitment.id, [])
        discussed = {commitment.made_at_id, commitment.reviewed_at_id,
                     *(u.source_meeting_id for u in own)} - {None}
        result.append(CommitmentView(
            commitment=commitment,
            text=_text(translations, commitment, "text", reader),
            reason=(translations.of(commitment, "reason", reader)
                    if commitment.status == CommitmentStatus.DROPPED else None),
            indicators=[IndicatorView(
                indicator=i, name=_text(translations, i, "name", reader),
                values=values.get(i.id, []),
                ratings=[Rated(d, r, _text(translations, a, "narrative", reader))
                         for d, r, a in ratings.get(i.id, [])])
                for i in indicators.get(commitment.id, [])],
            timeline=[Entry(u, translations.of(u, "text", reader) if u.text else None)
                      for u in shown_updates.get(commitment.id, [])],
            timeline_size=len(own),
            meetings=sorted((meetings[m] for m in discussed if m in meetings),
                            key=lambda m: m.start_at),
            contributions=[(c, translations.of(c, "reason", reader))
                           for c in contributions.get(commitment.id, [])],
            plans=plans.get(commitment.id, [])))
    return result


def _text(translations: Translations, row: object, name: str, reader: str | None) -> Shown:
    found = translations.of(row, name, reader)
    return found if found is not None else Shown("", None)


def _plans_of(ids: Sequence[int]) -> dict[int, list[WorkPlan]]:
    found: dict[int, list[WorkPlan]] = defaultdict(list)
    for chunk in _chunks(ids):
        for commitment_id, plan in db.session.execute(select(
                WorkPlanEntry.commitment_id, WorkPlan).join(WorkPlan).where(
                WorkPlanEntry.commitment_id.in_(chunk),
                WorkPlan.state == PlanState.PUBLISHED).order_by(WorkPlan.id)):
            found[commitment_id].append(plan)
    return found


def of_country(iso: str, reader: str | None) -> tuple[Country, list[CommitmentView]]:
    country = country_of(iso)
    return country, views(commitments(country=country.iso), reader)


def of_committee(slug: str, reader: str | None) -> tuple[Committee, list[CommitmentView]]:
    committee = committee_of(slug)
    return committee, views(commitments(committee=committee.slug), reader)


def of_pillar(pillar: str, reader: str | None) -> tuple[str, list[CommitmentView]]:
    code = pillar_of(pillar)
    return code, views(commitments(pillar=code), reader)


def one(commitment_id: int, reader: str | None) -> CommitmentView:
    """A commitment's own page: its whole timeline, decided contributions and plans."""
    found = db.session.get(Commitment, commitment_id)
    if found is None:
        raise NotFound(N_("No commitment %(id)s."), id=commitment_id)
    return views([found], reader, full=True)[0]


def of_plan(plan: WorkPlan, reader: str | None) -> list[CommitmentView]:
    """A joint work plan's commitments in the plan's order."""
    return views(plan.commitments, reader)


# --- overdue action items ---------------------------------------------------------------

@dataclass
class OverdueGroup:
    """Overdue action items under the country or committee they concern."""

    body: Country | Committee | None
    items: list[tuple[ActionItem, Shown]]


def overdue_by_body(now: datetime, reader: str | None, *, country: str | None = None,
                    committee: str | None = None) -> list[OverdueGroup]:
    """Overdue items grouped by the country or committee they concern: the owner when it
    is one, else the series' country or committee (an organisation's or a person's item
    belongs to the meeting series it came from). Filtered to one country or committee."""
    wanted_country = country_of(country) if country else None
    wanted_committee = committee_of(committee) if committee else None
    items = overdue_items(now)
    series = {i.series_id for i in items}
    if series:  # the series of every item, in one query (their bodies are loaded below)
        db.session.scalars(select(Series).where(Series.id.in_(series))).all()
    db.session.scalars(select(Country)).all()
    db.session.scalars(select(Committee)).all()
    translations = content.for_subjects({"action_item": [i.id for i in items]}, reader)
    groups: dict[tuple[str, int], OverdueGroup] = {}
    for item in items:
        body: Country | Committee | None = item.owner_country or item.owner_committee
        if body is None:
            body = item.series.country or item.series.committee
        if wanted_country is not None and body != wanted_country:
            continue
        if wanted_committee is not None and body != wanted_committee:
            continue
        key = ("country" if isinstance(body, Country) else "committee",
               body.id if body is not None else 0)
        group = groups.setdefault(key, OverdueGroup(body, []))
        group.items.append((item, _text(translations, item, "text", reader)))
    def order(group: OverdueGroup) -> tuple[int, str]:
        body = group.body
        return (0 if isinstance(body, Country) else 1 if body is not None else 2,
                body.name_en if body is not None else "")
    return sorted(groups.values(), key=order)

