"""Languages the service speaks, and times shown in a given zone for a given locale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import has_app_context
from flask_babel import format_date, format_datetime, gettext

from coordinator.cadence.errors import english
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


def translate_refusal(template: str, params: Mapping[str, Any]) -> str:
    """A refusal's template in the reader's language, its dates written for them.

    Installed as `Refusal.translator`, so a page, a problem document and the command
    line all show the same refusal, each in its reader's language (English for commands
    and jobs, whose locale is English).
    """
    if not has_app_context():
        return english(template, params)
    values = {k: _for_reader(v) for k, v in params.items()}
    return gettext(template, **values)


def _for_reader(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value, "medium", rebase=False)
    if isinstance(value, date):
        return format_date(value, "full")
    return value

