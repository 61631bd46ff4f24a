"""Civil society's contributions to the tracking of commitments (recommendation 9).

A contact of an approved organisation asks for a personal link to one commitment (no
account); with it they propose an indicator or submit evidence (text, and a document's
address if they have one). Each contribution waits for whoever keeps the commitment,
who accepts it (a proposed indicator becomes an indicator crediting the organisation;
evidence becomes a timeline entry with the organisation as its source) or declines it
with a public reason. The contact is told either way, by mail, in their language.

The two messages are here, below the services that send them (see mail/compose.py): they
take what a service knows (the link, the decision) and never call back into services.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES, written_in_note
from coordinator.links import PersonalLink, row
from coordinator.mail.addressing import to_contact
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import enqueue, stranger_may_trigger
from coordinator.models import Account, Contact, Role
from coordinator.outcomes import indicators
from coordinator.outcomes.commitments import (
    add_update_in,
    check_keeper,
    check_text,
    check_url,
    local_today,
    may_keep,
)
from coordinator.outcomes.indicators import IndicatorSpec
from coordinator.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Contribution,
    ContributionKind,
    ContributionState,
)
from coordinator.people.contacts import no_longer_registered, registered_contacts
from coordinator.present import committee_name, country_name, translated
from coordinator.unit import Actor, Unit, unit_of_work

LINK_SECONDS = 30 * 86400
MAX_TEXT, MAX_REASON = 4000, 2000
AUDIT = "contribution"
# A commitment that has ended takes no more contributions (its page still opens).
SETTLED = frozenset({CommitmentStatus.ACHIEVED, CommitmentStatus.NOT_ACHIEVED,
                     CommitmentStatus.PARTLY_ACHIEVED, CommitmentStatus.DROPPED})


def _writer(payload: Mapping[str, Any]) -> tuple[Contact, Commitment] | None:
    contact, commitment = row(Contact, payload["c"]), row(Commitment, payload["k"])
    return (contact, commitment) if contact is not None and commitment is not None else None


def _closed(writer: tuple[Contact, Commitment], now: datetime) -> str | None:
    return "closed" if writer[1].status in SETTLED else None


# The link to contribute on one commitment: bound to a contact and the commitment, 30
# days, working while the contact is active in an approved organisation; it takes no more
# contributions once the commitment has ended. A new one is asked for by address.
CONTRIBUTE_LINK: PersonalLink[tuple[Contact, Commitment]] = PersonalLink(
    "contribute", "/contribute/{token}", {"c": int, "k": int}, bind=_writer,
    max_age=LINK_SECONDS, gone=lambda writer, now: no_longer_registered(writer[0], now),
    closed=_closed, ask="contributions.ask")


def contribution_link(contact: Contact, commitment: Commitment) -> str:
    return CONTRIBUTE_LINK.url({"c": contact.id, "k": commitment.id})


# --- messages -------------------------------------------------------------------------

def responsible_label(commitment: Commitment) -> str:
    """Who keeps the commitment, in the current reader's language."""
    if commitment.country is not None:
        return country_name(commitment.country)
    return committee_name(commitment.committee) if commitment.committee is not None else ""


def _shown(row: Any, field: str, reader: str) -> tuple[str, str]:
    """A text someone wrote, in the reader's language where a translation is current,
    and the note saying which language it is in otherwise ("" when nothing to say)."""
    shown = translated(row, field)
    if shown is None:
        return "", ""
    note = written_in_note(shown.language) if shown.foreign_to(reader) else ""
    return shown.text, note


def contribution_link_message(contact: Contact, commitment: Commitment, link: str, *,
                              days: int, now: datetime) -> Outgoing:
    """The link to contribute on a commitment, once per request."""
    recipient = to_contact(contact)
    with force_locale(recipient.language):
        text, note = _shown(commitment, "text", recipient.language)
        context = {"commitment": commitment, "text": text, "written_in_note": note,
                   "link": link, "days": days, "responsible": responsible_label(commitment)}
    key = outbox_key("contribute-link", "contact", contact.id, "commitment", commitment.id,
                     now)
    return compose(MailKind.CONTRIBUTION_LINK, key, "contribution_link",
                   recipient=recipient, now=now, context=context, contact_id=contact.id)


def contribution_decision_message(contribution: Contribution, contact: Contact, link: str,
                                  *, now: datetime) -> Outgoing:
    """The keeper's decision on a contribution, with its public reason: once per
    contribution (it is decided once)."""
    recipient = to_contact(contact)
    with force_locale(recipient.language):
        text, note = _shown(contribution.commitment, "text", recipient.language)
        reason, reason_note = _shown(contribution, "reason", recipient.language)
        context = {"contribution": contribution, "commitment": contribution.commitment,
                   "text": text, "written_in_note": note, "reason": reason,
                   "reason_note": reason_note,
                   "responsible": responsible_label(contribution.commitment), "link": link}
    key = outbox_key("contribution", contribution.id, contribution.state)
    return compose(MailKind.CONTRIBUTION_DECISION, key, "contribution_decision",
                   recipient=recipient, now=now, context=context, contact_id=contact.id)


# --- asking for the link, contributing ------------------------------------------------

def request_contribution_link(address: str, commitment_id: int, *, now: datetime) -> int:
    """Mail a link if the address is a contact of an approved organisation; the caller
    answers the same either way (nobody learns who is registered)."""
    ensure_aware(now, "now")
    commitment = row(Commitment, commitment_id)
    if commitment is None:
        return 0
    contacts = registered_contacts(address)
    queued = 0
    with unit_of_work(Actor("contribution-link-request"), now) as unit:
        for contact in contacts:
            if not stranger_may_trigger(unit.session, contact.email,
                                        MailKind.CONTRIBUTION_LINK, now):
                continue
            queued += enqueue(unit.session, contribution_link_message(
                contact, commitment, contribution_link(contact, commitment),
                days=LINK_SECONDS // 86400, now=now), now)
        unit.record("contribution_link.request", "commitment", commitment.id,
                    matched=len(contacts))
    return queued


def _contact_may_write(contact: Contact, commitment: Commitment, now: datetime) -> None:
    if no_longer_registered(contact, now) is not None:
        raise Conflict(N_("Your organisation is not registered to contribute."))
    if commitment.status in SETTLED:
        raise Conflict(N_("This commitment has ended: it takes no more contributions."))


def _form_key(form_key: str) -> str:
    if not form_key or len(form_key) > 64:
        raise InvalidInput(N_("The form has expired; reload the page."), field="form")
    return form_key


def submit_contribution(contact: Contact, commitment: Commitment, *, kind: str,
                        form_key: str, text: str, language: str, now: datetime,
                        url: str | None = None,
                        indicator: IndicatorSpec | None = None) -> Contribution:
    """Store a proposed indicator or evidence once per form, waiting for the keeper.
    A proposed indicator is checked as an indicator would be, so what waits can be
    accepted as it is."""
    ensure_aware(now, "now")
    try:
        what = ContributionKind(kind)
    except ValueError as exc:
        raise InvalidInput(N_("Propose an indicator or submit evidence."),
                           field="kind") from exc
    text = check_text(text, field="text", limit=MAX_TEXT,
                      empty=InvalidInput(N_("Say what you propose or what you found."),
                                         field="text"))
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    link = check_url(url, field="url")
    form_key = _form_key(form_key)
    proposed: dict[str, Any] | None = None
    if what == ContributionKind.INDICATOR:
        if indicator is None:
            raise InvalidInput(N_("Describe the indicator you propose."), field="indicator")
        indicators.check_spec(indicator, commitment, now)
        proposed = indicator.as_json()
    _contact_may_write(contact, commitment, now)
    with unit_of_work(Actor(contact.email), now) as unit:
        earlier = unit.session.scalar(select(Contribution).where(
            Contribution.contact_id == contact.id, Contribution.form_key == form_key))
        if earlier is not None:
            return earlier
        contribution = Contribution(
            commitment_id=commitment.id, contact_id=contact.id,
            organisation_id=contact.organisation_id, form_key=form_key, kind=what,
            text=text, written_in=language, url=link, indicator=proposed,
            state=ContributionState.WAITING, created_at=now, updated_at=now)
        unit.session.add(contribution)
        unit.session.flush()
        unit.record("contribution.submit", AUDIT, contribution.id,
                    commitment=commitment.id, kind=what,
                    organisation=contact.organisation_id)
    return contribution


# --- deciding -------------------------------------------------------------------------

def _waiting(unit: Unit, contribution_id: int) -> Contribution:
    if row(Contribution, contribution_id) is None:
        raise NotFound(N_("No contribution %(id)s."), id=contribution_id)
    # Two keepers deciding at once: the second sees the first's decision (no second
    # indicator, no second mail).
    unit.serialise(f"contribution:{contribution_id}")
    contribution = unit.session.get(Contribution, contribution_id, populate_existing=True)
    assert contribution is not None  # contributions are deleted only with their commitment
    check_keeper(unit, contribution.commitment)
    if contribution.state != ContributionState.WAITING:
        raise Conflict(N_("This contribution is decided already."), field="contribution")
    return contribution


def _reason(reason: str | None, *, required: bool) -> str | None:
    if not required and not (reason or "").strip():
        return None
    return check_text(reason, field="reason", limit=MAX_REASON,
                      empty=InvalidInput(N_("Give the reason for declining: it is public."),
                                         field="reason"))


def _decide(unit: Unit, contribution: Contribution, state: ContributionState,
            reason: str | None, written_in: str | None) -> None:
    contribution.state, contribution.reason = state, reason
    contribution.reason_written_in = (content.author_language(unit, written_in)
                                      if reason else None)
    contribution.decided_by_id, contribution.decided_at = unit.actor.account_id, unit.now
    contribution.updated_at = unit.now
    unit.session.flush()
    contact = contribution.contact
    sent = 0
    if contact is not None and contact.active:
        sent = enqueue(unit.session, contribution_decision_message(
            contribution, contact, contribution_link(contact, contribution.commitment),
            now=unit.now), unit.now)
    unit.record(f"contribution.{state.value}", AUDIT, contribution.id,
                commitment=contribution.commitment_id, indicator=contribution.indicator_id,
                update=contribution.update_id, reason=reason, messages=int(sent))


def accept_contribution(contribution_id: int, *, now: datetime, actor: Actor,
                        reason: str | None = None,
                        written_in: str | None = None) -> Contribution:
    """A proposed indicator becomes an indicator of the commitment (crediting the
    organisation); evidence becomes a timeline entry dated today with the organisation as
    its source. `reason`, optional, is published with the decision."""
    ensure_aware(now, "now")
    said = _reason(reason, required=False)
    with unit_of_work(actor, now) as unit:
        contribution = _waiting(unit, contribution_id)
        commitment = contribution.commitment
        if contribution.kind == ContributionKind.INDICATOR:
            assert contribution.indicator is not None  # stored with every proposal
            made = indicators.add_indicator_in(
                unit, commitment, IndicatorSpec.from_json(contribution.indicator),
                written_in=contribution.written_in,
                proposed_by_id=contribution.organisation_id)
            contribution.indicator_id = made.id
        else:
            update = add_update_in(
                unit, commitment, text=contribution.text, dated=local_today(commitment, now),
                source_url=contribution.url,
                source_organisation_id=contribution.organisation_id,
                written_in=contribution.written_in)
            contribution.update_id = update.id
        _decide(unit, contribution, ContributionState.ACCEPTED, said, written_in)
    return contribution


def decline_contribution(contribution_id: int, *, reason: str, now: datetime, actor: Actor,
                         written_in: str | None = None) -> Contribution:
    """Decline with a public reason; the contact is told."""
    ensure_aware(now, "now")
    said = _reason(reason, required=True)
    with unit_of_work(actor, now) as unit:
        contribution = _waiting(unit, contribution_id)
        _decide(unit, contribution, ContributionState.DECLINED, said, written_in)
    return contribution


# --- reading --------------------------------------------------------------------------

def waiting_for(account: Account | None) -> list[Contribution]:
    """Contributions waiting for this keeper (all of them for the secretariat), oldest
    first: the workspace's inbox."""
    found = db.session.scalars(select(Contribution).where(
        Contribution.state == ContributionState.WAITING)
        .order_by(Contribution.created_at, Contribution.id))
    return [c for c in found if may_keep(account, c.commitment.country_id,
                                         c.commitment.committee_id)]


def decided_on(commitment: Commitment) -> list[Contribution]:
    """What the public sees: contributions accepted or declined, with their reasons."""
    return list(db.session.scalars(select(Contribution).where(
        Contribution.commitment_id == commitment.id,
        Contribution.state != ContributionState.WAITING)
        .order_by(Contribution.decided_at, Contribution.id)))


def own_contributions(contact: Contact, commitment: Commitment) -> list[Contribution]:
    """What this contact sent on this commitment, newest first (their link's page)."""
    return list(db.session.scalars(select(Contribution).where(
        Contribution.contact_id == contact.id, Contribution.commitment_id == commitment.id)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())))


def keepers_of(commitment: Commitment) -> list[Account]:
    """Who decides on its contributions: the country's special coordinators or the
    committee's coordinators, or the secretariat when there are none."""
    active = select(Account).where(Account.active.is_(True)).order_by(Account.id)
    if commitment.country_id is not None:
        found = active.where(Account.role == Role.SPECIAL_COORDINATOR,
                             Account.country_id == commitment.country_id)
    else:
        found = active.where(Account.role == Role.COMMITTEE_COORDINATOR,
                             Account.committee_id == commitment.committee_id)
    people = list(db.session.scalars(found))
    return people or list(db.session.scalars(active.where(Account.role == Role.SECRETARIAT)))

