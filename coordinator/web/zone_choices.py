"""Time-zone pickers: cities in the reader's language, the region's capitals first.

A picker lists the zones a form accepts, in two groups (<optgroup>): one zone per country
of the Declaration, its capital's, then every other zone, each group in the reader's
alphabetical order. Labels come from CLDR through Babel ("Ciudad de México (México)"),
never the IANA id, which stays the option's value.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext

from coordinator.models import Country
from coordinator.present import reading_order, zone_label
from coordinator.reference.services import all_countries

ZoneOption = tuple[str, str]  # (IANA id, label)
ZoneGroup = tuple[str, list[ZoneOption]]  # (group label, its options)


def zone_groups(zones: Iterable[str]) -> list[ZoneGroup]:
    """The zones a form accepts, labelled and grouped: the region's capitals, then the rest."""
    countries = all_countries()
    capitals = {c.capital_zone for c in countries}
    country_of: dict[str, Country] = {zone: c for c in countries
                                      for zone in (c.zones or [c.capital_zone])}
    first: list[ZoneOption] = []
    others: list[ZoneOption] = []
    universal: list[ZoneOption] = []
    for zone in dict.fromkeys(zones):
        option = (zone, zone_label(zone, country_of.get(zone)))
        if zone in ("UTC", "Etc/UTC"):
            universal.append(option)  # first of the others: no city to sort it by
        else:
            (first if zone in capitals else others).append(option)
    first.sort(key=lambda option: reading_order(option[1]))
    others.sort(key=lambda option: reading_order(option[1]))
    groups = [(gettext("Capitals of the region"), first),
              (gettext("Other time zones"), universal + others)]
    return [(label, options) for label, options in groups if options]
