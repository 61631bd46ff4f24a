"""Moderation: suggested topics and written proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from coordinator.accounts import permissions
from coordinator.agendas import moderation, proposals
from coordinator.agendas.suggestions import release_outcomes
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, required
from coordinator.api.out import next_offset
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.meetings.reads import find_meeting
from coordinator.models import Account, Meeting, Proposal, Suggestion
from coordinator.people.committees import find_committee_by_id

M = TypeVar("M")

def _managed(find: Callable[[int], M], ident: int,
             may: Callable[[Account, M], bool]) -> tuple[Account, M]:
    """The record (found as every door finds it) and the token's account, if the account
    may change it."""
    account = required()
    found = find(ident)
    allowed(may(account, found))
    return account, found


def _may_moderate(account: Account, suggestion: Suggestion) -> bool:
    return permissions.can_manage_meeting(account, suggestion.meeting)


def _may_answer(account: Account, proposal: Proposal) -> bool:
    return permissions.can_manage_committee(account, proposal.committee)


def _suggestion_out(x: Suggestion) -> s.SuggestionOut:
    return s.SuggestionOut(id=x.id, meeting_id=x.meeting_id, title=x.title,
                           description=x.description, organisation=x.contact.organisation.name,
                           show_name=x.show_name,
                           language=x.language, minutes_needed=x.minutes_needed,
                           state=x.state.value, reason=x.reason)


@registry.operation(bp, "GET", "/meetings/{meeting_id}/suggestions",
                    summary="Topics suggested for a meeting", tag="moderation",
                    response=s.SuggestionList, token=True)
def suggestions(meeting_id: int):
    _, meeting = _managed(find_meeting, meeting_id, permissions.can_manage_meeting)
    return json_response(s.SuggestionList(items=[
        _suggestion_out(x) for x in moderation.suggestions_for(meeting.id)]))


@registry.operation(bp, "POST", "/suggestions/{suggestion_id}/decision",
                    summary="Decide on a suggested topic", tag="moderation",
                    body=s.DecisionIn, response=s.SuggestionOut, token=True, errors=(409,))
def decide(suggestion_id: int, body: s.DecisionIn):
    """accept (onto the agenda draft), decline (a reason is required and published),
    defer (to the series' next meeting) or merge (`into` another suggestion)."""
    account, suggestion = _managed(moderation.find_suggestion, suggestion_id, _may_moderate)
    moderation.decide_suggestion(suggestion.id, body.decision, reason=body.reason,
                                 into_id=body.into, now=utc_now(), actor=api_actor(account))
    return json_response(_suggestion_out(moderation.find_suggestion(suggestion.id)))


def _proposal_out(p: Proposal) -> s.ProposalOut:
    return s.ProposalOut(id=p.id, committee=p.committee.slug, title=p.title, body=p.body,
                         organisation=p.contact.organisation.name, show_name=p.show_name,
                         state=p.state.value,
                         answer=p.answer, meeting_id=p.meeting_id, created_at=p.created_at)


@registry.operation(bp, "GET", "/committees/{committee_id}/proposals",
                    summary="Written proposals to a committee", tag="moderation",
                    query=s.Paging, response=s.ProposalPage, token=True)
def committee_proposals(committee_id: int, query: s.Paging):
    _managed(find_committee_by_id, committee_id, permissions.can_manage_committee)
    rows, total = proposals.proposals_to(committee_id, limit=query.limit, offset=query.offset)
    return json_response(s.ProposalPage(items=[_proposal_out(p) for p in rows], total=total,
                                        next_offset=next_offset(query.offset, query.limit,
                                                                total)))


@registry.operation(bp, "POST", "/proposals/{proposal_id}/answer",
                    summary="Answer a written proposal", tag="moderation", body=s.AnswerIn,
                    response=s.ProposalOut, token=True, errors=(409,))
def answer(proposal_id: int, body: s.AnswerIn):
    """The answer is mailed to the proposer and shown in the committee's public summary."""
    account, proposal = _managed(proposals.find_proposal, proposal_id, _may_answer)
    answered = proposals.answer_proposal(proposal.id, body.answer, now=utc_now(),
                                         actor=api_actor(account))
    return json_response(_proposal_out(answered))


@registry.operation(bp, "POST", "/proposals/{proposal_id}/consideration",
                    summary="Tell the proposer their proposal is under consideration",
                    tag="moderation", response=s.ProposalOut, token=True, errors=(409,))
def consider(proposal_id: int):
    """Only a received proposal: once answered or on an agenda, 409 (telling the proposer
    "under consideration" then would be untrue); asking twice mails once."""
    account, proposal = _managed(proposals.find_proposal, proposal_id, _may_answer)
    considered = proposals.consider_proposal(proposal.id, now=utc_now(),
                                             actor=api_actor(account))
    return json_response(_proposal_out(considered))


@registry.operation(bp, "POST", "/proposals/{proposal_id}/agenda",
                    summary="Put a written proposal on a briefing's agenda", tag="moderation",
                    body=s.PlacementIn, response=s.ProposalOut, token=True, errors=(409,))
def put_on_agenda(proposal_id: int, body: s.PlacementIn):
    """It becomes an item of the agenda draft of the committee's next briefing (or of the
    briefing ahead named by `meeting_id`), and the proposer is told."""
    account, proposal = _managed(proposals.find_proposal, proposal_id, _may_answer)
    placed = proposals.add_proposal_to_agenda(proposal.id, meeting_id=body.meeting_id,
                                              now=utc_now(), actor=api_actor(account))
    return json_response(_proposal_out(placed))


# --- outcomes of a meeting's topics --------------------------------------------------

def _outcomes(meeting: Meeting, released: int = 0) -> s.OutcomesOut:
    return s.OutcomesOut(meeting_id=meeting.id, hold=meeting.hold_outcomes,
                         held=moderation.held_count(meeting.id), released=released)


@registry.operation(bp, "POST", "/meetings/{meeting_id}/outcomes/hold",
                    summary="Hold topic outcomes until they are announced together",
                    tag="moderation", body=s.HoldIn, response=s.OutcomesOut, token=True)
def outcomes_hold(meeting_id: int, body: s.HoldIn):
    """Outcomes already held stay held until they are released."""
    account, meeting = _managed(find_meeting, meeting_id, permissions.can_manage_meeting)
    held = moderation.hold_outcomes(meeting.id, body.hold, now=utc_now(),
                                    actor=api_actor(account))
    return json_response(_outcomes(held))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/outcomes/release",
                    summary="Announce every held outcome of a meeting", tag="moderation",
                    response=s.OutcomesOut, token=True)
def outcomes_release(meeting_id: int):
    """Each proposer is mailed their topic's outcome, and the public page shows them."""
    account, meeting = _managed(find_meeting, meeting_id, permissions.can_manage_meeting)
    count = release_outcomes(meeting.id, now=utc_now(), actor=api_actor(account))
    return json_response(_outcomes(find_meeting(meeting.id), released=count))
