"""Languages the service speaks, and times shown in a given zone for a given locale."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime

from coordinator.cadence.zones import get_zone

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "ht": "Kreyòl ayisyen",
}
DEFAULT_LANGUAGE = "en"


def supported_language(language: str | None) -> str:
    """The language itself when we speak it (es-MX counts as es), English otherwise."""
    base = (language or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGE_NAMES else DEFAULT_LANGUAGE


def local_time(moment: datetime, zone: str, fmt: str = "full") -> str:
    """A moment in a zone, formatted for the current (or forced) locale, zone name included."""
    return format_datetime(moment.astimezone(get_zone(zone)), fmt, rebase=False)
