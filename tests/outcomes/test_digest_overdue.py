"""The weekly digest lists the action items past their due date, in the reader's words."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel import Locale
from flask_babel import force_locale, format_date

from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.tracking.digest import digest_content
from coordinator.unit import Actor
from tests.conftest import NOW


def test_overdue_items_are_in_the_digest_and_the_others_are_not(outcomes) -> None:
    add_action_item(text="Enviar  el informe", owner=Owner(country="GT"),
                    due_on=date(2026, 12, 1), meeting_id=outcomes.first.id, now=NOW,
                    actor=Actor.cli())
    add_action_item(text="Publicar el plan", owner=Owner(country="GT"),
                    due_on=date(2027, 1, 20), meeting_id=outcomes.first.id, now=NOW,
                    actor=Actor.cli())
    before = digest_content(datetime(2026, 12, 1, 12, tzinfo=UTC), "fr")
    assert before["overdue"] == []  # due today in Guatemala: not yet past
    after = digest_content(datetime(2026, 12, 7, 12, tzinfo=UTC), "fr")
    with force_locale("fr"):
        due = format_date(date(2026, 12, 1), "long")
    assert [(o["text"], o["owner"], o["due"]) for o in after["overdue"]] == [
        ("Enviar el informe", Locale.parse("fr").territories["GT"], due)]
