"""Written proposals to a committee between briefings (recommendation 5).

A contact of an approved organisation asks for a personal link at a registered address;
with it they send proposals to a committee and follow their status. The committee's
coordinator answers, or puts a proposal on the next briefing's agenda in one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from coordinator.agendas import services as agenda
from coordinator.agendas.messages import (
    proposal_link_message,
    proposal_received_message,
    proposal_status_message,
)
from coordinator.cadence.errors import Np_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.links import PersonalLink, row
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import enqueue, stranger_may_trigger
from coordinator.models import (
    Account,
    Committee,
    Contact,
    ItemKind,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalState,
    Role,
    Series,
)
from coordinator.people.contacts import no_longer_registered, registered_contacts
from coordinator.unit import Actor, Unit, unit_of_work

LINK_SECONDS = 30 * 86400
MAX_TITLE, MAX_BODY, MAX_ANSWER = 200, 8000, 8000


def _writer(payload: Mapping[str, Any]) -> tuple[Contact, Committee] | None:
    contact, committee = row(Contact, payload["c"]), row(Committee, payload["m"])
    return (contact, committee) if contact is not None and committee is not None else None


# The link to write to a committee: bound to a contact and a committee, 30 days, working
# while the contact is active in an approved organisation; a new one is asked by address.
PROPOSE_LINK: PersonalLink[tuple[Contact, Committee]] = PersonalLink(
    "propose", "/propose/{token}", {"c": int, "m": int}, bind=_writer,
    max_age=LINK_SECONDS, gone=lambda writer, now: no_longer_registered(writer[0], now),
    ask="proposals.ask")


def proposal_link(contact: Contact, committee: Committee) -> str:
    return PROPOSE_LINK.url({"c": contact.id, "m": committee.id})


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
            if not stranger_may_trigger(unit.session, contact.email, MailKind.PROPOSAL_LINK,
                                        now):
                continue
            queued += enqueue(unit.session, proposal_link_message(
                contact, committee, proposal_link(contact, committee),
                days=LINK_SECONDS // 86400, now=now), now)
        unit.record("proposal_link.request", "committee", committee.id, matched=len(contacts))
    return queued


def submit_proposal(contact: Contact, committee: Committee, *, form_key: str, title: str,
                    body: str, language: str, now: datetime,
                    show_name: bool = False) -> Proposal:
    """Store a proposal once per form, and confirm it by mail. `show_name`: the proposer
    agrees that their organisation's name is published with it."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(Np_("Give a title of up to %(num)s character.",
                               "Give a title of up to %(num)s characters."),
                           field="title", num=MAX_TITLE)
    if not body or len(body) > MAX_BODY:
        raise InvalidInput(Np_("Write your proposal in up to %(num)s character.",
                               "Write your proposal in up to %(num)s characters."),
                           field="body", num=MAX_BODY)
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    if not form_key or len(form_key) > 64:
        raise InvalidInput(N_("The form has expired; reload the page."), field="form")
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
        desk = committee_desk(unit, committee.id)
        for account in desk:
            enqueue(unit.session, proposal_received_message(account, proposal, now=now), now)
        unit.record("proposal.submit", "proposal", proposal.id, committee=committee.id,
                    notified=[account.id for account in desk])
    return proposal


def committee_desk(unit: Unit, committee_id: int) -> list[Account]:
    """Who is told of a new proposal: the committee's active coordinators, or the
    secretariat when the committee has none (a proposal nobody hears of is never read)."""
    active = select(Account).where(Account.active.is_(True)).order_by(Account.id)
    coordinators = unit.session.scalars(active.where(
        Account.role == Role.COMMITTEE_COORDINATOR,
        Account.committee_id == committee_id)).all()
    if coordinators:
        return list(coordinators)
    return list(unit.session.scalars(active.where(Account.role == Role.SECRETARIAT)))


def _tell(unit: Unit, proposal: Proposal) -> None:
    enqueue(unit.session, proposal_status_message(
        proposal, proposal_link(proposal.contact, proposal.committee), now=unit.now), unit.now)


def _proposal(unit: Unit, proposal_id: int) -> Proposal:
    proposal = unit.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(N_("No proposal %(id)s."), id=proposal_id)
    return proposal


def consider_proposal(proposal_id: int, *, now: datetime, actor: Actor) -> Proposal:
    """Mark a received proposal under consideration; the proposer is told. Only from
    "received": a proposal already answered or on an agenda is past that, and a mail
    saying otherwise would be untrue (a second click mails nothing)."""
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        if proposal.state == ProposalState.UNDER_CONSIDERATION:
            return proposal
        if proposal.state != ProposalState.RECEIVED:
            raise Conflict(N_("This proposal is already answered or on an agenda."))
        proposal.state, proposal.updated_at = ProposalState.UNDER_CONSIDERATION, now
        _tell(unit, proposal)
        unit.record("proposal.consider", "proposal", proposal.id)
    return proposal


def answer_proposal(proposal_id: int, answer: str, *, now: datetime, actor: Actor) -> Proposal:
    if not (answer or "").strip() or len(answer) > MAX_ANSWER:
        raise InvalidInput(Np_("Write an answer of up to %(num)s character.",
                               "Write an answer of up to %(num)s characters."),
                           field="answer", num=MAX_ANSWER)
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        proposal.state, proposal.answer = ProposalState.ANSWERED, answer.strip()
        proposal.updated_at = now
        _tell(unit, proposal)
        unit.record("proposal.answer", "proposal", proposal.id)
    return proposal


def _briefings(committee_id: int, now: datetime) -> Select[Meeting]:
    return (select(Meeting).join(Meeting.series)
            .where(Series.committee_id == committee_id, Series.kind == SeriesKind.COMMITTEE,
                   Meeting.status == MeetingStatus.SCHEDULED, Meeting.start_at > now)
            .order_by(Meeting.start_at, Meeting.id))


def next_briefing(unit: Unit, committee_id: int, now: datetime) -> Meeting | None:
    return unit.session.scalars(_briefings(committee_id, now)).first()


def upcoming_briefings(committee_id: int, now: datetime, limit: int = 12) -> list[Meeting]:
    """The committee's briefings ahead, soonest first: where a proposal may be put."""
    return list(db.session.scalars(_briefings(committee_id, now).limit(limit)))


def add_proposal_to_agenda(proposal_id: int, *, now: datetime, actor: Actor,
                           meeting_id: int | None = None) -> Proposal:
    """One step: the proposal becomes an item of one of the committee's briefings ahead
    (by default the next)."""
    with unit_of_work(actor, now) as unit:
        proposal = _proposal(unit, proposal_id)
        if proposal.state == ProposalState.ON_AGENDA:
            raise Conflict(N_("This proposal is already on an agenda."))
        if meeting_id is None:
            meeting = next_briefing(unit, proposal.committee_id, now)
            if meeting is None:
                raise Conflict(N_("The committee has no briefing scheduled."))
        else:
            meeting = unit.session.scalars(_briefings(proposal.committee_id, now).where(
                Meeting.id == meeting_id)).first()
            if meeting is None:
                raise InvalidInput(N_("Choose one of the committee's briefings ahead."),
                                   field="meeting")
        agenda.add_item_in(unit, meeting, kind=ItemKind.CSO_PROPOSAL.value,
                           title=proposal.title,
                           presenter=agenda.proposer_presenter(proposal.contact,
                                                               consent=proposal.show_name),
                           language=proposal.language, proposal_id=proposal.id,
                           written_in=proposal.language)
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


def find_proposal(proposal_id: int) -> Proposal:
    found = row(Proposal, proposal_id)
    if found is None:
        raise NotFound(N_("No proposal %(id)s."), id=proposal_id)
    return found


def proposals_to(committee_id: int, *, limit: int | None = None,
                 offset: int = 0) -> tuple[list[Proposal], int]:
    """A committee's proposals, oldest first (a page of them), and how many there are."""
    query = select(Proposal).where(Proposal.committee_id == committee_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.options(
        selectinload(Proposal.contact).selectinload(Contact.organisation))
        .order_by(Proposal.created_at, Proposal.id).limit(limit).offset(offset))
    return list(rows), total


@dataclass(frozen=True)
class CommitteeProposals:
    """A committee's proposals for its coordinator, and the briefings they may go to."""

    committee: Committee
    proposals: list[Proposal]
    briefings: list[Meeting]


def proposals_for_coordinators(committees: list[Committee],
                               now: datetime) -> list[CommitteeProposals]:
    """Each committee's proposals, newest first, with its briefings ahead."""
    return [CommitteeProposals(c, proposals_to(c.id)[0][::-1], upcoming_briefings(c.id, now))
            for c in committees]


def own_proposals(contact: Contact, committee: Committee) -> list[Proposal]:
    """What this contact wrote to this committee, newest first (their link's page)."""
    return list(db.session.scalars(select(Proposal).where(
        Proposal.contact_id == contact.id, Proposal.committee_id == committee.id)
        .order_by(Proposal.created_at.desc())))
