"""Applications to a call for participation (issue 17, point 2; recommendations 2 and 12).

Any contact of an approved organisation applies through a personal link (no account), in
their language: why the organisation should take a seat, who would attend, interpretation
and accessibility needs, and which other regional mechanisms it takes part in. One
application per organisation per call: a colleague who tries again is told who sent it
(that contact edits it with their link). It can be edited or withdrawn until the call
closes; each change is audited, and the contact is told by mail that it arrived.

The message is here, below the services that send it (see mail/compose.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES, written_in_note
from coordinator.links import PersonalLink, row
from coordinator.mail.addressing import to_contact
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import enqueue
from coordinator.models import Contact, MeetingStatus, Organisation
from coordinator.people.contacts import no_longer_registered
from coordinator.present import series_title
from coordinator.selection.calls import call_state
from coordinator.selection.models import Application, ApplicationState, Call, Mechanism
from coordinator.texts import check_text
from coordinator.unit import Actor, Unit, unit_of_work

MAX_MOTIVATION, MAX_NAME, MAX_ROLE, MAX_ACCESSIBILITY, MAX_OTHER = 4000, 200, 200, 2000, 200
MIN_ATTENDEES, MAX_ATTENDEES = 1, 3
AUDIT = "application"


# --- the personal link ------------------------------------------------------------------

def _applicant(payload: Mapping[str, Any]) -> tuple[Contact, Call] | None:
    contact, call = row(Contact, payload["c"]), row(Call, payload["k"])
    return (contact, call) if contact is not None and call is not None else None


def _gone(applicant: tuple[Contact, Call], now: datetime) -> str | None:
    contact, call = applicant
    if call.meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    if call.published_at is None:
        return "closed"  # a draft (or a call taken back) is nobody's to apply to
    return no_longer_registered(contact, now)


def _closed(applicant: tuple[Contact, Call], now: datetime) -> str | None:
    return None if call_state(applicant[1], now) == "open" else "closed"


# The link to apply to one call, and to edit or withdraw the application: bound to a
# contact and the call, working while the contact is active in an approved organisation;
# it reads after the call closes but changes nothing then. Like an invitation's links it
# carries no time of its own: the call's closing bounds what it can do.
APPLY_LINK: PersonalLink[tuple[Contact, Call]] = PersonalLink(
    "apply", "/apply/{token}", {"c": int, "k": int}, bind=_applicant, gone=_gone,
    closed=_closed)


def application_link(contact: Contact, call: Call) -> str:
    return APPLY_LINK.url({"c": contact.id, "k": call.id})


# --- the message ------------------------------------------------------------------------

def application_received_message(application: Application, contact: Contact, link: str, *,
                                 now: datetime) -> Outgoing:
    """The application arrived, what it says, and the link to edit it until the call
    closes: once per submission."""
    recipient = to_contact(contact)
    call = application.call
    with force_locale(recipient.language):
        note = (written_in_note(call.written_in)
                if call.written_in and call.written_in != recipient.language else "")
        context = {"application": application, "call": call, "meeting": call.meeting,
                   "meeting_title": series_title(call.meeting.series),
                   "organisation": application.organisation, "written_in_note": note,
                   "attendees": [a.get("name", "") for a in application.attendees],
                   "link": link}
    key = outbox_key("application-received", application.id, "submitted",
                     application.created_at)
    return compose(MailKind.APPLICATION_RECEIVED, key, "application_received",
                   recipient=recipient, now=now, context=context,
                   meeting_id=call.meeting_id, contact_id=contact.id)


# --- checking what was sent -------------------------------------------------------------

@dataclass(frozen=True)
class ApplicationInput:
    """What a contact sends: motivation (in `written_in`, default their language), one to
    three attendees ({"name", "role"}), an online seat or in person, interpretation (language
    codes), accessibility needs, other regional mechanisms (Mechanism values; a name for
    "other"), and consent to be named if selected."""

    motivation: str
    attendees: Sequence[Mapping[str, Any]]
    online: bool = False
    interpretation: Sequence[str] = field(default_factory=tuple)
    accessibility: str | None = None
    mechanisms: Sequence[str] = field(default_factory=tuple)
    other_mechanism: str | None = None
    consent_publish: bool = False
    written_in: str | None = None


@dataclass(frozen=True)
class _Checked:
    motivation: str
    written_in: str
    attendees: list[dict[str, Any]]
    online: bool
    interpretation: list[str]
    accessibility: str | None
    mechanisms: list[str]
    other_mechanism: str | None
    consent_publish: bool


def _optional(text: str | None, *, field: str, limit: int) -> str | None:
    if not (text or "").strip():
        return None
    return check_text(text, field=field, limit=limit,
                      empty=InvalidInput(N_("Fill in this field."), field=field))


def _attendees(given: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if any(not isinstance(a, Mapping) for a in given):
        raise InvalidInput(N_("Give each person's name and role."), field="attendees")
    # A form's empty rows are no one.
    people = [a for a in given if any(str(a.get(k) or "").strip() for k in ("name", "role"))]
    if not MIN_ATTENDEES <= len(people) <= MAX_ATTENDEES:
        raise InvalidInput(Np_("Name who would attend: one person, at most %(num)s.",
                               "Name who would attend: one to %(num)s people."),
                           field="attendees", num=MAX_ATTENDEES)
    checked = []
    for position, person in enumerate(people):
        name = check_text(str(person.get("name") or ""), field=f"attendees.{position}.name",
                          limit=MAX_NAME,
                          empty=InvalidInput(N_("Give the person's name."),
                                             field=f"attendees.{position}.name"))
        role = _optional(str(person.get("role") or ""), field=f"attendees.{position}.role",
                         limit=MAX_ROLE)
        checked.append({"name": name, "role": role})
    return checked


def _check(contact: Contact, data: ApplicationInput) -> _Checked:
    motivation = check_text(data.motivation, field="motivation", limit=MAX_MOTIVATION,
                            empty=InvalidInput(N_("Say why your organisation should take "
                                                  "a seat."), field="motivation"))
    written_in = data.written_in or contact.language
    if written_in not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="written_in")
    attendees = _attendees(data.attendees)
    interpretation = []
    for code in data.interpretation:
        if code not in LANGUAGE_NAMES:
            raise InvalidInput(N_("Choose interpretation languages from the list."),
                               field="interpretation")
        if code not in interpretation:
            interpretation.append(code)
    mechanisms: list[str] = []
    for value in data.mechanisms:
        try:
            mechanism = Mechanism(value)
        except ValueError as exc:
            raise InvalidInput(N_("Choose the regional mechanisms from the list."),
                               field="mechanisms") from exc
        if mechanism.value not in mechanisms:
            mechanisms.append(mechanism.value)
    other = _optional(data.other_mechanism, field="other_mechanism", limit=MAX_OTHER)
    if Mechanism.OTHER.value in mechanisms and other is None:
        raise InvalidInput(N_("Name the other mechanism your organisation takes part in."),
                           field="other_mechanism")
    if other is not None and Mechanism.OTHER.value not in mechanisms:
        raise InvalidInput(N_("Choose \"other\" among the mechanisms, or leave its name "
                              "empty."), field="other_mechanism")
    return _Checked(motivation, written_in, attendees, bool(data.online), interpretation,
                    _optional(data.accessibility, field="accessibility",
                              limit=MAX_ACCESSIBILITY),
                    mechanisms, other, bool(data.consent_publish))


def _form_key(form_key: str) -> str:
    if not form_key or len(form_key) > 64:
        raise InvalidInput(N_("The form has expired; reload the page."), field="form")
    return form_key


def _may_apply(contact: Contact, call: Call, now: datetime) -> None:
    """Only a contact of an approved organisation, only while the call is open."""
    if no_longer_registered(contact, now) is not None:
        raise Conflict(N_("Your organisation is not registered to apply."), field="contact")
    state = call_state(call, now)
    if state in ("draft", "announced"):
        raise Conflict(N_("This call is not open yet."), field="call")
    if state != "open" or call.meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("This call has closed: it takes no more applications or "
                          "changes."), field="call")


def _fill(application: Application, checked: _Checked, now: datetime) -> None:
    application.motivation, application.written_in = checked.motivation, checked.written_in
    application.attendees, application.online = checked.attendees, checked.online
    application.interpretation = checked.interpretation
    application.accessibility = checked.accessibility
    application.mechanisms, application.other_mechanism = (checked.mechanisms,
                                                           checked.other_mechanism)
    application.consent_publish, application.updated_at = checked.consent_publish, now


def _details(application: Application) -> dict[str, Any]:
    return {"call": application.call_id, "organisation": application.organisation_id,
            "attendees": len(application.attendees), "online": application.online,
            "mechanisms": application.mechanisms, "consent_publish": application.consent_publish}


def _open_call(unit: Unit, call: Call, contact: Contact) -> Call:
    """The call read afresh under its organisation's lock, so two contacts of one
    organisation applying at once store one application, and the second is told."""
    unit.serialise(f"call:{call.id}:organisation:{contact.organisation_id}")
    fresh = unit.session.get(Call, call.id, populate_existing=True)
    assert fresh is not None
    _may_apply(contact, fresh, unit.now)
    return fresh


def _already(existing: Application) -> Conflict:
    sender = existing.contact
    if sender is not None and sender.active:
        return Conflict(N_("Your organisation has applied to this call already: %(name)s "
                           "sent the application and can edit it with their link until "
                           "the call closes."), field="call", name=sender.name)
    return Conflict(N_("Your organisation has applied to this call already."), field="call")


# --- the use cases ----------------------------------------------------------------------

def submit_application(contact: Contact, call: Call, data: ApplicationInput, *,
                       form_key: str, now: datetime) -> Application:
    """Store the organisation's application once per form and mail the contact its
    confirmation with the link to edit it; a second one for the organisation is refused."""
    ensure_aware(now, "now")
    checked = _check(contact, data)
    form_key = _form_key(form_key)
    _may_apply(contact, call, now)
    with unit_of_work(Actor(contact.email), now) as unit:
        call = _open_call(unit, call, contact)
        existing = unit.session.scalar(select(Application).where(
            Application.call_id == call.id,
            Application.organisation_id == contact.organisation_id))
        if existing is not None and existing.state != ApplicationState.WITHDRAWN:
            # The same form again (a double click, a resent form): stored once.
            if existing.contact_id == contact.id and existing.form_key == form_key:
                return existing
            raise _already(existing)
        if existing is not None:
            # Withdrawn earlier while the call is still open: applying again takes the
            # organisation's one place back, from whoever applies now.
            application = existing
            application.contact_id, application.state = contact.id, ApplicationState.SUBMITTED
            application.created_at = now
        else:
            application = Application(call_id=call.id,
                                      organisation_id=contact.organisation_id,
                                      contact_id=contact.id,
                                      state=ApplicationState.SUBMITTED, created_at=now)
            unit.session.add(application)
        _fill(application, checked, now)
        application.form_key = form_key
        unit.session.flush()
        unit.session.refresh(application)
        sent = enqueue(unit.session, application_received_message(
            application, contact, application_link(contact, call), now=now), now)
        unit.record("application.submit", AUDIT, application.id, form_key=form_key,
                    contact=contact.id, messages=int(sent), **_details(application))
    return application


def _own(unit: Unit, contact: Contact, call: Call) -> Application:
    call = _open_call(unit, call, contact)
    application = unit.session.scalar(select(Application).where(
        Application.call_id == call.id,
        Application.organisation_id == contact.organisation_id))
    if application is None or application.state == ApplicationState.WITHDRAWN:
        raise Conflict(N_("Your organisation has no application to this call."),
                       field="call")
    if application.contact_id != contact.id:
        raise _already(application)
    unit.session.refresh(application)
    return application


def edit_application(contact: Contact, call: Call, data: ApplicationInput, *,
                     now: datetime) -> Application:
    """Change the application until the call closes (no new mail: the link stays)."""
    ensure_aware(now, "now")
    checked = _check(contact, data)
    _may_apply(contact, call, now)
    with unit_of_work(Actor(contact.email), now) as unit:
        application = _own(unit, contact, call)
        _fill(application, checked, now)
        unit.session.flush()
        unit.record("application.edit", AUDIT, application.id, contact=contact.id,
                    **_details(application))
    return application


def withdraw_application(contact: Contact, call: Call, *, now: datetime) -> Application:
    """Take the application back until the call closes; the organisation may apply again
    while it is open."""
    ensure_aware(now, "now")
    _may_apply(contact, call, now)
    with unit_of_work(Actor(contact.email), now) as unit:
        application = _own(unit, contact, call)
        application.state, application.updated_at = ApplicationState.WITHDRAWN, now
        unit.session.flush()
        unit.record("application.withdraw", AUDIT, application.id, contact=contact.id,
                    call=application.call_id, organisation=application.organisation_id)
    return application


# --- reading ----------------------------------------------------------------------------

def applications_of(call: Call, *, with_withdrawn: bool = False) -> list[Application]:
    """A call's applications in the order they arrived (withdrawn ones left out unless
    asked for)."""
    query = select(Application).where(Application.call_id == call.id)
    if not with_withdrawn:
        query = query.where(Application.state != ApplicationState.WITHDRAWN)
    return list(db.session.scalars(query.order_by(Application.created_at, Application.id)))


def application_of(who: Contact | Organisation, call: Call) -> Application | None:
    """The application of this organisation (or this contact's organisation) to the call,
    withdrawn or not; None when it never applied."""
    organisation_id = who.organisation_id if isinstance(who, Contact) else who.id
    return db.session.scalar(select(Application).where(
        Application.call_id == call.id, Application.organisation_id == organisation_id))
