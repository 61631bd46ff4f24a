"""Loading the reference data: countries of the Declaration and the action package committees.

The CSV files ship inside the package (copied from `shared/reference/`), so a fresh
install needs nothing beside it.
"""

from __future__ import annotations

import csv
from datetime import datetime
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.models import Committee, CommitteeMember, CommitteeRole, Contact, Country
from coordinator.unit import Actor, unit_of_work


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("coordinator.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_reference(*, now: datetime, actor: Actor | None = None) -> tuple[int, int]:
    """Insert or update countries and committees; running it again changes nothing."""
    with unit_of_work(actor or Actor.cli(), now) as unit:
        session = unit.session
        countries = {c.iso: c for c in session.scalars(select(Country))}
        added_countries = 0
        for row in _rows("countries.csv"):
            country = countries.get(row["iso"])
            if country is None:
                country = Country(iso=row["iso"])
                session.add(country)
                countries[row["iso"]] = country
                added_countries += 1
            country.name_en, country.name_es = row["name_en"], row["name_es"]
            country.endorsement = row["endorsement"]
            country.capital_zone = row["capital_zone"]
            country.zones = [row["capital_zone"], *row["other_zones"].split()]
            country.languages = row["languages"].split()
            country.dst_2026 = row["dst_2026"]
        session.flush()

        committees = {c.slug: c for c in session.scalars(select(Committee))}
        added_committees = 0
        for row in _rows("committees.csv"):
            committee = committees.get(row["slug"])
            if committee is None:
                committee = Committee(slug=row["slug"], name_en=row["name_en"])
                session.add(committee)
                added_committees += 1
                # Names are the secretariat's to rename once set (Pillar III placeholders).
            committee.pillar, committee.confirmed = row["pillar"], row["confirmed"]
            wanted = {(iso, CommitteeRole.LEAD) for iso in row["lead"].split()}
            wanted |= {(iso, CommitteeRole.PARTICIPANT) for iso in row["participants"].split()}
            have = {(m.country.iso, m.role) for m in committee.members}
            for iso, role in sorted(wanted - have):
                committee.members.append(CommitteeMember(country=countries[iso], role=role))
        if added_countries or added_committees:
            unit.record("reference.seed", "reference", None, countries=added_countries,
                        committees=added_committees)
    return added_countries, added_committees


def committee_by_slug(slug: str) -> Committee:
    """The committee a door names by its slug (e.g. labor-mobility)."""
    committee = find_committee(slug)
    if committee is None:
        raise NotFound(N_("No committee %(id)s."), id=slug)
    return committee


def committees_in_order(*, with_people: bool = False) -> list[Committee]:
    """Every committee, by pillar; `with_people` loads its member countries and its
    representative's organisation in the same round trips (a listing of all of them)."""
    stmt = select(Committee).order_by(Committee.pillar, Committee.id)
    if with_people:
        stmt = stmt.options(
            selectinload(Committee.members).selectinload(CommitteeMember.country),
            selectinload(Committee.representative).selectinload(Contact.organisation))
    return list(db.session.scalars(stmt))


def all_countries() -> list[Country]:
    """Every country, by ISO code (doors sort by the name in the reader's language)."""
    return list(db.session.scalars(select(Country).order_by(Country.iso)))


def find_country(iso: str) -> Country | None:
    """The country of a two-letter code, any case; None for anything else."""
    if len(iso) != 2:
        return None
    return db.session.scalar(select(Country).where(Country.iso == iso.upper()))


def find_committee(slug: str) -> Committee | None:
    if len(slug) > 80:
        return None
    return db.session.scalar(select(Committee).where(Committee.slug == slug))
