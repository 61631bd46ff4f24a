"""Reference data and the public compliance table."""

from __future__ import annotations

from coordinator.accounts.permissions import is_secretariat
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import caller
from coordinator.api.etags import etag_for, not_modified
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.meetings.public import shown_representative
from coordinator.reference.services import all_countries, committees_in_order
from coordinator.tracking.compliance import PERIOD_LABELS, compliance_report


@registry.operation(bp, "GET", "/countries", summary="The countries of the Declaration",
                    tag="reference", response=s.CountryList, etag=True)
def countries():
    caller()
    tag = etag_for()
    if (cached := not_modified(tag)) is not None:
        return cached
    rows = all_countries()
    return json_response(s.CountryList(items=[s.CountryOut(
        iso=c.iso, name_en=c.name_en, name_es=c.name_es, endorsement=c.endorsement,
        capital_zone=c.capital_zone, zones=list(c.zones or []),
        languages=list(c.languages or [])) for c in rows]), headers={"ETag": tag})


@registry.operation(bp, "GET", "/committees", summary="Action package committees",
                    tag="reference", response=s.CommitteeList, etag=True)
def committees():
    """Each committee with its lead countries and its designated CSO representative's
    organisation (the person's name only for the secretariat)."""
    secretariat = is_secretariat(caller())
    tag = etag_for(secretariat)
    if (cached := not_modified(tag)) is not None:
        return cached
    rows = committees_in_order(with_people=True)
    items = []
    for c in rows:
        rep = shown_representative(c)
        items.append(s.CommitteeOut(
            id=c.id, slug=c.slug, pillar=c.pillar, name_en=c.name_en,
            lead_countries=[x.iso for x in c.lead_countries],
            representative=s.RepresentativeOut(
                name=rep.name if secretariat else None, organisation=rep.organisation.name,
                website=rep.organisation.website) if rep is not None else None))
    return json_response(s.CommitteeList(items=items), headers={"ETag": tag})


@registry.operation(bp, "GET", "/compliance", summary="Who kept the cadence in a year",
                    tag="reference", query=s.ComplianceQuery, response=s.ComplianceOut)
def compliance(query: s.ComplianceQuery):
    """Countries by quarter and committees by half-year (held as recorded in the
    attendance register, unrecorded: started but not yet recorded, scheduled, missed, due),
    and whether each agenda was published by its due date."""
    # Not cached: states change as time passes (a meeting starts, an agenda falls due).
    caller()
    report = compliance_report(query.year, now=utc_now())

    def cells(rows):
        return [s.CellOut(period=c.period.label, state=c.state.value,
                          label=str(PERIOD_LABELS[c.state]),
                          meeting_ids=list(c.meeting_ids)) for c in rows]

    return json_response(s.ComplianceOut(
        year=report.year,
        countries={iso: cells(rows) for iso, rows in report.countries.items()},
        committees={slug: cells(rows) for slug, rows in report.committees.items()},
        agendas=[s.AgendaRecordOut(meeting_id=a.meeting_id, state=a.state.value,
                                   days_late=round(a.days_late, 2),
                                   lead_days=None if a.lead_days is None
                                   else round(a.lead_days, 2)) for a in report.agendas],
    ))
