"""Action items: one owner each, a due date in the meeting's zone, statuses that move only
along the allowed transitions, and the lists of open and overdue items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.models import AuditEntry
from coordinator.outcomes.action_items import (
    Owner,
    add_action_item,
    open_items_for_series,
    overdue_items,
    owners_of,
    update_action_item,
)
from coordinator.outcomes.minutes import save_draft
from coordinator.outcomes.models import ActionStatus
from coordinator.unit import Actor
from tests.conftest import NOW

DUE = date(2026, 12, 20)


def _item(outcomes, text: str = "Enviar el informe de salud", owner: Owner | None = None,
          due: date = DUE, **more):  # type: ignore[no-untyped-def]
    return add_action_item(text=text, owner=owner or Owner(country="gt"), due_on=due,
                           meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli(),
                           written_in="es", **more)


def test_an_item_has_exactly_one_owner(outcomes) -> None:
    for owner in (Owner(), Owner(country="GT", committee="x"),
                  Owner(organisation_id=outcomes.world.organisation.id, account_id=1)):
        with pytest.raises(InvalidInput) as refused:
            _item(outcomes, owner=owner)
        assert refused.value.field == "owner"
    with pytest.raises(InvalidInput):
        _item(outcomes, owner=Owner(country="ZZ"))
    item = _item(outcomes, owner=Owner(organisation_id=outcomes.world.organisation.id))
    assert item.owner_organisation_id == outcomes.world.organisation.id
    assert item.zone == "America/Guatemala" and item.series_id == outcomes.world.series.id
    assert [c.email for c in owners_of(item)][:1] == ["ana@cso.example"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "action_item.add"))


def test_the_owner_must_be_in_the_coordinators_scope(outcomes) -> None:
    coordinator = Actor(outcomes.gt_coordinator.email, outcomes.gt_coordinator.id)
    with pytest.raises(InvalidInput) as refused:
        add_action_item(text="Informe", owner=Owner(country="MX"), due_on=DUE,
                        meeting_id=outcomes.first.id, now=NOW, actor=coordinator)
    assert refused.value.template == "This owner is outside what you coordinate."
    item = add_action_item(text="Informe", owner=Owner(country="GT"), due_on=DUE,
                           meeting_id=outcomes.first.id, now=NOW, actor=coordinator)
    assert owners_of(item) == [outcomes.gt_coordinator]
    assert item.written_in == "es"  # the writer's own language


def test_a_due_date_already_past_is_refused(outcomes) -> None:
    with pytest.raises(InvalidInput) as refused:
        _item(outcomes, due=date(2026, 11, 21))
    assert refused.value.field == "due_on"


def test_items_come_from_minutes_and_link_to_their_meeting(outcomes) -> None:
    minutes = save_draft(outcomes.first.id, text="Acta", now=NOW, actor=Actor.cli())
    item = add_action_item(text="Informe", owner=Owner(country="GT"), due_on=DUE,
                           minutes_id=minutes.id, now=NOW, actor=Actor.cli())
    assert item.meeting_id == outcomes.first.id and item.minutes_id == minutes.id
    with pytest.raises(InvalidInput):  # an agenda item of no meeting of this item
        _item(outcomes, agenda_item_id=999)


def test_status_moves_along_the_allowed_transitions(outcomes) -> None:
    item = _item(outcomes)
    update_action_item(item.id, status="in-progress", now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput) as refused:
        update_action_item(item.id, status="dropped", now=NOW, actor=Actor.cli())
    assert refused.value.field == "reason"
    dropped = update_action_item(item.id, status="dropped", reason="Ya no aplica", now=NOW,
                                 actor=Actor.cli())
    assert dropped.status == ActionStatus.DROPPED and dropped.reason == "Ya no aplica"
    with pytest.raises(Conflict):  # dropped is not done: reopen it first
        update_action_item(item.id, status="done", now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict):
        update_action_item(item.id, text="Otra cosa", now=NOW, actor=Actor.cli())
    reopened = update_action_item(item.id, status="open", now=NOW, actor=Actor.cli())
    assert reopened.reason is None
    done = update_action_item(item.id, status="done", now=NOW, actor=Actor.cli())
    assert done.status == ActionStatus.DONE
    with pytest.raises(InvalidInput):
        update_action_item(item.id, status="finished", now=NOW, actor=Actor.cli())


def test_open_and_overdue_items_by_the_meetings_own_day(outcomes) -> None:
    late = _item(outcomes, text="Late")
    _item(outcomes, text="Later", due=date(2027, 1, 15))
    settled = _item(outcomes, text="Settled")
    update_action_item(settled.id, status="done", now=NOW, actor=Actor.cli())

    assert [i.text for i in open_items_for_series(outcomes.world.series.id)] == ["Late",
                                                                                  "Later"]
    # 23:00 on the due date in Guatemala (05:00 UTC the next day): not overdue yet.
    assert overdue_items(datetime(2026, 12, 21, 5, 0, tzinfo=UTC)) == []
    assert overdue_items(datetime(2026, 12, 21, 6, 30, tzinfo=UTC)) == [late]
