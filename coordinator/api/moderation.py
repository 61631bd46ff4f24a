"""Moderation: suggested topics and written proposals."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, required
from coordinator.api.out import next_offset
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.models import Committee, Contact, Meeting, Proposal, Suggestion
from coordinator.services import permissions, proposals
from coordinator.services import suggestions as topics
from coordinator.services.errors import NotFound


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
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    allowed(permissions.can_manage_meeting(required(), meeting))
    rows = db.session.scalars(
        select(Suggestion).where(Suggestion.meeting_id == meeting_id)
        .options(selectinload(Suggestion.contact).selectinload(Contact.organisation))
        .order_by(Suggestion.created_at, Suggestion.id))
    return json_response(s.SuggestionList(items=[_suggestion_out(x) for x in rows]))


@registry.operation(bp, "POST", "/suggestions/{suggestion_id}/decision",
                    summary="Decide on a suggested topic", tag="moderation",
                    body=s.DecisionIn, response=s.SuggestionOut, token=True, errors=(409,))
def decide(suggestion_id: int, body: s.DecisionIn):
    """accept (onto the agenda draft), decline (a reason is required and published),
    defer (to the series' next meeting) or merge (`into` another suggestion)."""
    account = required()
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"No suggestion {suggestion_id}.")
    allowed(permissions.can_manage_meeting(account, suggestion.meeting))
    now, who = utc_now(), api_actor(account)
    if body.decision == "accept":
        topics.accept_suggestion(suggestion.id, now=now, actor=who, reason=body.reason)
    elif body.decision == "decline":
        topics.decline_suggestion(suggestion.id, reason=body.reason or "", now=now, actor=who)
    elif body.decision == "defer":
        topics.defer_suggestion(suggestion.id, now=now, actor=who, reason=body.reason)
    else:
        topics.merge_suggestion(suggestion.id, body.into or 0, now=now, actor=who,
                                reason=body.reason)
    db.session.refresh(suggestion)
    return json_response(_suggestion_out(suggestion))


def _proposal_out(p: Proposal) -> s.ProposalOut:
    return s.ProposalOut(id=p.id, committee=p.committee.slug, title=p.title, body=p.body,
                         organisation=p.contact.organisation.name, show_name=p.show_name,
                         state=p.state.value,
                         answer=p.answer, meeting_id=p.meeting_id, created_at=p.created_at)


@registry.operation(bp, "GET", "/committees/{committee_id}/proposals",
                    summary="Written proposals to a committee", tag="moderation",
                    query=s.Paging, response=s.ProposalPage, token=True)
def committee_proposals(committee_id: int, query: s.Paging):
    committee = db.session.get(Committee, committee_id)
    if committee is None:
        raise NotFound(f"No committee {committee_id}.")
    allowed(permissions.can_manage_committee(required(), committee))
    stmt = select(Proposal).where(Proposal.committee_id == committee_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.options(
        selectinload(Proposal.contact).selectinload(Contact.organisation))
        .order_by(Proposal.created_at, Proposal.id).limit(query.limit).offset(query.offset))
    return json_response(s.ProposalPage(items=[_proposal_out(p) for p in rows], total=total,
                                        next_offset=next_offset(query.offset, query.limit,
                                                                total)))


@registry.operation(bp, "POST", "/proposals/{proposal_id}/answer",
                    summary="Answer a written proposal", tag="moderation", body=s.AnswerIn,
                    response=s.ProposalOut, token=True, errors=(409,))
def answer(proposal_id: int, body: s.AnswerIn):
    """The answer is mailed to the proposer and shown in the committee's public summary."""
    account = required()
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"No proposal {proposal_id}.")
    allowed(permissions.can_manage_committee(account, proposal.committee))
    answered = proposals.answer_proposal(proposal.id, body.answer, now=utc_now(),
                                         actor=api_actor(account))
    return json_response(_proposal_out(answered))
