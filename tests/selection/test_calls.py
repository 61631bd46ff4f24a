"""Calls for participation (issue 17, point 1): who opens them, for which meeting, with
which dates, criteria and targets; what may change once applicants can read them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import Account, AuditEntry, Role
from coordinator.selection.calls import (
    CriterionInput,
    TargetInput,
    call_state,
    create_call,
    find_call,
    publish_call,
    update_call,
)
from coordinator.selection.models import Call, Criterion, DiversityTarget
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.selection.conftest import CallWorld


def _rows() -> tuple[int, int, int]:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Call)) or 0,
            db.session.scalar(select(func.count()).select_from(Criterion)) or 0,
            db.session.scalar(select(func.count()).select_from(DiversityTarget)) or 0)


def test_the_secretariat_opens_a_call_with_its_criteria_and_targets(call_world: CallWorld):
    call = create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                       actor=call_world.actor)
    db.session.expire_all()
    stored = db.session.get(Call, call.id)
    assert stored is not None and stored.seats == 6 and stored.published_at is None
    assert [(c.key.value, c.weight) for c in stored.criteria] == [("category", 5),
                                                                  ("continuity", 3)]
    assert [(t.kind.value, t.value, t.minimum) for t in stored.targets] == [
        ("led-by", "indigenous", 1), ("each-country", None, 1)]
    assert call_state(stored, NOW) == "draft"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call.create"))
    assert [a.entity_id for a in audit] == [call.id]


def test_a_call_goes_from_draft_to_announced_open_and_closed(call_world: CallWorld):
    call = call_world.open_call()
    assert call_state(call, NOW) == "announced"
    assert call_state(call, call_world.during) == "open"
    assert call_state(call, call_world.after) == "closed"
    call.results_at = call_world.after
    assert call_state(call, call_world.after) == "results"
    with pytest.raises(Conflict):
        publish_call(call.id, now=NOW, actor=call_world.actor)


def test_only_the_secretariat_or_the_command_line_opens_a_call(call_world: CallWorld):
    coordinator = Account(name="Punto focal", email="pf@gob.example",
                          role=Role.SPECIAL_COORDINATOR, language="es", zone="UTC",
                          created_at=NOW)
    db.session.add(coordinator)
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                    actor=Actor(coordinator.email, coordinator.id))
    assert refused.value.field == "meeting_id"
    assert _rows() == (0, 0, 0)
    create_call(call_world.meeting.id, call_world.call_input(), now=NOW, actor=Actor.cli())
    assert _rows() == (1, 2, 2)


def test_a_call_is_for_a_high_level_meeting_ahead_and_only_one(call_world: CallWorld):
    from tests.mail.scenario import make_world

    national = make_world(NOW, people=[]).first
    with pytest.raises(InvalidInput, match="high-level"):
        create_call(national.id, call_world.call_input(), now=NOW, actor=call_world.actor)
    with pytest.raises(NotFound):
        create_call(99999, call_world.call_input(), now=NOW, actor=call_world.actor)
    create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                actor=call_world.actor)
    with pytest.raises(Conflict, match="already"):
        create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                    actor=call_world.actor)
    late = call_world.meeting.start_at + timedelta(minutes=1)
    with pytest.raises(Conflict, match="started"):
        create_call(call_world.meeting.id, call_world.call_input(
            opens_at=late, closes_at=late + timedelta(days=1)), now=late,
            actor=call_world.actor)
    assert _rows() == (1, 2, 2)


BAD_DATES: dict[str, tuple[dict[str, Any], str]] = {
    "closes before it opens": (dict(closes_at=NOW + timedelta(hours=12)), "closes_at"),
    "closes when it opens": (dict(opens_at=NOW + timedelta(days=3),
                                  closes_at=NOW + timedelta(days=3)), "closes_at"),
    "closes in the past": (dict(opens_at=NOW - timedelta(days=5),
                                closes_at=NOW - timedelta(days=1)), "closes_at"),
    "closes after the meeting starts": (dict(closes_at=NOW + timedelta(days=61)),
                                        "closes_at"),
    "selection before it closes": (dict(selection_on=date(2026, 12, 21)), "selection_on"),
    "selection after the meeting": (dict(selection_on=date(2027, 1, 22)), "selection_on"),
    "a naive time": (dict(opens_at=NOW.replace(tzinfo=None)), "opens_at"),
    "no seats": (dict(seats_in_person=0, seats_online=0), "seats_in_person"),
    "negative seats": (dict(seats_online=-1), "seats_online"),
    "no criterion": (dict(criteria=[]), "criteria"),
    "a weight of 0": (dict(criteria=[CriterionInput("scope", "Regional reach.", 0)]),
                      "criteria.0.weight"),
    "a weight of 11": (dict(criteria=[CriterionInput("scope", "Regional reach.", 11)]),
                       "criteria.0.weight"),
    "an unknown criterion": (dict(criteria=[CriterionInput("beauty", "Nice.", 3)]),
                             "criteria.0.key"),
    "a criterion without words": (dict(criteria=[CriterionInput("scope", "  ", 3)]),
                                  "criteria.0.description"),
    "an unknown kind of target": (dict(targets=[TargetInput("gender", "women")]),
                                  "targets.0.kind"),
    "an unknown led-by": (dict(targets=[TargetInput("led-by", "aliens")]), "targets.0.value"),
    "an unknown country": (dict(targets=[TargetInput("country", "ZZ")]), "targets.0.value"),
    "a country without a code": (dict(targets=[TargetInput("country")]), "targets.0.value"),
    "each country naming one": (dict(targets=[TargetInput("each-country", "GT")]),
                                "targets.0.value"),
    "each country twice over": (dict(targets=[TargetInput("each-country", None, 2)]),
                                "targets.0.minimum"),
    "a minimum of 0": (dict(targets=[TargetInput("led-by", "refugee", 0)]),
                       "targets.0.minimum"),
    "a target twice": (dict(targets=[TargetInput("country", "GT"), TargetInput("country", "gt")]),
                       "targets.1.value"),
    "more target seats than seats": (dict(targets=[TargetInput("led-by", "indigenous", 4),
                                                   TargetInput("country", "HT", 3)]),
                                     "targets"),
}


@pytest.mark.parametrize("case", BAD_DATES, ids=list(BAD_DATES))
def test_a_bad_call_is_refused_and_nothing_is_written(call_world: CallWorld, case: str):
    changes, field = BAD_DATES[case]
    with pytest.raises(InvalidInput) as refused:
        create_call(call_world.meeting.id, call_world.call_input(**changes), now=NOW,
                    actor=call_world.actor)
    assert refused.value.field == field
    assert _rows() == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "call")) == 0


def test_targets_may_take_every_seat_but_no_more(call_world: CallWorld):
    call = create_call(call_world.meeting.id, call_world.call_input(targets=[
        TargetInput("led-by", "indigenous", 4), TargetInput("country", "HT", 2),
        TargetInput("each-country")]), now=NOW, actor=call_world.actor)
    assert sum(t.minimum for t in call.targets) == 7  # each-country counts once applied
    with pytest.raises(InvalidInput) as refused:
        update_call(call.id, call_world.call_input(seats_online=1, targets=[
            TargetInput("led-by", "indigenous", 4), TargetInput("country", "HT", 2)]),
            now=NOW, actor=call_world.actor)
    assert refused.value.field == "targets" and "6 seats" in refused.value.english


def test_a_call_changes_freely_before_it_opens(call_world: CallWorld):
    call = call_world.open_call()
    update_call(call.id, call_world.call_input(
        seats_in_person=8, criteria=[CriterionInput("led-by", "Led by those affected.", 10)],
        targets=[]), now=NOW, actor=call_world.actor)
    db.session.expire_all()
    stored = find_call(call.id)
    assert stored.seats == 10
    assert [(c.key.value, c.weight) for c in stored.criteria] == [("led-by", 10)]
    assert stored.targets == [] and _rows() == (1, 1, 0)


def test_an_open_call_may_only_close_later(call_world: CallWorld):
    call = call_world.open_call()
    during = call_world.during
    with pytest.raises(Conflict, match="only its closing"):
        update_call(call.id, call_world.call_input(seats_in_person=5), now=during,
                    actor=call_world.actor)
    with pytest.raises(Conflict, match="only move later"):
        update_call(call.id, call_world.call_input(closes_at=call_world.closes
                                                   - timedelta(days=1)),
                    now=during, actor=call_world.actor)
    later = call_world.closes + timedelta(days=5)
    update_call(call.id, call_world.call_input(closes_at=later), now=during,
                actor=call_world.actor)
    db.session.expire_all()
    stored = find_call(call.id)
    assert stored.closes_at == later and stored.seats_in_person == 4
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "call.extend")) == 1
    with pytest.raises(Conflict, match="has closed"):
        update_call(call.id, call_world.call_input(closes_at=later + timedelta(days=1)),
                    now=later + timedelta(hours=1), actor=call_world.actor)


def test_an_unknown_call_is_not_found(call_world: CallWorld):
    with pytest.raises(NotFound):
        find_call(12345)
    with pytest.raises(NotFound):
        publish_call(12345, now=NOW, actor=call_world.actor)
    with pytest.raises(NotFound):
        update_call(12345, call_world.call_input(), now=NOW, actor=call_world.actor)


def test_a_draft_whose_closing_passed_is_not_published(call_world: CallWorld):
    call = create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                       actor=call_world.actor)
    with pytest.raises(Conflict):
        publish_call(call.id, now=call_world.after, actor=call_world.actor)
    db.session.expire_all()
    assert find_call(call.id).published_at is None

