"""Languages the service speaks, and times shown in a given zone for a given locale."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone, get_timezone_location
from flask import has_app_context
from flask_babel import format_date, get_locale, gettext, ngettext

from coordinator.cadence.errors import Plural, Template, english
from coordinator.cadence.zones import get_zone
from coordinator.locales import install_overlays

install_overlays()  # Babel's Kreyòl is a stub: month, day and zone names come from us

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
    "nl": "Nederlands",
}
DEFAULT_LANGUAGE = "en"
_DATE_LENGTHS = frozenset({"full", "long", "medium", "short"})
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT"})


def supported_language(language: str | None) -> str:
    """The language itself when we speak it (es-MX counts as es), English otherwise."""
    base = (language or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGE_NAMES else DEFAULT_LANGUAGE


def language_of(tag: str | None, languages: Iterable[str] = LANGUAGE_NAMES) -> str | None:
    """The language we speak for a tag, regional variants included: es-MX and es-419 are
    es, pt-BR pt, fr-CA fr, nl-SR nl; None when we do not speak it."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return base if base in set(languages) else None


def negotiate(accepted: Iterable[tuple[str, float]], languages: Iterable[str]) -> str | None:
    """The best language for a browser's Accept-Language, in the region's way.

    Werkzeug's matcher prefers any exact match, so "es-MX, en;q=0.8" came out English;
    here the most wanted tag wins through its base language. A Haitian browser often says
    fr-HT first: when Kreyòl is listed too, Kreyòl wins over that French.
    """
    spoken = list(languages)
    ranked = sorted(((q, -i, tag) for i, (tag, q) in enumerate(accepted) if q > 0), reverse=True)
    tags = [tag.lower() for _, _, tag in ranked]
    wants_kreyol = "ht" in spoken and any(language_of(t, ["ht"]) for t in tags)
    for tag in tags:
        found = language_of(tag, spoken)
        if found == "fr" and tag.endswith("-ht") and wants_kreyol:
            return "ht"
        if found:
            return found
    return None


def language_name(code: str, locale: Locale | None = None) -> str:
    """A language's name in the reader's language ("espagnol", "panyòl")."""
    locale = locale or reader_locale()
    return locale.languages.get(code) or LANGUAGE_NAMES.get(code, code)


def written_in_note(code: str | None) -> str:
    """"written in Spanish" for a text shown in another language than the reader's, so
    nobody takes an untranslated text for a translation (empty when nothing to say)."""
    locale = reader_locale()
    if not code or code == locale.language:
        return ""
    return gettext("written in %(language)s", language=language_name(code, locale))


def reader_locale() -> Locale:
    """The locale of the current reader (a request's, or the one a job forced), else English."""
    locale = get_locale() if has_app_context() else None
    return locale or Locale.parse(DEFAULT_LANGUAGE)


def zone_time_name(zone: str, locale: Locale | None = None) -> str:
    """A zone named by its city in the reader's language: "hora de Ciudad de México",
    "lè Pòtoprens"; "UTC" for UTC. Readers know cities, not IANA ids or offsets."""
    locale = locale or reader_locale()
    if zone in _UTC_NAMES:
        return "UTC"
    city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
    region = locale.zone_formats.get("region", "%s")
    return str(region % city)


def local_time(moment: datetime, zone: str, fmt: str = "full", *, with_zone: bool = True) -> str:
    """A moment in a zone for the current (or forced) locale: the date in `fmt` (full, long,
    medium, short), the time to the minute (never seconds) and the zone named by its city."""
    locale = reader_locale()
    local = moment.astimezone(get_zone(zone))
    if fmt not in _DATE_LENGTHS:  # a pattern of its own, e.g. "HH:mm" in a timetable
        return babel_format_datetime(local, fmt, tzinfo=local.tzinfo, locale=locale)
    day = babel_format_date(local.date(), fmt, locale=locale)
    clock = babel_format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    pattern = str(locale.datetime_formats.get(fmt, "{1} {0}"))
    text = pattern.replace("'", "")
    text = text.replace("{1}", day).replace("{0}", clock)
    return f"{text} ({zone_time_name(zone, locale)})" if with_zone else text


def moment_for_reader(moment: datetime, fmt: str = "medium") -> str:
    """An aware moment in its own zone (UTC unless it carries an IANA zone), for refusals
    and notes that have no meeting zone at hand."""
    zone = getattr(moment.tzinfo, "key", None) or "UTC"
    return local_time(moment, zone, fmt)


def translate_refusal(template: Template, params: Mapping[str, Any]) -> str:
    """A refusal's template in the reader's language, its dates written for them.

    Installed as `Refusal.translator`, so a page, a problem document and the command
    line all show the same refusal, each in its reader's language (English for commands
    and jobs, whose locale is English).
    """
    if not has_app_context():
        return english(template, params)
    values = {k: _for_reader(v) for k, v in params.items()}
    if isinstance(template, Plural):
        # The reader's language chooses the form by the count (`num`), as ngettext does.
        return ngettext(template.singular, template.plural, values.pop("num"), **values)
    return gettext(template, **values)


def _for_reader(value: Any) -> Any:
    if isinstance(value, datetime):
        return moment_for_reader(value)
    if isinstance(value, date):
        return format_date(value, "full")
    return value

