"""Public registration of civil-society organisations (recommendation 2).

Anyone may apply against the published criteria; the applicant confirms the contact
address through a mailed link; the secretariat then approves or declines, and the reason
is kept on the organisation and mailed to its contacts. Only approved organisations can
be invited (`participants.add_participant` checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from coordinator.addresses import web_address
from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.links import PersonalLink, Renewal, row
from coordinator.mail.outbox import enqueue
from coordinator.models import (
    Account,
    Contact,
    Country,
    LedBy,
    Organisation,
    OrganisationKind,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.models.people import checked_email
from coordinator.people.messages import (
    Occasion,
    organisation_approved_message,
    registration_confirm_message,
    registration_decision_message,
)
from coordinator.unit import Actor, Unit, unit_of_work

LINK_SECONDS = 7 * 86400
# A genuine but expired confirmation link may still ask for a fresh one this long.
RENEW_SECONDS = 90 * 86400
MAX_NAME, MAX_DESCRIPTION, MAX_REASON, MAX_WEBSITE = 200, 2000, 2000, 300
_PUBLIC = Actor("public-registration")

SCOPE_LABELS = {
    Scope.LOCAL: lazy_gettext("Local: one city, province or district"),
    Scope.NATIONAL: lazy_gettext("National: across one country"),
    Scope.REGIONAL: lazy_gettext("Regional: in several countries of the Declaration"),
}
KIND_LABELS = {
    OrganisationKind.SERVICE_PROVIDER: lazy_gettext("Services to migrants and refugees"),
    OrganisationKind.RESEARCH: lazy_gettext("Research"),
    OrganisationKind.ADVOCACY: lazy_gettext("Advocacy"),
    OrganisationKind.LEGAL_AID: lazy_gettext("Legal aid"),
    OrganisationKind.FAITH_BASED: lazy_gettext("Faith-based organisation"),
    OrganisationKind.NETWORK: lazy_gettext("Network of organisations"),
}
LED_BY_LABELS = {
    LedBy.INDIGENOUS: lazy_gettext("Indigenous people"),
    LedBy.REFUGEE: lazy_gettext("Refugees"),
    LedBy.MIGRANT: lazy_gettext("Migrants"),
    LedBy.BLACK: lazy_gettext("Black and Afro-descendant people"),
    LedBy.WOMEN: lazy_gettext("Women"),
    LedBy.YOUTH: lazy_gettext("Young people"),
    LedBy.LGBTIQ: lazy_gettext("LGBTIQ+ people"),
}
STATE_LABELS = {
    RegistrationState.PENDING: lazy_gettext("Address not yet confirmed"),
    RegistrationState.VERIFIED: lazy_gettext("Waiting for the secretariat's decision"),
    RegistrationState.APPROVED: lazy_gettext("Approved"),
    RegistrationState.DECLINED: lazy_gettext("Declined"),
}
# The form's fields, in the order the page shows them: the first refusal is the first field.
FIELDS = ("name", "scope", "kinds", "led_by", "countries", "languages", "website",
          "description", "contact_name", "email", "contact_language", "zone", "consent")


class RegistrationRefused(InvalidInput):
    """Every problem of one registration form at once, by field, so each shows by its field."""

    def __init__(self, refusals: dict[str, InvalidInput]) -> None:
        field, first = next(iter(refusals.items()))
        super().__init__(first.template, field=field, **first.params)
        self.refusals = refusals

    @property
    def errors(self) -> dict[str, str]:
        """Each field's refusal in the reader's language."""
        return {field: refusal.message for field, refusal in self.refusals.items()}


@dataclass(frozen=True)
class Application:
    """A registration form that passed every check, ready to store."""

    name: str
    scope: Scope
    kinds: list[str]
    led_by: list[str]
    countries: list[Country]
    languages: list[str]
    website: str | None
    description: str
    contact_name: str
    email: str
    contact_language: str
    zone: str


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").replace("\r\n", "\n").strip()


def _line(data: Mapping[str, Any], key: str) -> str:
    return " ".join(_text(data, key).split())


def _choices(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    values = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in values if str(v).strip()]


def _in_order(chosen: list[str], allowed: list[str]) -> list[str] | None:
    """The chosen values in the list's own order, or None if one is not on the list."""
    if any(value not in allowed for value in chosen):
        return None
    return [value for value in allowed if value in chosen]


def checked_website(value: str) -> str | None:
    """An http(s) address or nothing: other schemes (javascript:, data:) are never linked."""
    if not value:
        return None
    parts = web_address(value)
    if len(value) > MAX_WEBSITE or parts is None or "." not in (parts.hostname or ""):
        raise InvalidInput(N_("Give the full address of the website, starting with "
                              "https:// or http://, or leave it empty."), field="website")
    return value


def zones_of(country: Country) -> list[str]:
    """The time zones a contact may choose: those of the Declaration's countries."""
    return list(country.zones or [country.capital_zone])


def _known_zones() -> set[str]:
    return {zone for country in db.session.scalars(select(Country)) for zone in zones_of(country)}


def check_application(data: Mapping[str, Any]) -> Application:
    """The form as an Application, or RegistrationRefused naming every field to fix."""
    errors: dict[str, InvalidInput] = {}
    name = _line(data, "name")
    if not name or len(name) > MAX_NAME:
        errors["name"] = InvalidInput(Np_(
            "Give the organisation's name, in at most %(num)s character.",
            "Give the organisation's name, in at most %(num)s characters."), num=MAX_NAME)
    scope = _text(data, "scope")
    if scope not in [s.value for s in Scope]:
        errors["scope"] = InvalidInput(N_("Choose where the organisation works."))
    kinds = _in_order(_choices(data, "kinds"), [k.value for k in OrganisationKind])
    if not kinds:
        errors["kinds"] = InvalidInput(N_("Choose at least one kind of work from the list."))
    led_by = _in_order(_choices(data, "led_by"), [v.value for v in LedBy])
    if led_by is None:
        errors["led_by"] = InvalidInput(N_("Choose only from the list, or leave it empty."))
    # In the order chosen: the first one's capital gives the default time zone.
    wanted = list(dict.fromkeys(iso.upper() for iso in _choices(data, "countries")))
    found = {c.iso: c for c in db.session.scalars(select(Country).where(
        Country.iso.in_(wanted)))} if wanted else {}
    countries = [found[iso] for iso in wanted if iso in found]
    if not countries or len(countries) != len(wanted):
        errors["countries"] = InvalidInput(N_("Choose at least one country from the list."))
    languages = _in_order(_choices(data, "languages"), list(LANGUAGE_NAMES))
    if not languages:
        errors["languages"] = InvalidInput(N_("Choose at least one language from the list."))
    website = None
    try:
        website = checked_website(_text(data, "website"))
    except InvalidInput as exc:
        errors["website"] = exc
    description = _text(data, "description")
    if not description or len(description) > MAX_DESCRIPTION:
        errors["description"] = InvalidInput(Np_(
            "Describe the organisation's work in at most %(num)s character.",
            "Describe the organisation's work in at most %(num)s characters."),
            num=MAX_DESCRIPTION)
    contact_name = _line(data, "contact_name")
    if not contact_name or len(contact_name) > MAX_NAME:
        errors["contact_name"] = InvalidInput(Np_(
            "Give the contact person's name, in at most %(num)s character.",
            "Give the contact person's name, in at most %(num)s characters."), num=MAX_NAME)
    email = ""
    try:
        email = checked_email(_text(data, "email")[:254])
    except InvalidInput:
        errors["email"] = InvalidInput(N_("Give an e-mail address such as name@example.org."))
    language = _text(data, "contact_language")
    if language not in LANGUAGE_NAMES:
        errors["contact_language"] = InvalidInput(N_("Choose a language from the list."))
    zone = _text(data, "zone")
    if zone and zone not in _known_zones():
        errors["zone"] = InvalidInput(N_("Choose a time zone from the list."))
    elif not zone and countries:  # left to us: the first country's capital
        zone = countries[0].capital_zone
    if not data.get("consent"):
        errors["consent"] = InvalidInput(N_("Tick the box to agree, or we cannot keep your "
                                            "details."))
    if errors:
        raise RegistrationRefused({f: errors[f] for f in FIELDS if f in errors})
    return Application(name=name, scope=Scope(scope), kinds=kinds or [], led_by=led_by or [],
                       countries=countries, languages=languages or [], website=website,
                       description=description, contact_name=contact_name, email=email,
                       contact_language=language, zone=zone)


def _applicant(payload: Mapping[str, Any]) -> Contact | None:
    contact = row(Contact, payload["c"])
    return contact if contact is not None and contact.organisation_id == payload["o"] else None


# The link that confirms an applicant's address: bound to the contact, 7 days; a genuine
# expired one may ask for a fresh one for 90 days. Its page only shows; a button confirms.
CONFIRMATION_LINK: PersonalLink[Contact] = PersonalLink(
    "registration", "/register/confirm/{token}", {"o": int, "c": int}, bind=_applicant,
    max_age=LINK_SECONDS, renewal=Renewal("registration.renew", max_age=RENEW_SECONDS))


def confirmation_link(contact: Contact) -> str:
    return CONFIRMATION_LINK.url({"o": contact.organisation_id, "c": contact.id})


def _mail_confirmation(unit: Unit, contact: Contact, occasion: Occasion) -> bool:
    """The link to confirm the address; for an address already registered, a note instead
    (with a fresh link while that organisation's address is still unconfirmed)."""
    organisation = contact.organisation
    pending = organisation.registration_state == RegistrationState.PENDING
    return enqueue(unit.session, registration_confirm_message(
        contact, occasion=occasion, state=STATE_LABELS[organisation.registration_state],
        link=confirmation_link(contact) if pending else None, days=LINK_SECONDS // 86400,
        now=unit.now), unit.now)


def _contact_at(address: str) -> Contact | None:
    return db.session.scalars(select(Contact).where(func.lower(Contact.email)
                                                    == address.lower())
                              .order_by(Contact.id)).first()


def register_organisation(data: Mapping[str, Any], *, now: datetime) -> Organisation | None:
    """Store an application as pending and mail its confirmation link, in one transaction.

    An address that is already a contact gets a note by mail and no new organisation; the
    caller answers the same either way (None here), so the form tells nobody who is
    registered.
    """
    ensure_aware(now, "now")
    application = check_application(data)
    with unit_of_work(_PUBLIC, now) as unit:
        # The same address sent twice at once (a double click, two tabs): the second
        # waits for the first and finds its contact.
        unit.serialise(f"registration:{application.email.lower()}")
        known = _contact_at(application.email)
        if known is not None:
            # One note a day at most: the form must not become a way to flood a mailbox.
            _mail_confirmation(unit, known, "known")
            unit.record("organisation.register_known", "organisation", known.organisation_id,
                        contact=known.id)
            return None
        organisation = Organisation(
            name=application.name, scope=application.scope, kinds=application.kinds,
            led_by=application.led_by, website=application.website,
            description=application.description, languages=application.languages,
            registration_state=RegistrationState.PENDING, countries=application.countries,
            created_at=now)
        contact = Contact(name=application.contact_name, email=application.email,
                          language=application.contact_language, zone=application.zone,
                          active=True, created_at=now)
        organisation.contacts.append(contact)
        unit.session.add(organisation)
        unit.session.flush()
        _mail_confirmation(unit, contact, "new")
        unit.record("organisation.register", "organisation", organisation.id,
                    contact=contact.id, scope=application.scope.value,
                    countries=[c.iso for c in application.countries])
    return organisation


def confirm_registration(contact: Contact, *, now: datetime) -> Organisation:
    """Mark the address confirmed (the POST of the link's button: mail scanners open
    links, only people press buttons); a second visit of the link changes nothing."""
    ensure_aware(now, "now")
    with unit_of_work(Actor(f"contact:{contact.email}"), now) as unit:
        organisation = unit.session.get(Organisation, contact.organisation_id,
                                        with_for_update=True, populate_existing=True)
        assert organisation is not None  # the contact's foreign key holds it
        if organisation.registration_state == RegistrationState.PENDING:
            organisation.registration_state = RegistrationState.VERIFIED
            organisation.verified_at = now
            unit.record("organisation.verify", "organisation", organisation.id,
                        contact=contact.id)
    return organisation


def renew_confirmation(contact: Contact, *, now: datetime) -> Organisation:
    """Mail a fresh link for a genuine expired one, at most once a day, while unconfirmed."""
    ensure_aware(now, "now")
    organisation = contact.organisation
    if organisation.registration_state == RegistrationState.PENDING:
        with unit_of_work(Actor(f"contact:{contact.email}"), now) as unit:
            if _mail_confirmation(unit, contact, "renew"):
                unit.record("organisation.confirmation_renewed", "organisation",
                            organisation.id, contact=contact.id)
    return organisation


def _decide(organisation_id: int, state: RegistrationState, reason: str, *, now: datetime,
            actor: Actor) -> Organisation:
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        # FOR UPDATE (PostgreSQL): of two people deciding at once, the second sees the first.
        organisation = unit.session.get(Organisation, organisation_id, with_for_update=True,
                                        populate_existing=True) \
            if 0 < organisation_id < 2**31 else None
        if organisation is None:
            raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
        if organisation.registration_state != RegistrationState.VERIFIED:
            raise Conflict(N_(
                "Only a registration whose address is confirmed and that is not yet decided "
                "can be approved or declined. This one: %(state)s."),
                state=STATE_LABELS[organisation.registration_state], field="state")
        organisation.registration_state = state
        organisation.registration_reason = reason or None
        organisation.decided_at = now
        for contact in organisation.contacts:
            if contact.active:
                enqueue(unit.session, registration_decision_message(contact, now=now), now)
        told: list[int] = []
        if state == RegistrationState.APPROVED:
            # Their country's coordinators invite it to national meetings: they hear of it.
            for account in _coordinators_of(organisation):
                enqueue(unit.session, organisation_approved_message(account, organisation,
                                                                    now=now), now)
                told.append(account.id)
        action = "approve" if state == RegistrationState.APPROVED else "decline"
        unit.record(f"organisation.{action}", "organisation", organisation.id,
                    reason=organisation.registration_reason, coordinators_told=told)
    return organisation


def _coordinators_of(organisation: Organisation) -> list[Account]:
    """The active special coordinators of the countries the organisation works in."""
    countries = [c.id for c in organisation.countries]
    if not countries:
        return []
    return list(db.session.scalars(select(Account).where(
        Account.role == Role.SPECIAL_COORDINATOR, Account.active.is_(True),
        Account.country_id.in_(countries)).order_by(Account.id)))


def approve_registration(organisation_id: int, *, now: datetime, actor: Actor,
                         note: str = "") -> Organisation:
    """Approve a confirmed registration: its contacts can be invited from now on."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_REASON:
        raise InvalidInput(Np_("Write the note in at most %(num)s character.",
                               "Write the note in at most %(num)s characters."),
                           field="note", num=MAX_REASON)
    return _decide(organisation_id, RegistrationState.APPROVED, note, now=now, actor=actor)


def decline_registration(organisation_id: int, reason: str, *, now: datetime,
                         actor: Actor) -> Organisation:
    """Decline a confirmed registration, with the reason the organisation will read."""
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(Np_("Give the reason for declining, in at most %(num)s "
                               "character: the organisation receives it.",
                               "Give the reason for declining, in at most %(num)s "
                               "characters: the organisation receives it."),
                           field="reason", num=MAX_REASON)
    return _decide(organisation_id, RegistrationState.DECLINED, reason, now=now, actor=actor)
