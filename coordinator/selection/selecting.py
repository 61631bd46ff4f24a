"""The proposed selection of a call, changes to it, and how it was reached (issue 17,
point 3).

Once the call has closed, the secretariat asks for the proposal: the pure rule in
`proposal.py` over the applications still standing, their organisations' countries and
leadership, the reviewers' weighted scores and the call's diversity targets. The proposal
is kept as it was made; the selection starts as it and changes only by a recorded
Deviation with its public reason. A change that leaves a target short is allowed (the
secretariat may have a reason the rule cannot see) but is never silent: the result, the
audit entry and the published notes carry the shortfall.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.selection.models import (
    Application,
    ApplicationState,
    Call,
    Deviation,
    DiversityTarget,
    Selection,
)
from coordinator.selection.proposal import Candidate, Shortfall, Target, check, propose
from coordinator.selection.reviews import (
    AUDIT,
    call_closed,
    lock_call,
    review_open,
    secretariat_only,
    weighted_scores,
)
from coordinator.texts import check_text
from coordinator.unit import Actor, Unit, unit_of_work

MAX_REASON = 2000
ADDED, REMOVED = "added", "removed"  # Deviation.change


@dataclass
class SelectionState:
    """The selection as it stands, with every target it misses (flagged, never silent)
    and every change made to the proposal."""

    selection: Selection
    shortfalls: list[Shortfall]
    deviations: list[Deviation]
    # What the last change made fall short that the selection met before it.
    new_shortfalls: list[Shortfall] = field(default_factory=list)


@dataclass(frozen=True)
class ExplainedStep:
    """One seat of the proposal: why it went to this application."""

    position: int  # from 1
    application_id: int
    reason: str  # "target" or "ranking"
    target: DiversityTarget | None  # the target this seat met, for reason "target"
    country: str | None  # for an each-country target: the country it met


def candidates(call: Call) -> list[Candidate]:
    """The applications still standing, as the rule sees them."""
    scores = weighted_scores(call)
    found = []
    for application in db.session.scalars(select(Application).where(
            Application.call_id == call.id, Application.state != ApplicationState.WITHDRAWN)
            .order_by(Application.id)):
        organisation = application.organisation
        found.append(Candidate(
            application_id=application.id, score=scores.get(application.id, 0.0),
            submitted_at=application.created_at,
            countries=frozenset(c.iso for c in organisation.countries),
            led_by=frozenset(organisation.led_by or [])))
    return found


def targets(call: Call) -> list[Target]:
    return [Target(t.id, t.kind.value, t.value, t.minimum) for t in db.session.scalars(
        select(DiversityTarget).where(DiversityTarget.call_id == call.id)
        .order_by(DiversityTarget.id))]


def _shortfalls(data: list[dict[str, Any]]) -> list[Shortfall]:
    return [Shortfall(**item) for item in data]


def _deviations(call: Call) -> list[Deviation]:
    return list(db.session.scalars(select(Deviation).where(Deviation.call_id == call.id)
                                   .order_by(Deviation.created_at, Deviation.id)))


def selection_of(call: Call) -> SelectionState | None:
    """The selection as it stands (None before the proposal), with what it misses."""
    selection = db.session.scalar(select(Selection).where(Selection.call_id == call.id))
    if selection is None:
        return None
    missed = check(selection.selected, candidates(call), targets(call), call.seats)
    return SelectionState(selection, missed, _deviations(call))


def propose_selection(call_id: int, *, now: datetime, actor: Actor) -> SelectionState:
    """Propose the selection by the published rule, replacing any earlier proposal (and
    the changes made to it)."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        secretariat_only(unit)
        review_open(call)
        call_closed(call, now)
        proposal = propose(candidates(call), targets(call), call.seats)
        dropped = [d.id for d in _deviations(call)]
        unit.session.execute(delete(Deviation).where(Deviation.call_id == call.id))
        selection = unit.session.scalar(select(Selection).where(Selection.call_id == call.id))
        again = selection is not None
        if selection is None:
            selection = Selection(call_id=call.id)
            unit.session.add(selection)
        selection.proposed = asdict(proposal)
        selection.selected = list(proposal.selected)
        selection.waiting = list(proposal.waiting)
        selection.proposed_at = selection.updated_at = now
        unit.session.flush()
        unit.record("call.selection.propose", AUDIT, call.id, selected=proposal.selected,
                    waiting=proposal.waiting,
                    shortfalls=[asdict(s) for s in proposal.shortfalls], again=again,
                    deviations_dropped=dropped)
    return SelectionState(selection, list(proposal.shortfalls), [])


def _reason(reason: str | None) -> str:
    return check_text(reason, field="reason", limit=MAX_REASON, empty=InvalidInput(
        N_("Say why the proposed selection is changed: the reason is published with the "
           "results."), field="reason"))


def _standing(unit: Unit, call: Call, application_id: int, field_name: str) -> Application:
    application = unit.session.get(Application, application_id) \
        if isinstance(application_id, int) and not isinstance(application_id, bool) else None
    if application is None or application.call_id != call.id:
        raise NotFound(N_("No application %(id)s in this call."), field=field_name,
                       id=application_id)
    if application.state == ApplicationState.WITHDRAWN:
        raise Conflict(N_("This application was withdrawn."), field=field_name)
    return application


def change_selection(call_id: int, *, add: int | None = None, remove: int | None = None,
                     reason: str, written_in: str | None = None, now: datetime,
                     actor: Actor) -> SelectionState:
    """Add an application to the selection, remove one, or swap them, with the reason
    published beside the results; never more selected than seats."""
    ensure_aware(now, "now")
    if add is None and remove is None:
        raise InvalidInput(N_("Choose an application to add to the selection or to remove "
                              "from it."), field="add")
    if add is not None and add == remove:
        raise InvalidInput(N_("Choose two different applications to swap."), field="add")
    reason = _reason(reason)
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        secretariat_only(unit)
        review_open(call)
        selection = unit.session.scalar(select(Selection).where(Selection.call_id == call.id))
        if selection is None:
            raise Conflict(N_("Propose the selection first; then change it if need be."),
                           field="call")
        unit.session.refresh(selection)
        chosen = list(selection.selected)
        if remove is not None:
            _standing(unit, call, remove, "remove")
            if remove not in chosen:
                raise Conflict(N_("Application %(id)s is not selected."), field="remove",
                               id=remove)
            chosen.remove(remove)
        if add is not None:
            _standing(unit, call, add, "add")
            if add in chosen:
                raise Conflict(N_("Application %(id)s is already selected."), field="add",
                               id=add)
            chosen.append(add)
        if len(chosen) > call.seats:
            raise Conflict(Np_("The call has %(num)s seat: select no more than that.",
                               "The call has %(num)s seats: select no more than that."),
                           field="add", num=call.seats)
        standing, wanted = candidates(call), targets(call)
        before = check(selection.selected, standing, wanted, call.seats)
        after = check(chosen, standing, wanted, call.seats)
        new = [s for s in after if s not in before]
        ranking = [a for a in (selection.proposed or {}).get("ranking", [])
                   if a in {c.application_id for c in standing}]
        selection.selected = [a for a in ranking if a in chosen] + \
            [a for a in chosen if a not in ranking]
        selection.waiting = [a for a in ranking if a not in chosen]
        selection.updated_at = now
        language = content.author_language(unit, written_in)
        for application_id, change in ((remove, REMOVED), (add, ADDED)):
            if application_id is not None:
                unit.session.add(Deviation(
                    call_id=call.id, application_id=application_id, change=change,
                    reason=reason, written_in=language, account_id=actor.account_id,
                    created_at=now))
        unit.session.flush()
        unit.record("call.selection.change", AUDIT, call.id, added=add, removed=remove,
                    reason=reason, selected=selection.selected,
                    shortfalls=[asdict(s) for s in after],
                    new_shortfalls=[asdict(s) for s in new])
    return SelectionState(selection, after, _deviations(call), new)


def explain(call: Call) -> list[ExplainedStep]:
    """How the proposal was reached, seat by seat in order, with the target each met."""
    selection = db.session.scalar(select(Selection).where(Selection.call_id == call.id))
    if selection is None:
        return []
    found = {t.id: t for t in db.session.scalars(
        select(DiversityTarget).where(DiversityTarget.call_id == call.id))}
    return [ExplainedStep(position=n, application_id=step["application_id"],
                          reason=step["reason"],
                          target=found.get(step["target_id"])
                          if step.get("target_id") is not None else None,
                          country=step.get("country"))
            for n, step in enumerate((selection.proposed or {}).get("steps", []), start=1)]


def proposed_shortfalls(selection: Selection) -> list[Shortfall]:
    """What the proposal itself could not meet (too few eligible applications or seats)."""
    return _shortfalls((selection.proposed or {}).get("shortfalls", []))
