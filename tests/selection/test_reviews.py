"""Reviewers, conflicts and scores: each refusal leaves nothing behind, the anonymised view
names nobody, and the weighted score is the published arithmetic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import Account
from coordinator.selection.models import (
    ApplicationState,
    Call,
    Review,
    Reviewer,
)
from coordinator.selection.models import Conflict as Conflicted
from coordinator.selection.reviews import (
    appoint_reviewer,
    declare_conflict,
    remove_reviewer,
    score,
    to_review,
    weighted_scores,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.support.review_world import (
    AFTER,
    ReviewWorld,
    actor,
    at_once,
    audited,
    count,
    make_review_world,
)


@pytest.fixture
def world(seeded, frozen) -> ReviewWorld:  # type: ignore[no-untyped-def]
    return make_review_world()


def appoint_both(world: ReviewWorld) -> None:
    for reviewer in (world.staff, world.cso):
        appoint_reviewer(world.call.id, reviewer.id, now=NOW, actor=actor(world.secretariat))


def reviews() -> list[Review]:
    db.session.expire_all()
    return list(db.session.scalars(select(Review).order_by(Review.id)))


# --- appointing -----------------------------------------------------------------------

def test_the_secretariat_appoints_its_staff_and_a_civil_society_reviewer(world) -> None:
    appoint_reviewer(world.call.id, world.staff.id, now=NOW, actor=actor(world.secretariat))
    appoint_reviewer(world.call.id, world.cso.id, now=NOW, actor=Actor.cli())
    db.session.expire_all()
    found = db.session.scalars(select(Reviewer.account_id).where(
        Reviewer.call_id == world.call.id).order_by(Reviewer.id))
    assert list(found) == [world.staff.id, world.cso.id]
    assert audited("call.reviewer.appoint") == 2


def test_appointing_twice_is_refused_and_keeps_one_reviewer(world) -> None:
    appoint_reviewer(world.call.id, world.cso.id, now=NOW, actor=actor(world.secretariat))
    with pytest.raises(Conflict) as refused:
        appoint_reviewer(world.call.id, world.cso.id, now=NOW, actor=actor(world.secretariat))
    assert refused.value.field == "account_id"
    assert "CSO Reviewer already reviews this call." in str(refused.value)
    assert count(Reviewer) == 1 and audited("call.reviewer.appoint") == 1


@pytest.mark.parametrize("who", ["outsider", "cso", "staff-not-secretariat"])
def test_only_the_secretariat_appoints(world, who: str) -> None:
    if who == "staff-not-secretariat":
        appoint_reviewer(world.call.id, world.cso.id, now=NOW, actor=Actor.cli())
        acting = world.cso  # a reviewer does not appoint others
    else:
        acting = world.outsider if who == "outsider" else world.cso
    before = count(Reviewer)
    with pytest.raises(InvalidInput) as refused:
        appoint_reviewer(world.call.id, world.staff.id, now=NOW, actor=actor(acting))
    assert refused.value.field == "call"
    assert count(Reviewer) == before


def test_a_coordinator_cannot_be_a_reviewer(world) -> None:
    with pytest.raises(InvalidInput) as refused:
        appoint_reviewer(world.call.id, world.outsider.id, now=NOW, actor=Actor.cli())
    assert refused.value.field == "account_id"
    with pytest.raises(InvalidInput) as unknown:
        appoint_reviewer(world.call.id, 99999, now=NOW, actor=Actor.cli())
    assert unknown.value.field == "account_id"
    with pytest.raises(NotFound):
        appoint_reviewer(99999, world.staff.id, now=NOW, actor=Actor.cli())
    assert count(Reviewer) == 0


def test_removing_a_reviewer_drops_their_scores(world) -> None:
    appoint_both(world)
    score(world.call.id, world.ids[1], world.marks(4), now=AFTER, actor=actor(world.staff))
    score(world.call.id, world.ids[1], world.marks(2), now=AFTER, actor=actor(world.cso))
    remove_reviewer(world.call.id, world.staff.id, now=AFTER, actor=actor(world.secretariat))
    assert [r.scores for r in reviews()] == [{str(c.id): 2 for c in world.criteria}]
    assert weighted_scores(db.session.get(Call, world.call.id))[world.ids[1]] == 2.0
    with pytest.raises(NotFound):
        remove_reviewer(world.call.id, world.staff.id, now=AFTER, actor=Actor.cli())
    with pytest.raises(InvalidInput):
        remove_reviewer(world.call.id, world.cso.id, now=AFTER, actor=actor(world.cso))
    assert count(Reviewer) == 1


# --- conflicts --------------------------------------------------------------------------

def test_a_declared_conflict_stops_scoring_and_drops_an_earlier_score(world) -> None:
    appoint_both(world)
    target = world.ids[2]
    score(world.call.id, target, world.marks(5), now=AFTER, actor=actor(world.staff))
    declare_conflict(world.call.id, target, reason="I advised them last year.", now=AFTER,
                     actor=actor(world.staff))
    assert reviews() == []
    stored = db.session.scalars(select(Conflicted)).one()
    assert (stored.application_id, stored.reason) == (target, "I advised them last year.")
    with pytest.raises(InvalidInput) as refused:
        score(world.call.id, target, world.marks(3), now=AFTER, actor=actor(world.staff))
    assert refused.value.field == "application_id"
    with pytest.raises(Conflict):
        declare_conflict(world.call.id, target, reason="Again", now=AFTER,
                         actor=actor(world.staff))
    assert reviews() == [] and count(Conflicted) == 1
    assert weighted_scores(db.session.get(Call, world.call.id))[target] == 0.0


def test_a_conflict_is_declared_by_a_reviewer_with_a_reason(world) -> None:
    appoint_both(world)
    with pytest.raises(InvalidInput) as blank:
        declare_conflict(world.call.id, world.ids[1], reason="  ", now=AFTER,
                         actor=actor(world.staff))
    assert blank.value.field == "reason"
    with pytest.raises(InvalidInput) as stranger:
        declare_conflict(world.call.id, world.ids[1], reason="Friends", now=AFTER,
                         actor=actor(world.outsider))
    assert stranger.value.field == "call"
    with pytest.raises(InvalidInput):  # the command line is nobody's conscience
        declare_conflict(world.call.id, world.ids[1], reason="Friends", now=AFTER,
                         actor=Actor.cli())
    with pytest.raises(NotFound) as elsewhere:
        declare_conflict(world.call.id, 99999, reason="Friends", now=AFTER,
                         actor=actor(world.staff))
    assert elsewhere.value.field == "application_id"
    assert count(Conflicted) == 0 and audited("call.conflict.declare") == 0


# --- scores -------------------------------------------------------------------------------

def test_a_reviewer_scores_every_criterion_and_scoring_again_updates_the_review(world) -> None:
    appoint_both(world)
    first = score(world.call.id, world.ids[3], world.marks(2), comment="Solid",
                  now=AFTER, actor=actor(world.cso))
    again = score(world.call.id, world.ids[3], {world.criteria[0].id: 5,
                                                 world.criteria[1].id: 0},
                  now=AFTER + timedelta(hours=1), actor=actor(world.cso))
    stored = reviews()
    assert len(stored) == 1 and stored[0].id == first.id == again.id
    assert stored[0].scores == {str(world.criteria[0].id): 5, str(world.criteria[1].id): 0}
    assert stored[0].comment is None
    assert stored[0].updated_at == AFTER + timedelta(hours=1)
    assert audited("call.review.score") == 2


@pytest.mark.parametrize("bad", ["six", "minus", "half", "text", "boolean", "missing",
                                 "unknown", "not-a-dict"])
def test_scores_off_the_scale_are_refused_with_the_field(world, bad: str) -> None:
    appoint_both(world)
    first, second = (c.id for c in world.criteria)
    scores: object = {
        "six": {first: 6, second: 3}, "minus": {first: -1, second: 3},
        "half": {first: 2.5, second: 3}, "text": {first: "3", second: 3},
        "boolean": {first: True, second: 3}, "missing": {first: 3},
        "unknown": {first: 3, second: 3, 99999: 1}, "not-a-dict": [3, 3],
    }[bad]
    with pytest.raises(InvalidInput) as refused:
        score(world.call.id, world.ids[1], scores,  # type: ignore[arg-type]
              now=AFTER, actor=actor(world.staff))
    expected = {"missing": f"scores.{second}", "unknown": "scores.99999",
                "not-a-dict": "scores"}.get(bad, f"scores.{first}")
    assert refused.value.field == expected
    assert reviews() == [] and audited("call.review.score") == 0


def test_a_reviewer_never_scores_their_own_organisation(world) -> None:
    appoint_both(world)
    with pytest.raises(InvalidInput) as refused:
        score(world.call.id, world.ids[0], world.marks(5), now=AFTER, actor=actor(world.cso))
    assert refused.value.field == "application_id"
    assert reviews() == []
    # The secretariat's reviewer, of no organisation, scores it.
    score(world.call.id, world.ids[0], world.marks(5), now=AFTER, actor=actor(world.staff))
    assert len(reviews()) == 1


def test_scoring_is_refused_outside_the_review(world) -> None:
    appoint_both(world)
    call_id, target = world.call.id, world.ids[1]
    with pytest.raises(InvalidInput) as stranger:
        score(call_id, target, world.marks(3), now=AFTER, actor=actor(world.outsider))
    assert stranger.value.field == "call"
    with pytest.raises(Conflict) as still_open:
        score(call_id, target, world.marks(3), now=NOW, actor=actor(world.staff))
    assert still_open.value.field == "call"
    world.applications[2].state = ApplicationState.WITHDRAWN
    db.session.commit()
    with pytest.raises(Conflict) as withdrawn:
        score(call_id, world.ids[2], world.marks(3), now=AFTER, actor=actor(world.staff))
    assert withdrawn.value.field == "application_id"
    world.call.results_at = AFTER
    db.session.commit()
    with pytest.raises(Conflict) as published:
        score(call_id, target, world.marks(3), now=AFTER, actor=actor(world.staff))
    assert "published" in str(published.value)
    with pytest.raises(Conflict):
        declare_conflict(call_id, target, reason="Late", now=AFTER, actor=actor(world.staff))
    assert reviews() == [] and count(Conflicted) == 0


def test_two_reviewers_scoring_at_once_both_land(world, app) -> None:
    appoint_both(world)
    call_id, target = world.call.id, world.ids[4]
    staff, cso = actor(world.staff), actor(world.cso)
    four, two = world.marks(4), world.marks(2)
    outcomes = at_once(
        app,
        lambda: score(call_id, target, four, now=AFTER, actor=staff).id,
        lambda: score(call_id, target, two, now=AFTER, actor=cso).id)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    stored = reviews()
    assert len(stored) == 2
    assert weighted_scores(db.session.get(Call, call_id))[target] == 3.0


def test_one_reviewer_scoring_twice_at_once_keeps_one_review(world, app) -> None:
    """A double click: the second waits for the first and updates its review."""
    appoint_both(world)
    call_id, target, staff = world.call.id, world.ids[4], actor(world.staff)
    four, two = world.marks(4), world.marks(2)
    outcomes = at_once(
        app,
        lambda: score(call_id, target, four, now=AFTER, actor=staff).id,
        lambda: score(call_id, target, two, now=AFTER, actor=staff).id)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    stored = reviews()
    assert len(stored) == 1
    assert stored[0].scores in [{str(k): v for k, v in marks.items()} for marks in (four, two)]
    assert audited("call.review.score") == 2


# --- what reviewers see, and the arithmetic --------------------------------------------------

def test_the_weighted_score_is_the_mean_of_each_reviewers_weighted_mean(world) -> None:
    appoint_both(world)
    service, continuity = (c.id for c in world.criteria)  # weights 3 and 1
    score(world.call.id, world.ids[1], {service: 5, continuity: 1}, now=AFTER,
          actor=actor(world.staff))  # (3*5 + 1*1) / 4 = 4.0
    score(world.call.id, world.ids[1], {service: 2, continuity: 4}, now=AFTER,
          actor=actor(world.cso))  # (3*2 + 1*4) / 4 = 2.5
    score(world.call.id, world.ids[2], {service: 0, continuity: 5}, now=AFTER,
          actor=actor(world.cso))  # 5 / 4 = 1.25
    found = weighted_scores(db.session.get(Call, world.call.id))
    assert found[world.ids[1]] == pytest.approx(3.25)
    assert found[world.ids[2]] == pytest.approx(1.25)
    assert found[world.ids[3]] == 0.0  # nobody scored it
    assert set(found) == set(world.ids)


def test_an_anonymised_review_shows_numbers_not_names(seeded, frozen) -> None:
    world = make_review_world(anonymised=True)
    appoint_both(world)
    score(world.call.id, world.ids[3], world.marks(4), now=AFTER, actor=actor(world.cso))
    declare_conflict(world.call.id, world.ids[5], reason="My cousin works there",
                     now=AFTER, actor=actor(world.cso))
    db.session.expire_all()
    items = to_review(db.session.get(Account, world.cso.id),
                      db.session.get(Call, world.call.id))
    # Their own organisation (the first) is left out; the others keep their numbers.
    assert [i.number for i in items] == [2, 3, 4, 5, 6]
    assert [i.title for i in items] == [f"Application no. {n}" for n in (2, 3, 4, 5, 6)]
    shown = repr(items)
    for application in world.applications:
        assert application.organisation.name not in shown
        assert application.contact.name not in shown
    assert all(i.attendees == [{"role": "director"}] for i in items)
    by_number = {i.number: i for i in items}
    assert by_number[4].scores == world.marks(4)
    assert by_number[6].conflict == "My cousin works there" and by_number[6].scores is None
    assert by_number[2].scores is None and by_number[2].countries == ["MX"]


def test_a_named_review_shows_names_and_refuses_strangers(world) -> None:
    appoint_both(world)
    items = to_review(db.session.get(Account, world.staff.id),
                      db.session.get(Call, world.call.id))
    assert [i.title for i in items] == [a.organisation.name for a in world.applications]
    assert items[3].contact == "Wilner Jean"
    assert items[3].attendees == [{"name": "Wilner Jean Attendee", "role": "director"}]
    with pytest.raises(NotFound):
        to_review(db.session.get(Account, world.outsider.id),
                  db.session.get(Call, world.call.id))
