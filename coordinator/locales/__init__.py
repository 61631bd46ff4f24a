"""Locale data the service ships where Babel's copy of CLDR has only a stub.

CLDR leaves Haitian Creole without month or day names, so Babel writes
"2027 M01 13, Wed". `install_overlays()` merges our data into Babel's own cache, so
`Locale("ht")`, Flask-Babel and every `babel.dates` function read it like CLDR data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from babel import localedata
from babel.core import get_global
from babel.dates import parse_pattern

from coordinator.locales import ht

OVERLAYS: dict[str, Mapping[str, Any]] = {"ht": ht.DATA}

# Babel holds these as parsed DateTimePattern objects, as in its pickled CLDR data.
_PATTERN_KEYS = ("date_formats", "time_formats", "datetime_skeletons")

_lock = threading.Lock()
# The cached dict each locale's overlay went into; `localedata.clear_caches()` makes new
# ones, which then need the overlay again.
_installed: dict[str, dict[str, Any]] = {}


def install_overlays() -> None:
    """Give Babel the languages CLDR leaves as stubs; does nothing once they are there."""
    with _lock:
        for language, overlay in OVERLAYS.items():
            shaped: Mapping[str, Any] | None = None
            for name in _locales_of(language):
                data = localedata.load(name)
                if _installed.get(name) is data:
                    continue
                shaped = shaped or _babel_shapes(overlay)
                _merge(name, data, shaped)
                _installed[name] = data


def _locales_of(language: str) -> Iterable[str]:
    # A regional locale (ht_HT) copies its language's data when it is first loaded, so
    # one loaded before the install needs the overlay as well.
    return [name for name in localedata.locale_identifiers()
            if name == language or name.startswith(f"{language}_")]


def _merge(name: str, data: dict[str, Any], overlay: Mapping[str, Any]) -> None:
    # Babel 2.19 gives all Locales of a language one shared LocaleDataDict that memoizes
    # what it has read; writing through it drops the memo, so Locales made before the
    # install see the overlay too. Older Babels read `data` afresh on every access.
    shared: Callable[[str], Any] | None = getattr(localedata, "get_locale_data", None)
    for key, value in overlay.items():
        # merge() copies the dicts it changes: the ones we inherit from root are shared
        # with every other locale and must stay as they are.
        merged = {key: data[key]} if key in data else {}
        localedata.merge(merged, {key: value})
        data[key] = merged[key]
        if shared is not None:
            shared(name)[key] = merged[key]


def _babel_shapes(overlay: Mapping[str, Any]) -> dict[str, Any]:
    """The overlay as Babel holds data: parsed patterns, %-style zone formats, zone ids."""
    shaped = dict(overlay)
    for key in _PATTERN_KEYS:
        if key in shaped:
            shaped[key] = {width: parse_pattern(pattern)
                           for width, pattern in shaped[key].items()}
    if "zone_formats" in shaped:
        shaped["zone_formats"] = _zone_formats(shaped["zone_formats"])
    if "time_zones" in shaped:
        aliases = get_global("zone_aliases")
        shaped["time_zones"] = {aliases.get(zone, zone): names
                                for zone, names in shaped["time_zones"].items()}
    return shaped


def _zone_formats(cldr: Mapping[str, str]) -> dict[str, str]:
    # Babel has no slot for gmtZero or hourFormat: it always writes offsets as +HH:mm.
    gmt = cldr["gmt"].replace("{0}", "%s")
    return {
        "region": cldr["region"].replace("{0}", "%s"),
        "fallback": cldr["fallback"].replace("{0}", "%(0)s").replace("{1}", "%(1)s"),
        "gmt": gmt,
        "gmt_utc": gmt,
    }
