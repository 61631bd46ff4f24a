"""Which texts people write can be translated, and where each one's original lives.

A registry rather than a column per language: a new kind of content (minutes,
commitments) becomes translatable by adding one entry here, and every door (workspace,
API, CLI) and every reader (page, mail, feed) handles it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString, lazy_gettext

from coordinator.models import AgendaItem, Meeting, Series, Suggestion
from coordinator.outcomes.models import (
    ActionItem,
    Assessment,
    Commitment,
    CommitmentUpdate,
    Contribution,
    Indicator,
    Minutes,
    WorkPlan,
)

Scope = tuple[int | None, int | None]  # (meeting id, series id) the text belongs to


@dataclass(frozen=True)
class Translatable:
    subject: str  # the kind of row, as written in the translations table and the API
    field: str
    model: type
    limit: int  # the same length limit as the original's
    label: LazyString
    written_in: Callable[[Any], str | None]  # the original's language (None: not known)
    scope: Callable[[Any], Scope]

    def original(self, row: Any) -> str | None:
        return getattr(row, self.field)


def _series(row: Series) -> Scope:
    return None, row.id


def _meeting_row(row: Meeting) -> Scope:
    return row.id, None


def _in_meeting(row: AgendaItem | Suggestion | Minutes) -> Scope:
    return row.meeting_id, None


def _action_item(row: ActionItem) -> Scope:
    return row.meeting_id, row.series_id


def _unscoped(_row: object) -> Scope:
    # Commitments outlive the meetings where they were made or reviewed: their texts hang
    # on no meeting (the tracker loads them by subject).
    return None, None


def _plan(row: WorkPlan) -> Scope:
    return row.meeting_id, None


FIELDS: dict[tuple[str, str], Translatable] = {
    (t.subject, t.field): t for t in (
        Translatable("agenda_item", "title", AgendaItem, 200, lazy_gettext("Agenda item"),
                     lambda row: row.written_in, _in_meeting),
        Translatable("series", "title", Series, 200, lazy_gettext("Title"),
                     lambda row: row.written_in, _series),
        Translatable("series", "description", Series, 5000, lazy_gettext("Description"),
                     lambda row: row.written_in, _series),
        Translatable("series", "short_notice_justification", Series, 2000,
                     lazy_gettext("Why at short notice"), lambda row: row.written_in, _series),
        Translatable("meeting", "cancel_reason", Meeting, 2000,
                     lazy_gettext("Reason for cancelling"), lambda row: row.written_in,
                     _meeting_row),
        Translatable("suggestion", "title", Suggestion, 200, lazy_gettext("Suggested topic"),
                     lambda row: row.language, _in_meeting),
        Translatable("suggestion", "reason", Suggestion, 2000, lazy_gettext("Public reason"),
                     lambda row: row.reason_language, _in_meeting),
        Translatable("minutes", "text", Minutes, 20000, lazy_gettext("Minutes of the meeting"),
                     lambda row: row.written_in, _in_meeting),
        Translatable("action_item", "text", ActionItem, 1000, lazy_gettext("Action item"),
                     lambda row: row.written_in, _action_item),
        Translatable("commitment", "text", Commitment, 2000, lazy_gettext("Commitment"),
                     lambda row: row.written_in, _unscoped),
        Translatable("commitment", "reason", Commitment, 2000,
                     lazy_gettext("Why it was dropped"), lambda row: row.reason_written_in,
                     _unscoped),
        Translatable("commitment_update", "text", CommitmentUpdate, 4000,
                     lazy_gettext("Progress update"), lambda row: row.written_in, _unscoped),
        Translatable("work_plan", "title", WorkPlan, 200, lazy_gettext("Joint work plan"),
                     lambda row: row.written_in, _plan),
        Translatable("indicator", "name", Indicator, 300, lazy_gettext("Indicator"),
                     lambda row: row.written_in, _unscoped),
        Translatable("assessment", "narrative", Assessment, 4000, lazy_gettext("Assessment"),
                     lambda row: row.written_in, _unscoped),
        Translatable("contribution", "reason", Contribution, 2000,
                     lazy_gettext("Public reason"), lambda row: row.reason_written_in,
                     _unscoped),
    )
}
