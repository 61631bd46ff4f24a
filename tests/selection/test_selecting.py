"""The proposed selection meets the diversity targets before the ranking, explains every
seat, and changes only by a recorded deviation with its reason; never more than the
seats, never a shortfall without saying so, nothing half-written on a refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import AuditEntry
from coordinator.selection.models import (
    ApplicationState,
    Call,
    Deviation,
    Selection,
    TargetKind,
)
from coordinator.selection.reviews import appoint_reviewer, score
from coordinator.selection.selecting import (
    change_selection,
    explain,
    propose_selection,
    selection_of,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.support.review_world import (
    AFTER,
    ReviewWorld,
    actor,
    audited,
    count,
    make_review_world,
)

# Organisations in order (tests/support/review_world.py): 0 GT indigenous, 1 MX, 2 MX,
# 3 HT black, 4 CO black, 5 PA refugee. Scores 3, 5, 4, 2, 1, 0: the ranking alone would
# choose 1, 2 and 0.
SCORES = (3, 5, 4, 2, 1, 0)
TARGETS = ((TargetKind.LED_BY, "black", 1), (TargetKind.LED_BY, "refugee", 1))


@pytest.fixture
def world(seeded, frozen) -> ReviewWorld:  # type: ignore[no-untyped-def]
    world = make_review_world(seats=3, targets=TARGETS)
    appoint_reviewer(world.call.id, world.staff.id, now=NOW, actor=Actor.cli())
    for application_id, value in zip(world.ids, SCORES, strict=True):
        score(world.call.id, application_id, world.marks(value), now=AFTER,
              actor=actor(world.staff))
    return world


def stored() -> Selection:
    db.session.expire_all()
    return db.session.scalars(select(Selection)).one()


def the_call(world: ReviewWorld) -> Call:
    db.session.expire_all()
    return db.session.get(Call, world.call.id)


def test_the_proposal_meets_two_diversity_targets_then_follows_the_ranking(world) -> None:
    ids = world.ids
    found = propose_selection(world.call.id, now=AFTER, actor=actor(world.secretariat))
    assert found.shortfalls == []
    selection = stored()
    # Ranked order: 1 (5), 2 (4), 0 (3), 3 (2), 4 (1), 5 (0).
    assert selection.selected == [ids[1], ids[3], ids[5]]
    assert selection.waiting == [ids[2], ids[0], ids[4]]
    assert selection.proposed["ranking"] == [ids[i] for i in (1, 2, 0, 3, 4, 5)]
    black, refugee = (t.id for t in world.call.targets)
    steps = explain(the_call(world))
    # The scarcest target first (one refugee-led applicant, two Black-led), then the ranking.
    assert [(s.position, s.application_id, s.reason) for s in steps] == [
        (1, ids[5], "target"), (2, ids[3], "target"), (3, ids[1], "ranking")]
    assert [s.target.id if s.target else None for s in steps] == [refugee, black, None]
    assert audited("call.selection.propose") == 1


def test_a_withdrawn_application_is_no_candidate_and_a_target_it_met_falls_short(
        world) -> None:
    world.applications[5].state = ApplicationState.WITHDRAWN
    db.session.commit()
    found = propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    selection = stored()
    assert world.ids[5] not in selection.selected + selection.waiting
    refugee = world.call.targets[1].id
    assert [(s.target_id, s.wanted, s.reached) for s in found.shortfalls] == [(refugee, 1, 0)]
    assert selection.proposed["shortfalls"] == [
        {"target_id": refugee, "country": None, "wanted": 1, "reached": 0}]


def test_the_proposal_waits_for_the_call_to_close_and_for_the_secretariat(world) -> None:
    with pytest.raises(Conflict) as still_open:
        propose_selection(world.call.id, now=NOW, actor=Actor.cli())
    assert still_open.value.field == "call"
    for someone in (world.cso, world.outsider):  # a reviewer, a coordinator
        with pytest.raises(InvalidInput) as refused:
            propose_selection(world.call.id, now=AFTER, actor=actor(someone))
        assert refused.value.field == "call"
    with pytest.raises(NotFound):
        propose_selection(99999, now=AFTER, actor=Actor.cli())
    world.call.results_at = AFTER
    db.session.commit()
    with pytest.raises(Conflict):
        propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    assert count(Selection) == 0 and audited("call.selection.propose") == 0


def test_a_swap_is_two_deviations_with_the_public_reason(world) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    found = change_selection(world.call.id, add=ids[2], remove=ids[1],
                             reason="Casa del Migrante Norte declined before the offer.",
                             written_in="es", now=AFTER, actor=actor(world.secretariat))
    assert found.shortfalls == [] and found.new_shortfalls == []
    selection = stored()
    assert selection.selected == [ids[2], ids[3], ids[5]]
    assert selection.waiting == [ids[1], ids[0], ids[4]]
    deviations = list(db.session.scalars(select(Deviation).order_by(Deviation.id)))
    assert [(d.application_id, d.change) for d in deviations] == [
        (ids[1], "removed"), (ids[2], "added")]
    assert {d.reason for d in deviations} == {
        "Casa del Migrante Norte declined before the offer."}
    assert {(d.written_in, d.account_id) for d in deviations} == {
        ("es", world.secretariat.id)}
    # The proposal itself is kept as it was made.
    assert selection.proposed["selected"] == [ids[1], ids[3], ids[5]]
    assert audited("call.selection.change") == 1


def test_more_selected_than_seats_is_refused_and_nothing_changes(world) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    with pytest.raises(Conflict) as refused:
        change_selection(world.call.id, add=ids[0], reason="A strong application",
                         now=AFTER, actor=Actor.cli())
    assert refused.value.field == "add"
    assert "3 seats" in str(refused.value)
    assert stored().selected == [ids[1], ids[3], ids[5]]
    assert count(Deviation) == 0 and audited("call.selection.change") == 0


def test_a_change_that_leaves_a_target_short_is_flagged_not_silent(world) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    found = change_selection(world.call.id, add=ids[0], remove=ids[5],
                             reason="Refugio del Darién cannot travel in March.",
                             now=AFTER, actor=Actor.cli())
    refugee = world.call.targets[1].id
    assert [(s.target_id, s.reached) for s in found.new_shortfalls] == [(refugee, 0)]
    assert [(s.target_id, s.reached) for s in found.shortfalls] == [(refugee, 0)]
    assert stored().selected == [ids[1], ids[0], ids[3]]
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "call.selection.change")).one()
    assert entry.details["new_shortfalls"] == [
        {"target_id": refugee, "country": None, "wanted": 1, "reached": 0}]
    again = selection_of(the_call(world))
    assert again is not None and [s.target_id for s in again.shortfalls] == [refugee]
    assert len(again.deviations) == 2


def test_a_single_removal_frees_a_seat(world) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    change_selection(world.call.id, remove=ids[1], reason="Merged with another applicant",
                     now=AFTER, actor=Actor.cli())
    assert stored().selected == [ids[3], ids[5]]
    assert stored().waiting == [ids[1], ids[2], ids[0], ids[4]]
    change_selection(world.call.id, add=ids[4], reason="The next Black-led organisation",
                     now=AFTER, actor=Actor.cli())
    assert stored().selected == [ids[3], ids[4], ids[5]]
    assert [d.change for d in db.session.scalars(select(Deviation).order_by(Deviation.id))] \
        == ["removed", "added"]


@pytest.mark.parametrize("case", ["no-reason", "nothing", "same", "not-selected",
                                  "already-selected", "withdrawn", "unknown", "stranger",
                                  "published"])
def test_changes_are_refused_with_the_field_and_leave_nothing(world, case: str) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    before = (stored().selected, stored().waiting)
    kwargs: dict = {"reason": "Because", "now": AFTER, "actor": Actor.cli()}
    expected: tuple[type[Exception], str | None]
    if case == "no-reason":
        kwargs |= {"add": ids[0], "remove": ids[1], "reason": " "}
        expected = (InvalidInput, "reason")
    elif case == "nothing":
        expected = (InvalidInput, "add")
    elif case == "same":
        kwargs |= {"add": ids[1], "remove": ids[1]}
        expected = (InvalidInput, "add")
    elif case == "not-selected":
        kwargs |= {"remove": ids[0]}
        expected = (Conflict, "remove")
    elif case == "already-selected":
        kwargs |= {"add": ids[1], "remove": ids[3]}
        expected = (Conflict, "add")
    elif case == "withdrawn":
        world.applications[0].state = ApplicationState.WITHDRAWN
        db.session.commit()
        kwargs |= {"add": ids[0], "remove": ids[1]}
        expected = (Conflict, "add")
    elif case == "unknown":
        kwargs |= {"add": 99999, "remove": ids[1]}
        expected = (NotFound, "add")
    elif case == "stranger":
        kwargs |= {"add": ids[0], "remove": ids[1], "actor": actor(world.cso)}
        expected = (InvalidInput, "call")
    else:
        world.call.results_at = AFTER
        db.session.commit()
        kwargs |= {"add": ids[0], "remove": ids[1]}
        expected = (Conflict, "call")
    with pytest.raises(expected[0]) as refused:
        change_selection(world.call.id, **kwargs)
    assert refused.value.field == expected[1]
    assert (stored().selected, stored().waiting) == before
    assert count(Deviation) == 0 and audited("call.selection.change") == 0


def test_changing_before_the_proposal_is_refused(world) -> None:
    with pytest.raises(Conflict) as refused:
        change_selection(world.call.id, add=world.ids[0], reason="Early", now=AFTER,
                         actor=Actor.cli())
    assert refused.value.field == "call"
    assert count(Selection) == 0 and count(Deviation) == 0


def test_proposing_again_replaces_the_selection_and_its_changes(world) -> None:
    ids = world.ids
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    change_selection(world.call.id, add=ids[2], remove=ids[1], reason="Swap", now=AFTER,
                     actor=Actor.cli())
    score(world.call.id, ids[4], world.marks(5), now=AFTER, actor=actor(world.staff))
    propose_selection(world.call.id, now=AFTER, actor=Actor.cli())
    assert count(Selection) == 1 and count(Deviation) == 0
    # Voces Afrocolombianas now ranks second (tied with Casa del Migrante Norte, which
    # applied earlier) and takes the Black-led seat from Fondasyon Lakay.
    assert stored().selected == [ids[1], ids[4], ids[5]]
