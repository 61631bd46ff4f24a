"""The kinds of meeting series the recommendations call for, with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SeriesKind(StrEnum):
    NATIONAL = "national"  # recommendation 7: special coordinator meets CSOs every quarter
    COMMITTEE = "committee"  # recommendation 5: action package committee briefing every six months
    REGIONAL = "regional"  # recommendation 6: one-off joint work-plan meeting, held by a date
    COORDINATORS = "coordinators"  # recommendation 8: special coordinators' meeting, CSO observers
    EXTRAORDINARY = "extraordinary"  # short notice allowed, e.g. Pillar IV emergency response
    HIGH_LEVEL = "high-level"  # recommendation 2: a ministerial meeting with CSO seats by call


@dataclass(frozen=True)
class KindRules:
    default_rrule: str | None  # None: a one-off meeting
    needs_country: bool
    needs_committee: bool
    needs_held_by: bool
    # Only these may shorten deadlines below the regular minimum, with a justification.
    short_notice_allowed: bool
    period_months: int | None  # the compliance period: 3 (quarter) or 6 (half-year)
    # Whether a meeting may fall on a weekly rest day unless the series says otherwise:
    # only emergencies (Pillar IV) meet on weekends by default.
    weekends_allowed: bool = False


KIND_RULES: dict[SeriesKind, KindRules] = {
    SeriesKind.NATIONAL: KindRules("FREQ=MONTHLY;INTERVAL=3", True, False, False, False, 3),
    SeriesKind.COMMITTEE: KindRules("FREQ=MONTHLY;INTERVAL=6", False, True, False, False, 6),
    SeriesKind.REGIONAL: KindRules(None, False, False, True, False, None),
    SeriesKind.COORDINATORS: KindRules("FREQ=MONTHLY;INTERVAL=6", False, False, False, False, None),
    SeriesKind.EXTRAORDINARY: KindRules(None, False, False, False, True, None,
                                        weekends_allowed=True),
    SeriesKind.HIGH_LEVEL: KindRules(None, False, False, False, False, None),
}
