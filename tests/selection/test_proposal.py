"""The proposed selection: targets first (scarcest first), then the ranking; every seat
explained, every target either met or reported short, never more than the seats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.selection.proposal import (
    EACH_COUNTRY,
    LED_BY,
    Candidate,
    Target,
    check,
    propose,
)

T0 = datetime(2027, 1, 10, 12, tzinfo=UTC)


def _c(n: int, score: float, countries: str = "GT", led_by: str = "") -> Candidate:
    return Candidate(n, score, T0 + timedelta(minutes=n), frozenset(countries.split()),
                     frozenset(led_by.split()))


def test_the_best_ranked_take_the_seats_without_targets() -> None:
    found = propose([_c(1, 3.0), _c(2, 4.5), _c(3, 4.5), _c(4, 1.0)], [], seats=2)
    assert found.selected == [2, 3]  # a tie goes to the earlier application
    assert found.waiting == [1, 4]
    assert [s.reason for s in found.steps] == ["ranking", "ranking"]


def test_targets_come_first_and_say_so() -> None:
    candidates = [_c(1, 5.0, "MX"), _c(2, 4.8, "MX"), _c(3, 4.0, "GT", "indigenous"),
                  _c(4, 2.0, "HT", "black"), _c(5, 1.0, "HT", "black")]
    targets = [Target(10, LED_BY, "indigenous", 1), Target(11, LED_BY, "black", 2)]
    found = propose(candidates, targets, seats=4)
    assert sorted(found.selected) == [1, 3, 4, 5]
    assert found.waiting == [2]
    by_target = {s.application_id: s.target_id for s in found.steps if s.reason == "target"}
    assert by_target == {3: 10, 4: 11, 5: 11}
    assert found.shortfalls == [] and check(found.selected, candidates, targets, 4) == []


def test_each_country_applying_gets_a_seat_where_seats_allow() -> None:
    candidates = [_c(1, 5.0, "MX"), _c(2, 4.9, "MX"), _c(3, 1.0, "BZ"), _c(4, 0.5, "PA")]
    found = propose(candidates, [Target(7, EACH_COUNTRY)], seats=3)
    assert sorted(found.selected) == [1, 3, 4]
    short = propose(candidates, [Target(7, EACH_COUNTRY)], seats=2)
    assert len(short.selected) == 2
    assert [(s.country, s.wanted, s.reached) for s in short.shortfalls] == [("MX", 1, 0)]


def test_a_target_nobody_can_meet_is_reported_not_dropped() -> None:
    found = propose([_c(1, 5.0), _c(2, 4.0)], [Target(3, LED_BY, "refugee", 1)], seats=2)
    assert found.selected == [1, 2]
    assert [(s.target_id, s.wanted, s.reached) for s in found.shortfalls] == [(3, 1, 0)]


def test_a_changed_selection_is_checked_against_the_targets() -> None:
    candidates = [_c(1, 5.0), _c(2, 1.0, "GT", "migrant")]
    targets = [Target(9, LED_BY, "migrant", 1)]
    assert [s.target_id for s in check([1], candidates, targets, 1)] == [9]
    assert check([2], candidates, targets, 1) == []


LEDS = ["indigenous", "refugee", "migrant", "black"]
candidate_lists = st.lists(st.tuples(
    st.floats(0, 5, allow_nan=False), st.sets(st.sampled_from(["GT", "MX", "HT", "BR"]),
                                             min_size=1, max_size=2),
    st.sets(st.sampled_from(LEDS), max_size=2)), max_size=14)
target_lists = st.lists(st.one_of(
    st.builds(lambda v, m: (LED_BY, v, m), st.sampled_from(LEDS), st.integers(1, 3)),
    st.just((EACH_COUNTRY, None, 1))), max_size=3)


@settings(max_examples=150, deadline=None)
@given(candidate_lists, target_lists, st.integers(0, 10))
def test_any_selection_respects_the_seats_and_accounts_for_everyone(raw, raw_targets,
                                                                    seats) -> None:
    candidates = [Candidate(i + 1, score, T0 + timedelta(minutes=i), frozenset(countries),
                            frozenset(led)) for i, (score, countries, led) in enumerate(raw)]
    targets = [Target(i + 1, kind, value, minimum)
               for i, (kind, value, minimum) in enumerate(raw_targets)]
    found = propose(candidates, targets, seats)
    everyone = {c.application_id for c in candidates}
    assert len(found.selected) == min(seats, len(candidates))
    assert set(found.selected) | set(found.waiting) == everyone
    assert not set(found.selected) & set(found.waiting)
    assert sorted(s.application_id for s in found.steps) == sorted(found.selected)
    # What the proposal says it missed is exactly what a check of it finds.
    assert sorted((s.target_id, s.country) for s in found.shortfalls) == sorted(
        (s.target_id, s.country) for s in check(found.selected, candidates, targets, seats))
    # The waiting list keeps the ranking.
    scores = {c.application_id: (-c.score, c.submitted_at) for c in candidates}
    assert found.waiting == sorted(found.waiting, key=lambda a: (scores[a], a))
