"""Public pages: what is scheduled, for anyone, in their language."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.models import Committee, Country, Meeting, Series, Suggestion
from coordinator.present import KIND_LABELS, country_name, series_title
from coordinator.services.suggestions import window_open

bp = Blueprint("public", __name__)
PAGE_SIZE = 50


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    now = utc_now()
    query = (
        select(Meeting)
        .join(Meeting.series)
        .where(Meeting.end_at >= now, Meeting.start_at < now + timedelta(days=400))
        .options(joinedload(Meeting.series).joinedload(Series.country),
                 joinedload(Meeting.series).joinedload(Series.committee))
        .order_by(Meeting.start_at)
    )
    country = request.args.get("country", "")[:2].upper()
    committee = request.args.get("committee", "")[:80]
    kind = request.args.get("kind", "")[:32]
    if country:
        query = query.join(Series.country).where(Country.iso == country)
    if committee:
        query = query.join(Series.committee).where(Committee.slug == committee)
    if kind in {k.value for k in SeriesKind}:
        query = query.where(Series.kind == kind)
    meetings = db.session.scalars(query.limit(PAGE_SIZE)).all()
    countries = db.session.scalars(select(Country).order_by(Country.name_en)).all()
    committees = db.session.scalars(select(Committee).order_by(Committee.pillar,
                                                               Committee.id)).all()
    return render_template(
        "home.html", meetings=meetings, countries=countries, committees=committees,
        selected={"country": country, "committee": committee, "kind": kind},
        kinds=KIND_LABELS, country_name=country_name, series_title=series_title,
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    found = db.session.get(Meeting, meeting_id) if meeting_id < 2**31 else None
    if found is None:
        abort(404)
    # Outcomes are public once released; the proposer's organisation only with consent.
    outcomes = db.session.scalars(
        select(Suggestion).where(Suggestion.meeting_id == found.id,
                                 Suggestion.released_at.is_not(None))
        .order_by(Suggestion.decided_at, Suggestion.id)).all()
    return render_template("meeting.html", meeting=found, series_title=series_title,
                           kinds=KIND_LABELS, country_name=country_name, outcomes=outcomes,
                           window_open=window_open(found, utc_now()))


@bp.get("/tracker")
def tracker():  # type: ignore[no-untyped-def]
    abort(404)  # placeholder until the cadence tracker lands
