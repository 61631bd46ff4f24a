"""The proposed selection of a call (issue 17, point 3): diversity targets first, then the
ranking by score, explained step by step so the secretariat (and, once published, anyone)
can follow how it was reached.

A pure function over plain values: the services load the applications, the reviewers'
scores and the targets, and keep what this returns.

The rule, as published with every call:
1. Applications are ranked by their mean weighted score (ties: the earlier application
   first, then the lower number).
2. Targets are met in turn, the scarcest first (the one with the fewest eligible
   applications): its best-ranked eligible applications take seats until the target's
   minimum is reached, counting those already selected for an earlier target. "At least
   one per country where applicants exist" is one target per such country.
3. The seats left go down the ranking.
4. Everyone else forms the waiting list, in ranking order.
A target that cannot be met (too few eligible applications, or too few seats) is reported,
never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

EACH_COUNTRY = "each-country"  # a target kind: at least one seat per country applying
LED_BY = "led-by"  # a target kind: at least `minimum` seats for organisations led by `value`
COUNTRY = "country"  # a target kind: at least `minimum` seats for one country


@dataclass(frozen=True)
class Candidate:
    application_id: int
    score: float
    submitted_at: datetime
    countries: frozenset[str] = frozenset()  # ISO codes the organisation works in
    led_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    id: int
    kind: str  # EACH_COUNTRY, LED_BY or COUNTRY
    value: str | None = None  # what leads the organisation, or a country's ISO code
    minimum: int = 1

    def admits(self, candidate: Candidate, country: str | None = None) -> bool:
        if self.kind == LED_BY:
            return self.value in candidate.led_by
        if self.kind == COUNTRY:
            return self.value in candidate.countries
        return country in candidate.countries  # EACH_COUNTRY, for one country


@dataclass(frozen=True)
class Goal:
    """One target as the rule meets it (EACH_COUNTRY becomes one goal per country)."""

    target: Target
    country: str | None
    minimum: int

    def admits(self, candidate: Candidate) -> bool:
        return self.target.admits(candidate, self.country)


@dataclass(frozen=True)
class Step:
    application_id: int
    reason: str  # "target" or "ranking"
    target_id: int | None = None
    country: str | None = None  # for an each-country target


@dataclass(frozen=True)
class Shortfall:
    target_id: int
    country: str | None
    wanted: int
    reached: int


@dataclass
class Proposal:
    selected: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    ranking: list[int] = field(default_factory=list)


def ranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-c.score, c.submitted_at, c.application_id))


def goals(targets: Sequence[Target], candidates: Sequence[Candidate]) -> list[Goal]:
    """Targets as goals, the scarcest first (ties: as the call lists them)."""
    found: list[tuple[int, int, Goal]] = []
    for order, target in enumerate(targets):
        if target.kind == EACH_COUNTRY:
            countries = sorted({c for candidate in candidates for c in candidate.countries})
            found.extend((0, order, Goal(target, country, 1)) for country in countries)
        else:
            found.append((0, order, Goal(target, None, target.minimum)))
    with_supply = [(sum(goal.admits(c) for c in candidates), order, goal)
                   for _, order, goal in found]
    return [goal for _, _, goal in sorted(with_supply, key=lambda x: (x[0], x[1]))]


def propose(candidates: Sequence[Candidate], targets: Sequence[Target],
            seats: int) -> Proposal:
    """The selection the rule above gives for `seats` seats."""
    order = ranked(candidates)
    proposal = Proposal(ranking=[c.application_id for c in order])
    chosen: list[Candidate] = []
    for goal in goals(targets, candidates):
        have = sum(goal.admits(c) for c in chosen)
        for candidate in order:
            if have >= goal.minimum or len(chosen) >= seats:
                break
            if candidate in chosen or not goal.admits(candidate):
                continue
            chosen.append(candidate)
            proposal.steps.append(Step(candidate.application_id, "target", goal.target.id,
                                       goal.country))
            have += 1
        if have < goal.minimum:
            proposal.shortfalls.append(Shortfall(goal.target.id, goal.country,
                                                 goal.minimum, have))
    for candidate in order:
        if len(chosen) >= seats:
            break
        if candidate not in chosen:
            chosen.append(candidate)
            proposal.steps.append(Step(candidate.application_id, "ranking"))
    taken = {c.application_id for c in chosen}
    proposal.selected = [c.application_id for c in order if c.application_id in taken]
    proposal.waiting = [c.application_id for c in order if c.application_id not in taken]
    return proposal


def check(selected: Sequence[int], candidates: Sequence[Candidate],
          targets: Sequence[Target], seats: int) -> list[Shortfall]:
    """What a selection (the proposed one, or one the secretariat changed) misses; more
    selected than seats is the caller's refusal, not a shortfall."""
    chosen = [c for c in candidates if c.application_id in set(selected)]
    missed = []
    for goal in goals(targets, candidates):
        have = sum(goal.admits(c) for c in chosen)
        if have < goal.minimum:
            missed.append(Shortfall(goal.target.id, goal.country, goal.minimum, have))
    return missed
