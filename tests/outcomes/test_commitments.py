"""Commitments: one responsible country or committee, kept by its own coordinators, with a
public timeline of dated, sourced updates; and the joint work plan of a regional meeting,
published once and revised by new versions."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Account, AuditEntry, Committee, Meeting, Role
from coordinator.outcomes.commitments import (
    Responsible,
    add_update,
    commitment_record,
    commitments,
    create_commitment,
    create_plan,
    edit_plan,
    publish_plan,
    published_plan,
    revise_plan,
    set_status,
    update_commitment,
)
from coordinator.outcomes.models import CommitmentStatus, PlanState
from coordinator.unit import Actor
from tests.conftest import NOW

START, TARGET = date(2026, 1, 1), date(2027, 12, 31)


def _commitment(text: str = "Abrir tres albergues", country: str | None = "GT",
                committee: str | None = None, actor: Actor | None = None, **more):  # type: ignore[no-untyped-def]
    return create_commitment(text=text, responsible=Responsible(country, committee),
                             pillar=more.pop("pillar", None if committee else "I"),
                             start_on=more.pop("start_on", START),
                             target_on=more.pop("target_on", TARGET), now=NOW,
                             actor=actor or Actor.cli(), **more)


def _as(account: Account) -> Actor:
    return Actor(account.email, account.id)


def _committee(slug: str = "labor-mobility") -> Committee:
    found = db.session.scalar(select(Committee).where(Committee.slug == slug))
    assert found is not None
    return found


def test_a_commitment_has_one_responsible_and_a_target_after_its_start(outcomes) -> None:
    for responsible in (Responsible(), Responsible("GT", "labor-mobility")):
        with pytest.raises(InvalidInput) as refused:
            create_commitment(text="x", responsible=responsible, pillar="I", start_on=START,
                              target_on=TARGET, now=NOW, actor=Actor.cli())
        assert refused.value.field == "responsible"
    with pytest.raises(InvalidInput) as refused:
        _commitment(start_on=TARGET, target_on=START)
    assert refused.value.field == "target_on"
    with pytest.raises(InvalidInput) as refused:
        _commitment(pillar="IV")
    assert refused.value.field == "pillar"
    with pytest.raises(InvalidInput) as refused:  # Labor Mobility is under pillar II
        _commitment(pillar="I", action_package="labor-mobility")
    assert refused.value.field == "action_package"
    with pytest.raises(InvalidInput):
        _commitment(text="  ")

    by_country = _commitment(action_package="labor-mobility", pillar=None, written_in="es")
    assert (by_country.pillar, by_country.action_package.slug) == ("II", "labor-mobility")
    assert by_country.status == CommitmentStatus.PLANNED and by_country.written_in == "es"
    by_committee = _commitment(country=None, committee="labor-mobility")
    assert by_committee.pillar == "II" and by_committee.committee_id == _committee().id
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "commitment.create", AuditEntry.entity_id == by_country.id))


def test_a_coordinator_keeps_only_their_own_countrys_or_committees_commitments(
        outcomes) -> None:
    coordinator = _as(outcomes.gt_coordinator)
    with pytest.raises(InvalidInput) as refused:
        _commitment(country="MX", actor=coordinator)
    assert refused.value.template == "This commitment is outside what you coordinate."
    own = _commitment(actor=coordinator)
    assert own.written_in == "es"  # the writer's own language
    mexican = _commitment(country="MX")
    with pytest.raises(InvalidInput):
        update_commitment(mexican.id, text="Otra", now=NOW, actor=coordinator)
    with pytest.raises(InvalidInput):  # nor hand their own to another country
        update_commitment(own.id, responsible=Responsible("MX"), now=NOW, actor=coordinator)

    lead = Account(name="Comité", email="comite@gob.example", role=Role.COMMITTEE_COORDINATOR,
                   committee_id=_committee().id, language="en", created_at=NOW)
    db.session.add(lead)
    db.session.commit()
    with pytest.raises(InvalidInput):  # a member country's commitment is the country's
        _commitment(country="MX", actor=_as(lead))
    by_committee = _commitment(country=None, committee="labor-mobility", actor=_as(lead))
    updated = update_commitment(by_committee.id, target_on=date(2028, 6, 30), now=NOW,
                                actor=_as(lead))
    assert updated.target_on == date(2028, 6, 30)


def test_corrections_are_checked_and_audited(outcomes) -> None:
    commitment = _commitment(action_package="labor-mobility", pillar=None)
    with pytest.raises(InvalidInput) as refused:
        update_commitment(commitment.id, target_on=date(2025, 1, 1), now=NOW,
                          actor=Actor.cli())
    assert refused.value.field == "target_on"
    updated = update_commitment(commitment.id, action_package=None, pillar="I",
                                made_at_id=outcomes.first.id, text="Abrir cuatro albergues",
                                now=NOW, actor=Actor.cli())
    assert (updated.pillar, updated.action_package_id) == ("I", None)
    assert updated.made_at_id == outcomes.first.id and updated.text == "Abrir cuatro albergues"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "commitment.update")).one()
    assert entry.details["changed"] == ["text", "pillar", "made_at_id"]
    update_commitment(commitment.id, text="Abrir cuatro albergues", now=NOW, actor=Actor.cli())
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "commitment.update")).all()) == 1  # nothing changed: no entry


def test_the_timeline_takes_dated_updates_with_their_sources(outcomes) -> None:
    commitment = _commitment()
    later = outcomes.after_first
    with pytest.raises(InvalidInput) as refused:  # 23 November is tomorrow in Guatemala
        add_update(commitment.id, text="Avance", dated=date(2026, 11, 23), now=NOW,
                   actor=Actor.cli())
    assert refused.value.field == "dated"
    with pytest.raises(InvalidInput) as refused:  # the meeting has not taken place yet
        add_update(commitment.id, text="Avance", dated=date(2026, 11, 20), now=NOW,
                   actor=Actor.cli(), source_meeting_id=outcomes.first.id)
    assert refused.value.field == "source_meeting_id"
    with pytest.raises(InvalidInput) as refused:
        add_update(commitment.id, text="Avance", dated=date(2026, 11, 20), now=NOW,
                   actor=Actor.cli(), source_url="javascript:alert(1)")
    assert refused.value.field == "source_url"

    first = add_update(commitment.id, text="Primer albergue abierto", dated=date(2026, 11, 1),
                       now=NOW, actor=Actor.cli(), source_url="https://gob.example/informe.pdf",
                       written_in="es")
    reviewed = add_update(commitment.id, text="Revisado en la reunión",
                          dated=later.date(), now=later, actor=Actor.cli(),
                          source_meeting_id=outcomes.first.id, source_text="Acta")
    record = commitment_record(commitment.id)
    assert [u.id for u in record.timeline] == [reviewed.id, first.id]  # newest first
    assert record.commitment.reviewed_at_id == outcomes.first.id
    assert first.source_url == "https://gob.example/informe.pdf"
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "commitment.timeline")).all()) == 2


def test_a_status_change_is_on_the_timeline_and_a_dropped_commitment_says_why(
        outcomes) -> None:
    commitment = _commitment()
    set_status(commitment.id, "in-progress", now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict):
        set_status(commitment.id, "in-progress", now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput) as refused:
        set_status(commitment.id, "dropped", now=NOW, actor=Actor.cli())
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput):
        set_status(commitment.id, "finished", now=NOW, actor=Actor.cli())
    dropped = set_status(commitment.id, "dropped", reason="Sin presupuesto", now=NOW,
                         actor=Actor.cli(), written_in="es")
    assert dropped.reason == "Sin presupuesto" and dropped.reason_written_in == "es"
    timeline = commitment_record(commitment.id).timeline
    assert [(u.status, u.text) for u in timeline] == [("dropped", "Sin presupuesto"),
                                                      ("in-progress", "")]
    reopened = set_status(commitment.id, "in-progress", text="Se retoma", now=NOW,
                          actor=Actor.cli())
    assert reopened.reason is None
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "commitment.status").order_by(AuditEntry.id)).all()
    assert [(e.details["previous"], e.details["status"]) for e in entries] == [
        ("planned", "in-progress"), ("in-progress", "dropped"), ("dropped", "in-progress")]


def test_commitments_are_listed_by_country_committee_pillar_and_status(outcomes) -> None:
    shelters = _commitment(target_on=date(2027, 6, 30))
    visas = _commitment("Visas de trabajo", country="MX", action_package="labor-mobility",
                        pillar=None)
    panel = _commitment("Panel", country=None, committee="labor-mobility",
                        target_on=date(2027, 1, 31))
    set_status(visas.id, "achieved", now=NOW, actor=Actor.cli())

    def ids(**filters: str) -> list[int]:
        return [c.id for c in commitments(**filters)]

    assert ids() == [panel.id, shelters.id, visas.id]  # soonest target first
    assert ids(country="gt") == [shelters.id]
    assert ids(committee="labor-mobility") == [panel.id, visas.id]
    assert ids(pillar="II") == [panel.id, visas.id]
    assert ids(status="achieved") == [visas.id]
    assert ids(country="ZZ") == [] and ids(committee="none") == []


@pytest.fixture
def regional(outcomes) -> Meeting:  # type: ignore[no-untyped-def]
    series = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=date(2027, 3, 31),
        location="Panamá", holiday_country="PA"), now=NOW, actor=Actor.cli())
    return series.meetings[0]


def test_the_joint_work_plan_is_kept_by_the_secretariat_or_the_regional_coordinator(
        outcomes, regional) -> None:
    with pytest.raises(InvalidInput):  # a national meeting agrees no joint work plan
        create_plan(outcomes.first.id, title="Plan", now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput):
        create_plan(regional.id, title="Plan", now=NOW, actor=_as(outcomes.gt_coordinator))
    regional.series.coordinator_id = outcomes.gt_coordinator.id
    db.session.commit()
    plan = create_plan(regional.id, title="Plan de trabajo conjunto 2027", now=NOW,
                       actor=_as(outcomes.gt_coordinator))
    assert plan.state == PlanState.DRAFT and plan.version == 1 and plan.written_in == "es"
    with pytest.raises(Conflict):
        create_plan(regional.id, title="Otro", now=NOW, actor=Actor.cli())


def test_a_plan_is_published_once_and_changed_by_a_new_version(outcomes, regional) -> None:
    one, two, three = (_commitment(f"Compromiso {n}") for n in (1, 2, 3))
    plan = create_plan(regional.id, title="Plan 2027", commitment_ids=[two.id, one.id],
                       now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput):
        edit_plan(plan.id, commitment_ids=[one.id, one.id], now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput):
        edit_plan(plan.id, commitment_ids=[999], now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict):  # agreed at the meeting: not before it
        publish_plan(plan.id, now=NOW, actor=Actor.cli())
    after = regional.start_at + timedelta(hours=8)
    published = publish_plan(plan.id, now=after, actor=Actor.cli())
    assert published.state == PlanState.PUBLISHED
    assert [c.id for c in published.commitments] == [two.id, one.id]
    assert one.made_at_id == regional.id  # made where the plan was agreed
    with pytest.raises(Conflict):
        edit_plan(plan.id, title="Otro", now=after, actor=Actor.cli())
    assert published_plan(regional.id) == published

    draft = revise_plan(plan.id, now=after, actor=Actor.cli())
    assert (draft.version, [c.id for c in draft.commitments]) == (2, [two.id, one.id])
    with pytest.raises(Conflict):
        revise_plan(plan.id, now=after, actor=Actor.cli())
    edit_plan(draft.id, commitment_ids=[two.id, one.id, three.id], now=after,
              actor=Actor.cli())
    with pytest.raises(InvalidInput) as refused:
        publish_plan(draft.id, now=after, actor=Actor.cli())
    assert refused.value.field == "what_changed"
    publish_plan(draft.id, what_changed="Se añade el compromiso 3", now=after,
                 actor=Actor.cli())
    db.session.expire_all()
    assert published_plan(regional.id).id == draft.id
    assert db.session.get(type(plan), plan.id).state == PlanState.SUPERSEDED
    assert [p.id for p in commitment_record(three.id).plans] == [draft.id]
