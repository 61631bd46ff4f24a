"""How domain things are named for a reader, in the reader's language."""

from __future__ import annotations

from datetime import date

from babel import Locale
from flask_babel import format_date, get_locale, gettext, lazy_gettext

from coordinator.cadence.errors import N_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.rest_days import holiday_name
from coordinator.models import Country, Meeting, Series

KIND_LABELS = {
    SeriesKind.NATIONAL: lazy_gettext("National CSO meeting"),
    SeriesKind.COMMITTEE: lazy_gettext("Committee briefing"),
    SeriesKind.REGIONAL: lazy_gettext("Regional joint work-plan meeting"),
    SeriesKind.COORDINATORS: lazy_gettext("Special coordinators' meeting"),
    SeriesKind.EXTRAORDINARY: lazy_gettext("Extraordinary meeting"),
}


ITEM_KIND_LABELS = {
    "progress": lazy_gettext("Progress on government commitments"),
    "cso-proposal": lazy_gettext("CSO proposal"),
    "discussion": lazy_gettext("Discussion"),
    "other": lazy_gettext("Any other business"),
}


def country_name(country: Country) -> str:
    """The country's name from CLDR in the reader's language (Babel), English as fallback."""
    locale = get_locale() or Locale("en")
    return locale.territories.get(country.iso) or country.name_en


def series_title(series: Series) -> str:
    """A title the coordinator typed, or the kind's title in the reader's language."""
    if series.title:
        return series.title
    kind = SeriesKind(series.kind)
    if kind == SeriesKind.NATIONAL and series.country is not None:
        return gettext("National CSO meeting – %(country)s", country=country_name(series.country))
    if kind == SeriesKind.COMMITTEE and series.committee is not None:
        return gettext("Committee briefing – %(committee)s", committee=series.committee.name_en)
    return str(KIND_LABELS[kind])


def moved_note(original: date | None, holiday: str | None, country: str | None) -> str:
    """Why a meeting is not on the day its rule gives, in the reader's language:
    a public holiday (named in the reader's language where known) or a weekly rest day."""
    if original is None:
        return ""
    day = format_date(original, "full")
    if holiday:
        locale = get_locale()
        name = (holiday_name(country, original, str(locale)) if country and locale else None)
        return gettext("Moved from %(date)s, a public holiday: %(holiday)s.", date=day,
                       holiday=name or holiday)
    return gettext("Moved from %(date)s, a weekend day.", date=day)


# The reason the service itself gives when a rule change cancels a meeting: stored as this
# English source sentence, shown in each reader's language (a coordinator's reason is
# their own words and is shown as written).
RULE_CHANGE_REASON = N_("The series' schedule changed.")


def cancel_reason(meeting: Meeting) -> str:
    """Why a meeting was cancelled, for the current reader ("" when no reason was given)."""
    reason = meeting.cancel_reason or ""
    return gettext(reason) if reason == RULE_CHANGE_REASON else reason
