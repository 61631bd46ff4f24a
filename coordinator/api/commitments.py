"""Commitments, their indicators, civil society's contributions and the joint work plan
(issue 16): what is public reads without a token; changes take a token and stay in its
account's scope, which is checked here first (403) and again by the services."""

from __future__ import annotations

from typing import Any

from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, caller, required
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.errors import N_, NotFound
from coordinator.links import row
from coordinator.meetings.reads import find_meeting
from coordinator.models import Account, Meeting, Role
from coordinator.outcomes import commitments as service
from coordinator.outcomes import contributions, tracker
from coordinator.outcomes import indicators as measures
from coordinator.outcomes.commitments import KEEP, Responsible, may_keep
from coordinator.outcomes.indicators import IndicatorSpec
from coordinator.outcomes.models import (
    Assessment,
    Commitment,
    CommitmentUpdate,
    Contribution,
    Indicator,
    Measurement,
    WorkPlan,
)
from coordinator.reference.services import find_committee, find_country

# --- scope ----------------------------------------------------------------------------


def _keeper(commitment: Commitment) -> Account:
    """The caller, if they keep this commitment (403 otherwise)."""
    account = required()
    allowed(may_keep(account, commitment.country_id, commitment.committee_id))
    return account


def _kept(commitment_id: int) -> tuple[Account, Commitment]:
    commitment = service.find_commitment(commitment_id)
    return _keeper(commitment), commitment


def _may_create(account: Account, body: s.CommitmentIn) -> None:
    """A known country or committee outside the caller's scope is refused as out of scope;
    an unknown or missing one is left to the service, which says which field is wrong."""
    country = find_country(body.country) if body.country else None
    committee = find_committee(body.committee) if body.committee else None
    if (country is None) != (committee is None):
        allowed(may_keep(account, country.id if country else None,
                         committee.id if committee else None))


def _keeps_plan(account: Account, meeting: Meeting) -> bool:
    # As coordinator.outcomes.commitments._plan_meeting decides: the secretariat, or the
    # coordinator of the regional meeting's series.
    return account.role == Role.SECRETARIAT or meeting.series.coordinator_id == account.id


def _plan_kept(plan_id: int) -> tuple[Account, WorkPlan]:
    account = required()
    plan = row(WorkPlan, plan_id)
    if plan is None:
        raise NotFound(N_("No work plan %(id)s."), id=plan_id)
    allowed(_keeps_plan(account, plan.meeting))
    return account, plan


# --- shapes ---------------------------------------------------------------------------

def _commitment_fields(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.id, "text": commitment.text, "written_in": commitment.written_in,
        "country": commitment.country.iso if commitment.country else None,
        "committee": commitment.committee.slug if commitment.committee else None,
        "pillar": commitment.pillar,
        "action_package": (commitment.action_package.slug if commitment.action_package
                           else None),
        "start_on": commitment.start_on, "target_on": commitment.target_on,
        "status": commitment.status.value, "reason": commitment.reason,
        "made_at_id": commitment.made_at_id, "reviewed_at_id": commitment.reviewed_at_id,
        "updated_at": commitment.updated_at}


def _commitment_out(commitment: Commitment) -> s.CommitmentOut:
    return s.CommitmentOut(**_commitment_fields(commitment))


def _entry_out(entry: CommitmentUpdate) -> s.TimelineEntryOut:
    return s.TimelineEntryOut(
        id=entry.id, dated=entry.dated, text=entry.text, written_in=entry.written_in,
        status=entry.status, source_meeting_id=entry.source_meeting_id,
        source_url=entry.source_url, source_text=entry.source_text,
        source_organisation=(entry.source_organisation.name if entry.source_organisation
                             else None),
        created_at=entry.created_at)


def _measurement_out(measurement: Measurement) -> s.MeasurementOut:
    return s.MeasurementOut(id=measurement.id, dated=measurement.dated,
                            value=measurement.value, source=measurement.source,
                            created_at=measurement.created_at)


def _assessment_out(assessment: Assessment) -> s.AssessmentOut:
    return s.AssessmentOut(id=assessment.id, dated=assessment.dated,
                           rating=assessment.rating.value, narrative=assessment.narrative,
                           written_in=assessment.written_in, created_at=assessment.created_at)


def _indicator_out(indicator: Indicator) -> s.IndicatorOut:
    rated = measures.latest_assessment(indicator)
    return s.IndicatorOut(
        id=indicator.id, commitment_id=indicator.commitment_id, kind=indicator.kind.value,
        name=indicator.name, written_in=indicator.written_in, unit=indicator.unit,
        unit_label=indicator.unit_label, baseline=indicator.baseline,
        baseline_on=indicator.baseline_on, target=indicator.target,
        direction=indicator.direction.value if indicator.direction else None,
        proposed_by=indicator.proposed_by.name if indicator.proposed_by else None,
        progress=measures.progress(indicator),
        rating=rated.rating.value if rated is not None else None,
        measurements=[_measurement_out(m) for m in indicator.measurements],
        assessments=[_assessment_out(a) for a in indicator.assessments])


def _decided_out(contribution: Contribution) -> s.DecidedContributionOut:
    # Public: the organisation and what it said, never who sent it or how to reach them.
    return s.DecidedContributionOut(
        id=contribution.id, kind=contribution.kind.value, state=contribution.state.value,
        organisation=contribution.organisation.name, text=contribution.text,
        written_in=contribution.written_in, reason=contribution.reason,
        reason_written_in=contribution.reason_written_in,
        decided_at=contribution.decided_at, indicator_id=contribution.indicator_id,
        update_id=contribution.update_id)


def _waiting_out(contribution: Contribution) -> s.WaitingContributionOut:
    proposed = (IndicatorSpec.from_json(contribution.indicator)
                if contribution.indicator is not None else None)
    return s.WaitingContributionOut(
        id=contribution.id, commitment_id=contribution.commitment_id,
        kind=contribution.kind.value, text=contribution.text,
        written_in=contribution.written_in, url=contribution.url,
        organisation=contribution.organisation.name,
        indicator=s.ProposedIndicatorOut(
            kind=proposed.kind, name=proposed.name, unit=proposed.unit,
            unit_label=proposed.unit_label, baseline=proposed.baseline,
            baseline_on=proposed.baseline_on, target=proposed.target,
            direction=proposed.direction) if proposed is not None else None,
        created_at=contribution.created_at)


def _record_out(commitment_id: int) -> s.CommitmentRecordOut:
    record = service.commitment_record(commitment_id)
    commitment = record.commitment
    return s.CommitmentRecordOut(
        **_commitment_fields(commitment),
        timeline=[_entry_out(e) for e in record.timeline],
        indicators=[_indicator_out(i) for i in commitment.indicators],
        plans=[s.PlanRefOut(id=p.id, meeting_id=p.meeting_id, version=p.version,
                            title=p.title, published_at=p.published_at)
               for p in record.plans],
        contributions=[_decided_out(c) for c in contributions.decided_on(commitment)])


def _plan_out(plan: WorkPlan) -> s.WorkPlanOut:
    return s.WorkPlanOut(id=plan.id, meeting_id=plan.meeting_id, version=plan.version,
                         title=plan.title, written_in=plan.written_in,
                         state=plan.state.value, what_changed=plan.what_changed,
                         published_at=plan.published_at,
                         commitments=[_commitment_out(c) for c in plan.commitments])


def _spec(body: s.IndicatorIn) -> IndicatorSpec:
    return IndicatorSpec(kind=body.kind, name=body.name, unit=body.unit,
                         unit_label=body.unit_label, baseline=body.baseline,
                         baseline_on=body.baseline_on, target=body.target,
                         direction=body.direction)


# --- commitments ----------------------------------------------------------------------

@registry.operation(bp, "GET", "/commitments", summary="Commitments, filtered",
                    tag="commitments", query=s.CommitmentQuery, response=s.CommitmentList)
def commitments_list(query: s.CommitmentQuery):
    """By country (ISO code), committee (slug: its own and its action package's), pillar
    and status; soonest target first."""
    caller()
    return json_response(s.CommitmentList(items=[_commitment_out(c) for c in
                                                 service.commitments(
                                                     country=query.country,
                                                     committee=query.committee,
                                                     pillar=query.pillar,
                                                     status=query.status)]))


@registry.operation(bp, "POST", "/commitments", summary="Record a commitment",
                    tag="commitments", body=s.CommitmentIn, response=s.CommitmentOut,
                    status=201, token=True)
def commitment_create(body: s.CommitmentIn):
    """Of one country or one committee within the caller's scope; the target date on or
    after the start date."""
    account = required()
    _may_create(account, body)
    made = service.create_commitment(
        text=body.text, responsible=Responsible(body.country, body.committee),
        start_on=body.start_on, target_on=body.target_on, now=utc_now(),
        actor=api_actor(account), pillar=body.pillar, action_package=body.action_package,
        made_at_id=body.made_at_id, reviewed_at_id=body.reviewed_at_id, status=body.status,
        written_in=body.written_in)
    return json_response(_commitment_out(made), status=201)


@registry.operation(bp, "GET", "/commitments/{commitment_id}",
                    summary="A commitment with its timeline, indicators, plans and "
                            "contributions", tag="commitments", response=s.CommitmentRecordOut)
def commitment_read(commitment_id: int):
    """The public record: the timeline newest first, each indicator with its measurements,
    assessments and progress, the published work plans it is in, and the contributions
    decided on (with their public reasons)."""
    caller()
    return json_response(_record_out(commitment_id))


@registry.operation(bp, "PATCH", "/commitments/{commitment_id}",
                    summary="Correct a commitment's text, responsible, pillar or dates",
                    tag="commitments", body=s.CommitmentPatch, response=s.CommitmentOut,
                    token=True)
def commitment_patch(commitment_id: int, body: s.CommitmentPatch):
    """Only the fields sent change; a new responsible must be within the caller's scope."""
    account, commitment = _kept(commitment_id)
    sent = body.model_fields_set
    responsible = (Responsible(body.country, body.committee)
                   if body.country or body.committee else None)
    changed = service.update_commitment(
        commitment.id, now=utc_now(), actor=api_actor(account), text=body.text,
        responsible=responsible, pillar=body.pillar,
        action_package=body.action_package if "action_package" in sent else KEEP,
        start_on=body.start_on, target_on=body.target_on,
        made_at_id=body.made_at_id if "made_at_id" in sent else KEEP,
        reviewed_at_id=body.reviewed_at_id if "reviewed_at_id" in sent else KEEP,
        written_in=body.written_in)
    return json_response(_commitment_out(changed))


@registry.operation(bp, "POST", "/commitments/{commitment_id}/updates",
                    summary="Add an entry to a commitment's public timeline",
                    tag="commitments", body=s.TimelineIn, response=s.TimelineEntryOut,
                    status=201, token=True)
def commitment_update_add(commitment_id: int, body: s.TimelineIn):
    """Dated (not in the future), with its source: a meeting that took place, a document's
    address or a few words."""
    account, commitment = _kept(commitment_id)
    entry = service.add_update(commitment.id, text=body.text, dated=body.dated,
                               now=utc_now(), actor=api_actor(account),
                               source_meeting_id=body.source_meeting_id,
                               source_url=body.source_url, source_text=body.source_text,
                               written_in=body.written_in)
    return json_response(_entry_out(entry), status=201)


@registry.operation(bp, "POST", "/commitments/{commitment_id}/status",
                    summary="Move a commitment to another status", tag="commitments",
                    body=s.CommitmentStatusIn, response=s.CommitmentOut, token=True,
                    errors=(409,))
def commitment_status(commitment_id: int, body: s.CommitmentStatusIn):
    """A dropped commitment says why (public). The change goes on the timeline."""
    account, commitment = _kept(commitment_id)
    changed = service.set_status(commitment.id, body.status, now=utc_now(),
                                 actor=api_actor(account), text=body.text,
                                 reason=body.reason, dated=body.dated,
                                 source_meeting_id=body.source_meeting_id,
                                 written_in=body.written_in)
    return json_response(_commitment_out(changed))


# --- indicators -----------------------------------------------------------------------

@registry.operation(bp, "POST", "/commitments/{commitment_id}/indicators",
                    summary="Add an indicator to a commitment", tag="commitments",
                    body=s.IndicatorIn, response=s.IndicatorOut, status=201, token=True)
def indicator_add(commitment_id: int, body: s.IndicatorIn):
    """Quantitative: a unit, a dated baseline (not in the future), a target on the side
    of the direction. Qualitative: a name; it is rated afterwards."""
    account, commitment = _kept(commitment_id)
    made = measures.add_indicator(commitment.id, _spec(body), now=utc_now(),
                                  actor=api_actor(account), written_in=body.written_in)
    return json_response(_indicator_out(made), status=201)


@registry.operation(bp, "GET", "/indicators", summary="A commitment's indicators",
                    tag="commitments", query=s.IndicatorQuery, response=s.IndicatorList)
def indicators_list(query: s.IndicatorQuery):
    """Each with its measurements or assessments and its progress."""
    caller()
    commitment = service.find_commitment(query.commitment)
    return json_response(s.IndicatorList(items=[_indicator_out(i)
                                                for i in commitment.indicators]))


@registry.operation(bp, "GET", "/indicators/{indicator_id}", summary="An indicator",
                    tag="commitments", response=s.IndicatorOut)
def indicator_read(indicator_id: int):
    """With its measurements or assessments and its progress."""
    caller()
    return json_response(_indicator_out(measures.find_indicator(indicator_id)))


@registry.operation(bp, "GET", "/indicators/{indicator_id}/measurements",
                    summary="An indicator's measurements", tag="commitments",
                    response=s.MeasurementList)
def measurements_list(indicator_id: int):
    """Oldest first, each with its source."""
    caller()
    indicator = measures.find_indicator(indicator_id)
    return json_response(s.MeasurementList(
        indicator_id=indicator.id,
        items=[_measurement_out(m) for m in indicator.measurements]))


@registry.operation(bp, "POST", "/indicators/{indicator_id}/measurements",
                    summary="Record a measurement of a quantitative indicator",
                    tag="commitments", body=s.MeasurementIn, response=s.MeasurementOut,
                    status=201, token=True)
def measurement_add(indicator_id: int, body: s.MeasurementIn):
    """In the indicator's unit, dated neither in the future nor before the baseline."""
    indicator = measures.find_indicator(indicator_id)
    account = _keeper(indicator.commitment)
    made = measures.add_measurement(indicator.id, dated=body.dated, value=body.value,
                                    source=body.source, now=utc_now(),
                                    actor=api_actor(account))
    return json_response(_measurement_out(made), status=201)


@registry.operation(bp, "POST", "/indicators/{indicator_id}/assessments",
                    summary="Rate a qualitative indicator", tag="commitments",
                    body=s.AssessmentIn, response=s.AssessmentOut, status=201, token=True)
def assessment_add(indicator_id: int, body: s.AssessmentIn):
    """On the fixed scale, dated (not in the future), with what the rating rests on."""
    indicator = measures.find_indicator(indicator_id)
    account = _keeper(indicator.commitment)
    made = measures.assess(indicator.id, dated=body.dated, rating=body.rating,
                           narrative=body.narrative, now=utc_now(), actor=api_actor(account),
                           written_in=body.written_in)
    return json_response(_assessment_out(made), status=201)


# --- contributions --------------------------------------------------------------------

@registry.operation(bp, "GET", "/contributions",
                    summary="Contributions waiting for the caller's decision",
                    tag="commitments", response=s.WaitingContributionList, token=True)
def contributions_waiting():
    """Proposed indicators and evidence from civil society on the commitments the caller
    keeps (all of them for the secretariat), oldest first."""
    account = required()
    return json_response(s.WaitingContributionList(
        items=[_waiting_out(c) for c in contributions.waiting_for(account)]))


def _contribution_kept(contribution_id: int) -> tuple[Account, Contribution]:
    contribution = row(Contribution, contribution_id)
    if contribution is None:
        raise NotFound(N_("No contribution %(id)s."), id=contribution_id)
    return _keeper(contribution.commitment), contribution


@registry.operation(bp, "POST", "/contributions/{contribution_id}/accept",
                    summary="Accept a contribution", tag="commitments", body=s.AcceptIn,
                    response=s.DecidedContributionOut, token=True, errors=(409,))
def contribution_accept(contribution_id: int, body: s.AcceptIn):
    """A proposed indicator becomes an indicator crediting the organisation; evidence a
    timeline entry with the organisation as its source. The contact is told by mail."""
    account, contribution = _contribution_kept(contribution_id)
    decided = contributions.accept_contribution(contribution.id, now=utc_now(),
                                                actor=api_actor(account), reason=body.reason,
                                                written_in=body.written_in)
    return json_response(_decided_out(decided))


@registry.operation(bp, "POST", "/contributions/{contribution_id}/decline",
                    summary="Decline a contribution with a public reason",
                    tag="commitments", body=s.DeclineIn,
                    response=s.DecidedContributionOut, token=True, errors=(409,))
def contribution_decline(contribution_id: int, body: s.DeclineIn):
    """The reason is public; the contact is told by mail."""
    account, contribution = _contribution_kept(contribution_id)
    decided = contributions.decline_contribution(contribution.id, reason=body.reason,
                                                 now=utc_now(), actor=api_actor(account),
                                                 written_in=body.written_in)
    return json_response(_decided_out(decided))


# --- the joint work plan --------------------------------------------------------------

@registry.operation(bp, "GET", "/meetings/{meeting_id}/work-plan",
                    summary="A regional meeting's joint work plan, as agreed",
                    tag="commitments", response=s.WorkPlanOut)
def work_plan_read(meeting_id: int):
    """Its latest published version; drafts stay with whoever keeps the plan."""
    caller()
    return json_response(_plan_out(tracker.plan_of(find_meeting(meeting_id).id)))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/work-plan",
                    summary="Start the draft of a regional meeting's joint work plan",
                    tag="commitments", body=s.WorkPlanIn, response=s.WorkPlanOut,
                    status=201, token=True, errors=(409,))
def work_plan_create(meeting_id: int, body: s.WorkPlanIn):
    """Kept by the secretariat or the regional meeting's coordinator; its commitments in
    the order given."""
    account = required()
    meeting = find_meeting(meeting_id)
    allowed(_keeps_plan(account, meeting))
    plan = service.create_plan(meeting.id, title=body.title, now=utc_now(),
                               actor=api_actor(account), commitment_ids=body.commitments,
                               written_in=body.written_in)
    return json_response(_plan_out(plan), status=201)


@registry.operation(bp, "PATCH", "/work-plans/{plan_id}",
                    summary="Change a draft plan's title or commitments", tag="commitments",
                    body=s.WorkPlanPatch, response=s.WorkPlanOut, token=True, errors=(409,))
def work_plan_patch(plan_id: int, body: s.WorkPlanPatch):
    """Only a draft changes; `commitments` replaces the list and its order."""
    account, plan = _plan_kept(plan_id)
    changed = service.edit_plan(plan.id, now=utc_now(), actor=api_actor(account),
                                title=body.title, commitment_ids=body.commitments,
                                written_in=body.written_in)
    return json_response(_plan_out(changed))


@registry.operation(bp, "POST", "/work-plans/{plan_id}/publish",
                    summary="Publish a draft plan", tag="commitments", body=s.PublishPlanIn,
                    response=s.WorkPlanOut, token=True, errors=(409,))
def work_plan_publish(plan_id: int, body: s.PublishPlanIn):
    """Once the meeting has started; a later version says what changed and supersedes the
    one before."""
    account, plan = _plan_kept(plan_id)
    published = service.publish_plan(plan.id, now=utc_now(), actor=api_actor(account),
                                     what_changed=body.what_changed)
    return json_response(_plan_out(published))


@registry.operation(bp, "POST", "/work-plans/{plan_id}/revise",
                    summary="Draft a new version of a published plan", tag="commitments",
                    response=s.WorkPlanOut, status=201, token=True, errors=(409,))
def work_plan_revise(plan_id: int):
    """With the published version's title and commitments, to change and publish."""
    account, plan = _plan_kept(plan_id)
    draft = service.revise_plan(plan.id, now=utc_now(), actor=api_actor(account))
    return json_response(_plan_out(draft), status=201)
