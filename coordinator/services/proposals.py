"""Written proposals to a committee between briefings (recommendation 5).

A contact of an approved organisation asks for a personal link at a registered address;
with it they send proposals to a committee and follow their status. The committee's
coordinator answers, or puts a proposal on the next briefing's agenda in one step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.links import absolute_url, sign_timed
from coordinator.mail.messages import contact_message
from coordinator.mail.outbox import Envelope, enqueue, stranger_may_trigger
from coordinator.models import (
    Committee,
    Contact,
    ItemKind,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalState,
    Series,
)
from coordinator.services import agenda
from coordinator.services.contacts import registered_contacts
from coordinator.services.errors import Conflict, InvalidInput, NotFound
from coordinator.services.unit import Actor, Unit, unit_of_work

LINK_SECONDS = 30 * 86400
MAX_TITLE, MAX_BODY, MAX_ANSWER = 200, 8000, 8000


def proposal_link(contact: Contact, committee: Committee) -> str:
    token = sign_timed("propose", {"c": contact.id, "m": committee.id})
    return absolute_url(f"/propose/{token}")


def request_proposal_link(address: str, committee_slug: str, *, now: datetime) -> int:
    """Mail a proposal link if the address is a contact of an approved organisation; the
    caller answers the same either way."""
    ensure_aware(now, "now")
    committee = db.session.scalar(select(Committee).where(Committee.slug == committee_slug))
    if committee is None:
        return 0
    contacts = registered_contacts(address)
    queued = 0
    with unit_of_work(Actor("proposal-link-request"), now) as unit:
        for contact in contacts:
            if not stranger_may_trigger(unit.session, contact.email, "proposal-link", now):
                continue
            key = f"propose-link:contact:{contact.id}:committee:{committee.id}:{now.isoformat()}"

            def subject(c: Committee = committee) -> str:
                return gettext("Your link to write to the committee: %(committee)s",
                               committee=c.name_en)

            def context(c: Contact = contact) -> dict[str, Any]:
                return {"committee": committee, "link": proposal_link(c, committee), "days": 30}

            message = contact_message(
                contact, key=key, template="proposal_link", now=now,
                subject=subject, context=context)
            queued += enqueue(unit.session, Envelope(key, "proposal-link", contact.email,
                                                     contact.language, contact_id=contact.id),
                              message, now)
        unit.record("proposal_link.request", "committee", committee.id, matched=len(contacts))
    return queued


def submit_proposal(contact: Contact, committee: Committee, *, form_key: str, title: str,
                    body: str, language: str, now: datetime,
                    show_name: bool = False) -> Proposal:
    """Store a proposal once per form, and confirm it by mail. `show_name`: the proposer
    agrees that their organisation's name is published with it."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(gettext("Give a title of up to %(n)s characters.", n=MAX_TITLE),
                           field="title")
    if not body or len(body) > MAX_BODY:
        raise InvalidInput(gettext("Write your proposal in up to %(n)s characters.",
                                   n=MAX_BODY), field="body")
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(gettext("Choose a language from the list."), field="language")
    if not form_key or len(form_key) > 64:
        raise InvalidInput(gettext("The form has expired; reload the page."), field="form")
    with unit_of_work(Actor(contact.email), now) as unit:
        earlier = unit.session.scalars(select(Proposal).where(
            Proposal.contact_id == contact.id, Proposal.form_key == form_key)).first()
        if earlier is not None:
            return earlier
        proposal = Proposal(committee=committee, contact=contact, form_key=form_key,
                            title=title, body=body, language=language,
                            show_name=bool(show_name), created_at=now, updated_at=now)
        unit.session.add(proposal)
        unit.session.flush()
        _tell(unit, proposal)
        unit.record("proposal.submit", "proposal", proposal.id, committee=committee.id)
    return proposal


def _tell(unit: Unit, proposal: Proposal) -> None:
    # One message per change (its instant in the key): a corrected answer is mailed too,
    # while a retried transaction still stores one row.
    key = f"proposal:{proposal.id}:{proposal.state.value}:at:{proposal.updated_at.isoformat()}"
    message = contact_message(
        proposal.contact, key=key, template="proposal_status", now=unit.now,
        subject=lambda: gettext("Your proposal: %(title)s", title=proposal.title),
        context=lambda: {"proposal": proposal,
                         "link": proposal_link(proposal.contact, proposal.committee)})
    enqueue(unit.session, Envelope(key, "proposal-status", proposal.contact.email,
                                   proposal.contact.language, contact_id=proposal.contact_id),
            message, unit.now)


def _proposal(unit: Unit, proposal_id: int) -> Proposal:
    proposal = unit.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"No proposal {proposal_id}.")
    return proposal


def consider_proposal(proposal_id: int, *, now: datetime, actor: Actor) -> Proposal:
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        proposal.state, proposal.updated_at = ProposalState.UNDER_CONSIDERATION, now
        _tell(unit, proposal)
        unit.record("proposal.consider", "proposal", proposal.id)
    return proposal


def answer_proposal(proposal_id: int, answer: str, *, now: datetime, actor: Actor) -> Proposal:
    if not (answer or "").strip() or len(answer) > MAX_ANSWER:
        raise InvalidInput(f"Write an answer of up to {MAX_ANSWER} characters.", field="answer")
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        proposal.state, proposal.answer = ProposalState.ANSWERED, answer.strip()
        proposal.updated_at = now
        _tell(unit, proposal)
        unit.record("proposal.answer", "proposal", proposal.id)
    return proposal


def next_briefing(unit: Unit, committee_id: int, now: datetime) -> Meeting | None:
    return unit.session.scalars(
        select(Meeting).join(Meeting.series)
        .where(Series.committee_id == committee_id, Series.kind == SeriesKind.COMMITTEE,
               Meeting.status == MeetingStatus.SCHEDULED, Meeting.start_at > now)
        .order_by(Meeting.start_at)).first()


def add_proposal_to_agenda(proposal_id: int, *, now: datetime, actor: Actor) -> Proposal:
    """One step: the proposal becomes an item of the committee's next briefing."""
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        if proposal.state == ProposalState.ON_AGENDA:
            raise Conflict("This proposal is already on an agenda.")
        meeting = next_briefing(unit, proposal.committee_id, now)
        if meeting is None:
            raise Conflict("The committee has no briefing scheduled.")
        agenda.add_item_in(unit, meeting, kind=ItemKind.CSO_PROPOSAL.value,
                           title=proposal.title,
                           presenter=agenda.proposer_presenter(proposal.contact,
                                                               consent=proposal.show_name),
                           language=proposal.language, proposal_id=proposal.id)
        proposal.state, proposal.meeting, proposal.updated_at = (ProposalState.ON_AGENDA,
                                                                  meeting, now)
        _tell(unit, proposal)
        unit.record("proposal.on_agenda", "proposal", proposal.id, meeting=meeting.id)
    return proposal


def public_summary(committee: Committee) -> dict[str, object]:
    """What anyone may see: how many proposals in each state, and the titles answered or
    taken onto an agenda (who sent them only where they agreed: `show_name`)."""
    proposals = db.session.scalars(select(Proposal).where(
        Proposal.committee_id == committee.id).order_by(Proposal.created_at)).all()
    counts = {state.value: 0 for state in ProposalState}
    for proposal in proposals:
        counts[proposal.state.value] += 1
    return {"counts": counts,
            "settled": [p for p in proposals
                        if p.state in (ProposalState.ANSWERED, ProposalState.ON_AGENDA)]}
