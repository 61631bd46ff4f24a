"""Public pages: what is scheduled, for anyone, in their language and time zone."""

from __future__ import annotations

from babel import Locale
from babel.dates import get_month_names
from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale, gettext, lazy_gettext

from coordinator.agendas.suggestions import window_open
from coordinator.cadence.compliance import AgendaState
from coordinator.cadence.periods import Period
from coordinator.cadence.zones import is_known_zone, utc_now
from coordinator.calendar.feeds import meeting_calendar
from coordinator.content import services as content
from coordinator.documents import services as documents
from coordinator.i18n import supported_language
from coordinator.meetings.public import (
    agenda_timetable,
    cadence_tracker,
    committee_directory,
    public_meeting,
    tracked_years,
    upcoming_meetings,
    zone_choices,
)
from coordinator.meetings.reads import find_meeting
from coordinator.models import Committee, Country, Meeting
from coordinator.outcomes import reads as outcome_reads
from coordinator.present import KIND_LABELS, committee_name, country_name, series_title
from coordinator.tracking import compliance as compliance_labels
from coordinator.web.feeds import subscribe_links
from coordinator.web.i18n import ZONE_COOKIE, select_timezone
from coordinator.web.zone_choices import zone_groups

bp = Blueprint("public", __name__)
PAGE_SIZE = 50
ZONE_COOKIE_AGE = 365 * 86400

PERIOD_LABELS = compliance_labels.PERIOD_LABELS  # one wording for page, API and CLI
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
        visitor_zone=visitor_zone(), zones=zone_groups(zone_choices()),
    )


def _calendars(meeting: Meeting, language: str) -> list[dict[str, str]]:
    """The feeds a reader of this meeting would follow: its series, and its country's or
    its committee's meetings."""
    series = meeting.series
    feeds = [subscribe_links(f"/feeds/series/{series.id}.ics", series_title(series), language)]
    if series.country is not None:
        feeds.append(subscribe_links(f"/feeds/country/{series.country.iso}.ics",
                                     country_name(series.country), language))
    if series.committee is not None:
        feeds.append(subscribe_links(f"/feeds/committee/{series.committee.slug}.ics",
                                     committee_name(series.committee), language))
    return feeds


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found, outcomes = public_meeting(meeting_id)
    now = utc_now()
    language = str(get_locale() or "en")
    minutes = outcome_reads.public_minutes(found, language)
    return render_template("meeting.html", meeting=found, series_title=series_title,
                           kinds=KIND_LABELS, country_name=country_name, outcomes=outcomes,
                           window_open=window_open(found, now),
                           window_ahead=now < found.deadlines.suggestions_open,
                           visitor_zone=visitor_zone(), zones=zone_groups(zone_choices()),
                           calendars=_calendars(found, language), language=language,
                           agenda=content.agenda_for(found, language),
                           minutes=minutes,
                           minutes_documents=documents.public_documents(
                               "minutes", [minutes.version.minutes_id]).get(
                                   minutes.version.minutes_id, []) if minutes else [],
                           open_items=outcome_reads.items_of_meeting(found.id,
                                                                     unsettled_only=True),
                           owner_label=outcome_reads.owner_label)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    """"Add to my calendar" for one meeting, in the reader's language."""
    found = find_meeting(meeting_id)
    language = supported_language(request.args.get("lang") or str(get_locale() or "en"))
    return Response(meeting_calendar(found, language), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="meeting-{found.id}.ics"',
                             "Cache-Control": "public, no-cache"})


@bp.get("/meetings/<int:meeting_id>/agenda")
def meeting_agenda(meeting_id: int):
    found = find_meeting(meeting_id)
    items = agenda_timetable(found, str(get_locale() or "en"))
    return render_template("meeting_agenda.html", meeting=found,
                           title=series_title(found.series), items=items,
                           item_documents=documents.public_documents(
                               "agenda_item", [i.item_id for i in items if i.item_id]),
                           visitor_zone=visitor_zone())


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
        return committee_name(body)
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
                           period_name=period_name, body_name=body_name,
                           series_title=series_title)


@bp.get("/committees/representatives")
def representatives():
    return render_template("representatives.html", listings=committee_directory(),
                           country_name=country_name)
