"""The public tracker of commitments and indicators, the joint work plans and the overdue
action items, in the reader's language, with open data exports and an Atom feed.

Every answer here depends only on the data, the language and the day (the overdue page:
the half hour), so each is rendered once per data version and then served from memory
(web/page_cache.py).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale, gettext, lazy_gettext

from coordinator.cadence.zones import get_zone, utc_now
from coordinator.content import services as content
from coordinator.documents import services as documents
from coordinator.models import Committee, Country, Meeting
from coordinator.outcomes import charts, open_data, tracker
from coordinator.outcomes.models import (
    ActionItem,
    Commitment,
    CommitmentStatus,
    ContributionState,
    PlanState,
)
from coordinator.present import committee_name, country_name, series_title
from coordinator.web.page_cache import HALF_HOUR, cached

bp = Blueprint("commitments", __name__)

STATUS_NAMES = {
    CommitmentStatus.PLANNED: lazy_gettext("Planned"),
    CommitmentStatus.IN_PROGRESS: lazy_gettext("In progress"),
    CommitmentStatus.ACHIEVED: lazy_gettext("Achieved"),
    CommitmentStatus.PARTLY_ACHIEVED: lazy_gettext("Partly achieved"),
    CommitmentStatus.NOT_ACHIEVED: lazy_gettext("Not achieved"),
    CommitmentStatus.DROPPED: lazy_gettext("Dropped"),
}
PILLAR_NAMES = {
    "I": lazy_gettext("Pillar I: stability and assistance for communities"),
    "II": lazy_gettext("Pillar II: regular pathways and international protection"),
    "III": lazy_gettext("Pillar III: humane migration management"),
}
CONTRIBUTION_NAMES = {
    ContributionState.ACCEPTED: lazy_gettext("Accepted"),
    ContributionState.DECLINED: lazy_gettext("Declined"),
}


def _reader() -> str:
    return str(get_locale() or "en")


def responsible_name(commitment: Commitment) -> str:
    """Who keeps a commitment, in the reader's language."""
    if commitment.country is not None:
        return country_name(commitment.country)
    if commitment.committee is not None:
        return committee_name(commitment.committee)
    return ""


def _meeting_title(meeting: Meeting) -> str:
    """A meeting as the tracker names it: its series and its day where it is held."""
    day = meeting.start_at.astimezone(get_zone(meeting.zone)).date()
    return f"{series_title(meeting.series)}, {charts.Words().day(day)}"


def _owner_name(item: ActionItem) -> str:
    """An action item's owner in the reader's language (a country or committee by name)."""
    if item.owner_country is not None:
        return country_name(item.owner_country)
    if item.owner_committee is not None:
        return committee_name(item.owner_committee)
    return item.owner_name


def _helpers() -> dict:
    return {"meeting_title": _meeting_title, "owner_name": _owner_name,
            # Translated once per page, not once per card.
            "status_names": {k: str(v) for k, v in STATUS_NAMES.items()},
            "pillar_names": {k: str(v) for k, v in PILLAR_NAMES.items()},
            "contribution_names": {k: str(v) for k, v in CONTRIBUTION_NAMES.items()},
            "rating_names": {k: str(v) for k, v in charts.RATING_NAMES.items()},
            "charts": charts,
            "responsible_name": responsible_name, "country_name": country_name,
            "committee_name": committee_name, "series_title": series_title,
            "words": charts.Words(), "reader": _reader()}


def _list(heading: str, found: list[tracker.CommitmentView], *, about: str) -> str:
    return render_template("commitments/list.html", heading=heading, views=found,
                           about=about, **_helpers())


@bp.get("/commitments")
def index():
    def render() -> str:
        return render_template("commitments/index.html", overview=tracker.overview(),
                               **_helpers())
    return cached(render)


@bp.get("/commitments/countries/<iso>")
def of_country(iso: str):
    def render() -> str:
        country, found = tracker.of_country(iso, _reader())
        return _list(gettext("Commitments of %(country)s", country=country_name(country)),
                     found, about=country.iso)
    return cached(render)


@bp.get("/commitments/committees/<slug>")
def of_committee(slug: str):
    def render() -> str:
        committee, found = tracker.of_committee(slug, _reader())
        return _list(gettext("Commitments of %(committee)s",
                             committee=committee_name(committee)), found, about=committee.slug)
    return cached(render)


@bp.get("/commitments/pillars/<pillar>")
def of_pillar(pillar: str):
    def render() -> str:
        code, found = tracker.of_pillar(pillar, _reader())
        return _list(str(PILLAR_NAMES[code]), found, about=code)
    return cached(render)


@bp.get("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    def render() -> str:
        view = tracker.one(commitment_id, _reader())
        attached = documents.public_documents("commitment", [commitment_id])
        return render_template("commitments/commitment.html", view=view,
                               documents=attached.get(commitment_id, []), **_helpers())
    return cached(render)


@bp.get("/commitments/work-plans/<int:meeting_id>")
def work_plan(meeting_id: int):
    def render() -> str:
        plan = tracker.plan_of(meeting_id)
        title = content.shown(plan, "title", _reader())
        return render_template("commitments/work_plan.html", plan=plan, title=title,
                               views=tracker.of_plan(plan, _reader()),
                               superseded=PlanState.SUPERSEDED, **_helpers())
    return cached(render)


@bp.get("/action-items/overdue")
def overdue():
    def render() -> str:
        groups = tracker.overdue_by_body(utc_now(), _reader(),
                                         country=request.args.get("country") or None,
                                         committee=request.args.get("committee") or None)
        return render_template("commitments/overdue.html", groups=groups,
                               is_country=lambda body: isinstance(body, Country),
                               is_committee=lambda body: isinstance(body, Committee),
                               **_helpers())
    return cached(render, period=HALF_HOUR)


# --- open data ------------------------------------------------------------------------

def _url_of(commitment_id: int) -> str:
    return url_for("commitments.commitment", commitment_id=commitment_id, _external=True)


def _csv(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for found in rows:
        writer.writerow({k: _cell(v) for k, v in found.items()})
    return out.getvalue()


def _cell(value: object) -> object:
    # A cell starting with = + - @ is a formula to a spreadsheet: quoted as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff"}


@bp.get("/commitments.csv")
def export_csv():
    return cached(lambda: _csv(open_data.COMMITMENT_COLUMNS,
                               open_data.commitment_rows(_url_of)),
                  content_type="text/csv; charset=utf-8",
                  headers=_download("commitments.csv"))


@bp.get("/commitments/measurements.csv")
def export_measurements():
    return cached(lambda: _csv(open_data.MEASUREMENT_COLUMNS, open_data.measurement_rows()),
                  content_type="text/csv; charset=utf-8",
                  headers=_download("measurements.csv"))


@bp.get("/commitments.json")
def export_json():
    return cached(lambda: json.dumps(open_data.as_json(_url_of), ensure_ascii=False,
                                     indent=1),
                  content_type="application/json",
                  headers={"X-Content-Type-Options": "nosniff"})


@bp.get("/commitments/updates.atom")
def updates_feed():
    def render() -> str:
        changes = open_data.latest_changes()
        reader = _reader()
        translations = content.for_subjects({
            "commitment": [c.commitment.id for c in changes],
            "commitment_update": [c.id for c in changes if c.kind == "update"],
            "assessment": [c.id for c in changes if c.kind == "rating"],
            "indicator": [c.row.indicator_id for c in changes  # type: ignore[union-attr]
                          if c.kind != "update"]}, reader)
        updated = max((c.at for c in changes), default=datetime(2022, 6, 10, tzinfo=UTC))
        return render_template("commitments/updates.atom.xml", changes=changes,
                               translations=translations, updated=updated,
                               host=request.host.split(":")[0], **_helpers())
    return cached(render, content_type="application/atom+xml; charset=utf-8")
