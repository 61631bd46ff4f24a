"""How domain things are named for a reader, in the reader's language."""

from __future__ import annotations

import unicodedata
from datetime import date

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from flask_babel import format_date, get_locale, gettext, lazy_gettext

from coordinator.cadence.errors import N_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.rest_days import holiday_label
from coordinator.content import services as content
from coordinator.models import Committee, Country, Meeting, Series

KIND_LABELS = {
    SeriesKind.NATIONAL: lazy_gettext("National CSO meeting"),
    SeriesKind.COMMITTEE: lazy_gettext("Committee briefing"),
    SeriesKind.REGIONAL: lazy_gettext("Regional joint work-plan meeting"),
    SeriesKind.COORDINATORS: lazy_gettext("Special coordinators' meeting"),
    SeriesKind.EXTRAORDINARY: lazy_gettext("Extraordinary meeting"),
    SeriesKind.HIGH_LEVEL: lazy_gettext("High-level meeting"),
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


def committee_name(committee: Committee) -> str:
    """The committee's name in the reader's language: its English name is the catalog's
    msgid (coordinator/reference/names.py); a name the secretariat changed stays as typed."""
    return gettext(committee.name_en) if committee.name_en else ""


def reading_order(text: str) -> str:
    """Alphabetical for a reader: Équateur among the E, not after Z."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def zone_city(zone: str) -> str:
    """The city a time zone is named after, in the reader's language (CLDR)."""
    try:
        return str(get_timezone_location(zone, locale=get_locale() or Locale("en"),
                                         return_city=True))
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(zone: str, country: Country | None = None) -> str:
    """A time zone as people name it, in the reader's language: "Ciudad de México (México)",
    never the IANA id. `country` is the one the reference data puts the zone in."""
    locale = get_locale() or Locale("en")
    if zone in ("UTC", "Etc/UTC"):
        long_name = (locale.time_zones.get("Etc/UTC") or {}).get("long", {}).get("standard")
        return f"{long_name} (UTC)" if long_name else "UTC"
    city = zone_city(zone)
    nation: str | None = None
    if country is not None:
        nation = country_name(country)
    elif territory := get_global("zone_territories").get(zone):
        nation = locale.territories.get(territory) or Locale("en").territories.get(territory)
    # "Panamá (Panamá)" says nothing more than "Panamá".
    return city if not nation or nation == city else f"{city} ({nation})"


def series_title(series: Series, translations: content.Translations | None = None) -> str:
    """A title the coordinator typed (translated where a current translation exists), or
    the kind's title in the reader's language. `translations`: already loaded (a feed's),
    so a feed of many meetings asks the database once, not once per meeting."""
    if series.title:
        locale = get_locale()
        reader = locale.language if locale else None
        found = (translations.of(series, "title", reader) if translations is not None
                 else content.shown(series, "title", reader))
        return found.text if found else series.title
    kind = SeriesKind(series.kind)
    if kind == SeriesKind.NATIONAL and series.country is not None:
        return gettext("National CSO meeting – %(country)s", country=country_name(series.country))
    if kind == SeriesKind.COMMITTEE and series.committee is not None:
        return gettext("Committee briefing – %(committee)s",
                       committee=committee_name(series.committee))
    return str(KIND_LABELS[kind])


def moved_note(original: date | None, holiday: str | None, country: str | None) -> str:
    """Why a meeting is not on the day its rule gives, in the reader's language:
    a public holiday (named in the reader's language where known) or a weekly rest day."""
    if original is None:
        return ""
    day = format_date(original, "full")
    if holiday:
        locale = get_locale()
        name = (holiday_label(country, original, str(locale)) if country and locale else None)
        return gettext("Moved from %(date)s, a public holiday: %(holiday)s.", date=day,
                       holiday=name or holiday)
    return gettext("Moved from %(date)s, a weekend day.", date=day)


# The reason the service itself gives when a rule change cancels a meeting: stored as this
# English source sentence, shown in each reader's language (a coordinator's reason is
# their own words and is shown as written).
RULE_CHANGE_REASON = N_("The series' schedule changed.")


def cancel_reason(meeting: Meeting, translations: content.Translations | None = None) -> str:
    """Why a meeting was cancelled, for the current reader ("" when no reason was given)."""
    reason = meeting.cancel_reason or ""
    if reason == RULE_CHANGE_REASON:
        return gettext(reason)
    locale = get_locale()
    reader = locale.language if locale else None
    found = (translations.of(meeting, "cancel_reason", reader) if translations is not None
             else content.shown(meeting, "cancel_reason", reader))
    return found.text if found else reason


def translated(row: object, field: str) -> content.Shown | None:
    """A text a person wrote, for the current reader: their language where a current
    translation exists, else the original (whose `language` templates mark)."""
    locale = get_locale()
    return content.shown(row, field, locale.language if locale else None)


# An online meeting has no place to type: "Online" is said in each reader's language.
# Older data stored the English word as the place; it is read the same way.
ONLINE = N_("Online")


def typed_place(meeting: Meeting) -> str | None:
    """The place a coordinator typed for the meeting, if any (the stored word "Online" is none)."""
    place = (meeting.effective_location or "").strip()
    return place if place and place.casefold() != ONLINE.casefold() else None


def meeting_place(meeting: Meeting) -> str | None:
    """Where the meeting is, for the reader: the place typed, else "Online" in the reader's
    language when it has an online link, else nothing."""
    place = typed_place(meeting)
    if place is None and (meeting.online_url or meeting.series.online_url
                          or meeting.effective_location):
        return gettext(ONLINE)
    return place


# The names above, for templates (installed by web.i18n.install_template_helpers).
NAME_HELPERS = {"committee_name": committee_name, "country_name": country_name,
                "meeting_place": meeting_place, "zone_label": zone_label}
