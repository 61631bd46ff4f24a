"""Owners are reminded 7 and 1 days before an item's due date and once when it is
overdue, through the outbox; a rerun queues nothing new."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime
from email.policy import default

from flask_babel import force_locale
from sqlalchemy import select

from coordinator.content import services as content
from coordinator.extensions import db
from coordinator.i18n import written_in_note
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, AuditEntry, Committee, Contact, Role
from coordinator.outcomes.action_items import Owner, add_action_item, update_action_item
from coordinator.outcomes.jobs import remind_action_item_owners, reminder_due
from coordinator.unit import Actor
from tests.conftest import NOW

DUE = date(2026, 12, 20)


def _noon_in_guatemala(day: int) -> datetime:
    return datetime(2026, 12, day, 18, 0, tzinfo=UTC)


def test_the_nearest_reminder_reached_is_owed() -> None:
    assert [reminder_due(left, (7, 1)) for left in (8, 7, 5, 1, 0, -1)] == [
        None, 7, 7, 1, 1, None]


def test_a_countrys_coordinators_are_reminded_before_and_after_the_due_date(
        outcomes, outbox) -> None:
    add_action_item(text="Enviar el informe", owner=Owner(country="GT"), due_on=DUE,
                    meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli())

    assert remind_action_item_owners(now=_noon_in_guatemala(12)) == 0  # 8 days before
    assert remind_action_item_owners(now=_noon_in_guatemala(13)) == 1  # 7 days before
    assert remind_action_item_owners(now=_noon_in_guatemala(14)) == 0  # already reminded
    assert remind_action_item_owners(now=_noon_in_guatemala(19)) == 1  # the day before
    assert remind_action_item_owners(now=_noon_in_guatemala(20)) == 0  # due today
    # 23:00 on the due date in Guatemala (05:00 UTC the next day): still its day.
    assert remind_action_item_owners(now=datetime(2026, 12, 21, 5, tzinfo=UTC)) == 0
    assert remind_action_item_owners(now=datetime(2026, 12, 21, 7, tzinfo=UTC)) == 1
    assert remind_action_item_owners(now=_noon_in_guatemala(28)) == 0  # overdue once

    reminders = outbox(MailKind.ACTION_ITEM_REMINDER)
    assert [r.recipient for r in reminders] == ["punto.focal@gob.example"] * 2
    assert ":days:7:" in reminders[0].key and ":days:1:" in reminders[1].key
    assert "Enviar el informe" in reminders[0].body
    assert len(outbox(MailKind.ACTION_ITEM_OVERDUE)) == 1
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "action_item.overdue"))


def test_an_organisations_active_contacts_are_reminded_in_their_language(
        outcomes, outbox) -> None:
    organisation = outcomes.world.organisation
    grace = db.session.scalar(select(Contact).where(Contact.email == "grace@cso.example"))
    grace.active = False
    ana = db.session.scalar(select(Contact).where(Contact.email == "ana@cso.example"))
    ana.non_essential_mail = False  # switched reminders off: still told when overdue
    db.session.commit()
    add_action_item(text="Compartir datos", owner=Owner(organisation_id=organisation.id),
                    due_on=DUE, meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli())

    assert remind_action_item_owners(now=_noon_in_guatemala(19)) == 3
    reminded = outbox(MailKind.ACTION_ITEM_REMINDER)
    assert sorted(r.language for r in reminded) == ["fr", "ht", "pt"]
    assert remind_action_item_owners(now=_noon_in_guatemala(22)) == 4
    assert len(outbox(MailKind.ACTION_ITEM_OVERDUE)) == 4


def test_a_settled_item_is_not_reminded_and_a_moved_date_is_reminded_again(
        outcomes, outbox) -> None:
    done = add_action_item(text="Hecho", owner=Owner(country="GT"), due_on=DUE,
                           meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli())
    update_action_item(done.id, status="done", now=NOW, actor=Actor.cli())
    moved = add_action_item(text="Movido", owner=Owner(country="GT"), due_on=DUE,
                            meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli())
    assert remind_action_item_owners(now=_noon_in_guatemala(19)) == 1
    update_action_item(moved.id, due_on=date(2026, 12, 23), now=_noon_in_guatemala(19),
                       actor=Actor.cli())
    assert remind_action_item_owners(now=_noon_in_guatemala(22)) == 1
    assert len(outbox(MailKind.ACTION_ITEM_REMINDER)) == 2


def test_a_committees_coordinators_are_reminded_on_the_configured_days(
        seeded, outcomes, outbox) -> None:
    committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
    lead = Account(name="Coordinación del comité", email="comite@gob.example",
                   role=Role.COMMITTEE_COORDINATOR, committee_id=committee.id, language="fr",
                   zone="America/Montreal", created_at=NOW)
    db.session.add(lead)
    db.session.commit()
    add_action_item(text="Rapport", owner=Owner(committee=committee.slug), due_on=DUE,
                    series_id=outcomes.world.series.id, now=NOW, actor=Actor.cli())
    seeded.config["ACTION_ITEM_REMINDER_DAYS"] = [3]
    assert remind_action_item_owners(now=_noon_in_guatemala(13)) == 0  # 7 days: not configured
    assert remind_action_item_owners(now=_noon_in_guatemala(17)) == 1
    (reminder,) = outbox(MailKind.ACTION_ITEM_REMINDER)
    assert reminder.recipient == "comite@gob.example" and reminder.language == "fr"
    assert reminder.account_id == lead.id and ":days:3:account:" in reminder.key


def test_a_reminder_shows_the_items_translation_or_says_the_original_language(
        outcomes, outbox) -> None:
    item = add_action_item(text="Compartir los datos", written_in="es", due_on=DUE,
                           owner=Owner(organisation_id=outcomes.world.organisation.id),
                           meeting_id=outcomes.first.id, now=NOW, actor=Actor.cli())
    content.translate("action_item", item.id, "text", "ht", "Pataje done yo", now=NOW,
                      actor=Actor.cli(), within=outcomes.first.id)
    remind_action_item_owners(now=_noon_in_guatemala(19))
    by_language = {row.language: _text(row) for row in outbox(MailKind.ACTION_ITEM_REMINDER)}
    assert "Pataje done yo" in by_language["ht"]
    assert "Compartir los datos" in by_language["es"]
    with force_locale("pt"):
        note = written_in_note("es")
    assert "Compartir los datos" in by_language["pt"] and note in by_language["pt"]


def _text(row) -> str:  # type: ignore[no-untyped-def]
    message = email.message_from_string(row.body, policy=default)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()
