"""Publishing minutes puts "Follow-up on action items" on the next meeting's draft agenda,
listing the open items: once, kept current while that agenda is unpublished."""

from __future__ import annotations

from datetime import date

from coordinator.agendas.services import draft_items, publish_agenda, remove_item
from coordinator.models import ItemKind
from coordinator.outcomes.action_items import (
    Owner,
    add_action_item,
    follow_up_on_next_meeting,
    update_action_item,
)
from coordinator.outcomes.minutes import publish_minutes, save_draft
from coordinator.unit import Actor
from tests.conftest import NOW

DUE = date(2027, 1, 20)


def _publish(outcomes, text: str, note: str | None = None):  # type: ignore[no-untyped-def]
    save_draft(outcomes.first.id, text=text, written_in="es", now=NOW, actor=Actor.cli())
    return publish_minutes(outcomes.first.id, now=outcomes.after_first, actor=Actor.cli(),
                           what_changed=note)


def _items(outcomes):  # type: ignore[no-untyped-def]
    minutes = save_draft(outcomes.first.id, text="Acta", now=NOW, actor=Actor.cli())
    return [add_action_item(text=text, owner=Owner(country="GT"), due_on=DUE,
                            minutes_id=minutes.id, now=NOW, actor=Actor.cli())
            for text in ("Enviar el informe de salud", "Convocar a la OIM")]


def test_the_next_agenda_lists_the_open_items_once(outcomes) -> None:
    report, _ = _items(outcomes)
    _publish(outcomes, "Acta")
    follow_ups = [i for i in draft_items(outcomes.second) if i.kind == ItemKind.PROGRESS]
    assert len(follow_ups) == 1
    title = follow_ups[0].title
    # The coordinator of the series writes in Spanish: the item is in their language.
    assert title.startswith("Follow-up on action items") or title.startswith("Seguimiento")
    assert "Enviar el informe de salud" in title and "Convocar a la OIM" in title

    update_action_item(report.id, status="done", now=outcomes.after_first, actor=Actor.cli())
    _publish(outcomes, "Acta corregida", note="Corrección")
    follow_ups = [i for i in draft_items(outcomes.second) if i.kind == ItemKind.PROGRESS]
    assert len(follow_ups) == 1
    assert "Enviar el informe" not in follow_ups[0].title
    assert "Convocar a la OIM" in follow_ups[0].title


def test_a_published_next_agenda_is_left_as_the_coordinator_published_it(outcomes) -> None:
    report, _ = _items(outcomes)
    _publish(outcomes, "Acta")
    publish_agenda(outcomes.second.id, now=outcomes.after_first, actor=Actor.cli())
    update_action_item(report.id, status="done", now=outcomes.after_first, actor=Actor.cli())
    item = follow_up_on_next_meeting(outcomes.first.id, now=outcomes.after_first,
                                     actor=Actor.cli())
    assert item is not None and "Enviar el informe de salud" in item.title


def test_a_removed_follow_up_is_not_put_back(outcomes) -> None:
    _items(outcomes)
    item = follow_up_on_next_meeting(outcomes.first.id, now=outcomes.after_first,
                                     actor=Actor.cli())
    assert item is not None
    remove_item(item.id, now=outcomes.after_first, actor=Actor.cli())
    assert follow_up_on_next_meeting(outcomes.first.id, now=outcomes.after_first,
                                     actor=Actor.cli()) is None
    assert draft_items(outcomes.second) == []


def test_nothing_is_added_without_open_items_or_a_next_meeting(outcomes) -> None:
    _publish(outcomes, "Acta")
    assert draft_items(outcomes.second) == []
    assert follow_up_on_next_meeting(outcomes.second.id, now=outcomes.after_first,
                                     actor=Actor.cli()) is None


def test_a_long_list_is_cut_to_fit_an_agenda_title(outcomes) -> None:
    minutes = save_draft(outcomes.first.id, text="Acta", now=NOW, actor=Actor.cli())
    for number in range(12):
        add_action_item(text=f"Tarea número {number} con una descripción bastante larga",
                        owner=Owner(country="GT"), due_on=DUE, minutes_id=minutes.id,
                        now=NOW, actor=Actor.cli())
    item = follow_up_on_next_meeting(outcomes.first.id, now=outcomes.after_first,
                                     actor=Actor.cli())
    assert item is not None and len(item.title) <= 200
    assert "Tarea número 0" in item.title and "11" not in item.title
