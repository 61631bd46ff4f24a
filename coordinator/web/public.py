"""Public pages: what is scheduled, for anyone, in their language and time zone."""

from __future__ import annotations

from babel import Locale
from babel.dates import get_month_names
from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale, gettext, lazy_gettext

from coordinator.agendas.suggestions import window_open
from coordinator.cadence.compliance import AgendaState, PeriodState
from coordinator.cadence.periods import Period
from coordinator.cadence.zones import is_known_zone, utc_now
from coordinator.meetings.public import (
    cadence_tracker,
    committee_directory,
    public_meeting,
    tracked_years,
    upcoming_meetings,
    zone_choices,
)
from coordinator.models import Committee, Country
from coordinator.present import KIND_LABELS, country_name, series_title
from coordinator.web.i18n import ZONE_COOKIE, select_timezone

bp = Blueprint("public", __name__)
PAGE_SIZE = 50
ZONE_COOKIE_AGE = 365 * 86400

PERIOD_LABELS = {
    PeriodState.HELD: lazy_gettext("Held"),
    PeriodState.SCHEDULED: lazy_gettext("Scheduled"),
    PeriodState.MISSED: lazy_gettext("Missed"),
    PeriodState.DUE: lazy_gettext("Due"),
}
AGENDA_LABELS = {
    AgendaState.ON_TIME: lazy_gettext("On time"),
    AgendaState.LATE: lazy_gettext("Late"),
    AgendaState.MISSING: lazy_gettext("Missing"),
}  # pending agendas are not shown: nothing to say about them yet


def visitor_zone() -> str | None:
    """The zone asked for in this request (`?tz=`, empty to forget), or the remembered one."""
    if "tz" in request.args:
        asked = request.args["tz"]
        return asked if asked and is_known_zone(asked) else None
    return select_timezone()


@bp.after_request
def remember_zone(response: Response) -> Response:
    # A visitor without JavaScript chooses a zone once, with the form; the cookie keeps it.
    if "tz" in request.args:
        asked = request.args["tz"]
        if not asked:
            response.delete_cookie(ZONE_COOKIE)
        elif is_known_zone(asked):
            response.set_cookie(ZONE_COOKIE, asked, max_age=ZONE_COOKIE_AGE, samesite="Lax",
                                httponly=True)
    return response


@bp.get("/")
def home():
    country = request.args.get("country", "")[:2].upper()
    committee = request.args.get("committee", "")[:80]
    kind = request.args.get("kind", "")[:32]
    found = upcoming_meetings(utc_now(), country=country, committee=committee, kind=kind,
                              limit=PAGE_SIZE)
    return render_template(
        "home.html", meetings=found.meetings, countries=found.countries,
        committees=found.committees,
        selected={"country": country, "committee": committee, "kind": kind},
        kinds=KIND_LABELS, country_name=country_name, series_title=series_title,
        visitor_zone=visitor_zone(), zones=zone_choices(),
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found, outcomes = public_meeting(meeting_id)
    now = utc_now()
    return render_template("meeting.html", meeting=found, series_title=series_title,
                           kinds=KIND_LABELS, country_name=country_name, outcomes=outcomes,
                           window_open=window_open(found, now),
                           window_ahead=now < found.deadlines.suggestions_open,
                           visitor_zone=visitor_zone(), zones=zone_choices())


def period_name(period: Period) -> str:
    """A quarter or half-year by its months in the reader's language: "Jan – Mar"."""
    months = get_month_names("abbreviated", "stand-alone", get_locale() or Locale("en"))
    last = period.index * period.months
    return f"{months[last - period.months + 1]} – {months[last]}"


def body_name(body: Country | Committee | None) -> str:
    """Whom a row of the tracker is about, in the reader's language where CLDR has it."""
    if isinstance(body, Country):
        return country_name(body)
    if isinstance(body, Committee):
        return body.name_en
    return gettext("Other meetings")


@bp.get("/tracker")
def tracker():
    now = utc_now()
    years = tracked_years(now)
    year = request.args.get("year", default=now.year, type=int)
    if year not in years:
        year = now.year  # a mistyped or far-off year shows this one rather than an error
    return render_template("tracker.html", tracker=cadence_tracker(year, now=now), years=years,
                           period_labels=PERIOD_LABELS, agenda_labels=AGENDA_LABELS,
                           period_name=period_name, body_name=body_name)


@bp.get("/committees/representatives")
def representatives():
    return render_template("representatives.html", listings=committee_directory(),
                           country_name=country_name)
