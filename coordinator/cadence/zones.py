"""Time zones from the shipped `tzdata` package, never the machine's older copy.

Tz rules change every year (Paraguay 2024, British Columbia and Alberta 2026); the
operating system's copy on many servers lags behind. Python's zoneinfo looks at the
system first, so we point it at the `tzdata` package only, once, at import time.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import lru_cache

import tzdata

from coordinator.cadence.errors import N_, UnknownZone

zoneinfo.reset_tzpath(to=[])
zoneinfo.ZoneInfo.clear_cache()

TZDATA_VERSION: str = tzdata.IANA_VERSION


@lru_cache(maxsize=512)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone called `name`, or UnknownZone with a hint."""
    if not name or not isinstance(name, str) or name != name.strip() or len(name) > 64:
        raise UnknownZone(N_("%(name)s is not a time zone name. Use an IANA name such as "
                             "'America/Guatemala'."), name=repr(name))
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(
            N_("Unknown time zone %(name)s. Use an IANA name such as 'America/Guatemala' "
               "or 'America/Sao_Paulo'."), name=repr(name)
        ) from exc



def is_known_zone(name: str) -> bool:
    try:
        get_zone(name)
    except UnknownZone:
        return False
    return True


def utc_now() -> datetime:
    """The current instant, timezone-aware; services take `now` as a parameter instead."""
    return datetime.now(UTC)


def ensure_aware(value: datetime, what: str = "datetime") -> datetime:
    """Refuse naive datetimes: an instant without a zone is a bug waiting for DST."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")
    return value
