"""Written proposals to a committee: the coordinator considers, answers, or puts them on a
briefing's agenda."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from coordinator.accounts import permissions
from coordinator.agendas import proposals as service
from coordinator.cadence.zones import utc_now
from coordinator.documents import services as documents
from coordinator.errors import N_, InvalidInput, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import Proposal
from coordinator.reference.services import committees_in_order
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me
from coordinator.web.workspace.forms import text


def _page(*, error: InvalidInput | None = None, status: int = 200):
    account = me()
    committees = [c for c in committees_in_order()
                  if permissions.can_manage_committee(account, c)]
    desks = service.proposals_for_coordinators(committees, utc_now())
    ids = [p.id for desk in desks for p in desk.proposals]
    return render_template("workspace/proposals.html", desks=desks,
                           proposal_documents=documents.documents_for("proposal", ids),
                           languages=LANGUAGE_NAMES, error=error,
                           form=request.form), status


def _managed(proposal_id: int) -> Proposal:
    proposal = get_or_404(Proposal, proposal_id)
    allowed(permissions.can_manage_committee(me(), proposal.committee))
    return proposal


def _refused(exc: InvalidInput):
    return _page(error=exc, status=status_of(exc))


def _back(message: str):
    return done(message, url_for("workspace.proposals"))


@bp.get("/proposals")
def proposals():
    return _page()


@bp.post("/proposals/<int:proposal_id>/consider")
def proposal_consider(proposal_id: int):
    proposal = _managed(proposal_id)
    service.consider_proposal(proposal.id, now=utc_now(), actor=actor())
    return _back(gettext("The proposer is told that the proposal is under consideration."))


@bp.post("/proposals/<int:proposal_id>/agenda")
def proposal_agenda(proposal_id: int):
    proposal = _managed(proposal_id)
    chosen = request.form.get("meeting") or ""
    try:
        meeting_id = an_id(chosen)
        if chosen and meeting_id is None:
            raise InvalidInput(N_("Choose one of the committee's briefings ahead."),
                               field="meeting")
        service.add_proposal_to_agenda(proposal.id, meeting_id=meeting_id, now=utc_now(),
                                       actor=actor())
    except InvalidInput as exc:
        return _refused(exc)
    return _back(gettext("The proposal is on the agenda draft; the proposer is told."))


@bp.post("/proposals/<int:proposal_id>/answer")
def proposal_answer(proposal_id: int):
    proposal = _managed(proposal_id)
    try:
        service.answer_proposal(proposal.id, text(request.form, "answer", 8000) or "",
                                now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _refused(exc)
    return _back(gettext("The answer is sent to the proposer and published."))
