"""Applications to a call (issue 17, point 2): by a contact's personal link, one per
organisation, until the call closes; confirmed by mail in the contact's language."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string
from email.policy import default
from typing import Any

import pytest
from sqlalchemy import func, select

from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.links import LinkRefused, verify
from coordinator.models import AuditEntry, Contact, OutboxMessage, RegistrationState
from coordinator.selection.applications import (
    APPLY_LINK,
    application_link,
    application_of,
    applications_of,
    edit_application,
    submit_application,
    withdraw_application,
)
from coordinator.selection.models import Application, ApplicationState
from tests.conftest import NOW
from tests.selection.conftest import CallWorld, application_input


def _applications() -> list[Application]:
    db.session.expire_all()
    return list(db.session.scalars(select(Application).order_by(Application.id)))


def _mails() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "application-received").order_by(OutboxMessage.id)))


def test_a_contact_applies_and_is_told_in_their_language(call_world: CallWorld):
    call = call_world.open_call()
    for contact in call_world.contacts:
        submit_application(contact, call, application_input(), form_key=f"f{contact.id}",
                           now=call_world.during)
    stored = _applications()
    assert [a.organisation_id for a in stored] == [o.id for o in call_world.organisations]
    assert stored[0].attendees == [{"name": "Ana Ixcot", "role": "Coordinator"}]
    assert stored[0].mechanisms == ["rcm", "mirps"] and stored[0].written_in == "es"
    assert stored[0].state == ApplicationState.SUBMITTED
    mails = _mails()
    assert [(m.recipient, m.language) for m in mails] == [
        (c.email, c.language) for c in call_world.contacts]
    assert mails[3].contact_id == call_world.contacts[3].id
    assert [a.entity_id for a in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "application.submit"))] == [a.id for a in stored]


def test_the_confirmation_carries_the_link_to_edit(call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[1]  # Portuguese
    submit_application(contact, call, application_input(), form_key="k",
                       now=call_world.during)
    (mail,) = _mails()
    message = message_from_string(mail.body, policy=default)
    assert message["Content-Language"] == "pt"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "/apply/" in text and "lang=pt" in text
    assert "Ana Ixcot" in text  # who would attend, as sent
    assert mail.subject.endswith(call.title)

def test_the_same_form_twice_stores_once(call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[0]
    first = submit_application(contact, call, application_input(), form_key="same",
                               now=call_world.during)
    again = submit_application(contact, call, application_input(), form_key="same",
                               now=call_world.during + timedelta(seconds=1))
    assert again.id == first.id
    assert len(_applications()) == 1 and len(_mails()) == 1


def test_a_second_application_from_the_organisation_says_who_sent_the_first(
        call_world: CallWorld):
    call = call_world.open_call()
    organisation = call_world.organisations[0]
    colleague = Contact(name="Juana Cux", email="juana@maya.example", language="es",
                        zone="America/Guatemala", created_at=NOW)
    organisation.contacts.append(colleague)
    db.session.commit()
    submit_application(call_world.contacts[0], call, application_input(), form_key="a",
                       now=call_world.during)
    with pytest.raises(Conflict) as refused:
        submit_application(colleague, call, application_input(motivation="Ours."),
                           form_key="b", now=call_world.during)
    assert "already" in refused.value.english and "Ana Ixcot" in refused.value.english
    # The same contact with another form is refused too: one application, edited.
    with pytest.raises(Conflict):
        submit_application(call_world.contacts[0], call, application_input(),
                           form_key="c", now=call_world.during)
    (stored,) = _applications()
    assert stored.contact_id == call_world.contacts[0].id and len(_mails()) == 1
    with pytest.raises(Conflict, match="Ana Ixcot"):
        edit_application(colleague, call, application_input(), now=call_world.during)


def test_no_application_before_the_call_opens_or_after_it_closes(call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[0]
    with pytest.raises(Conflict, match="not open yet"):
        submit_application(contact, call, application_input(), form_key="a", now=NOW)
    with pytest.raises(Conflict, match="closed"):
        submit_application(contact, call, application_input(), form_key="a",
                           now=call_world.after)
    assert _applications() == [] and _mails() == []


def test_a_draft_call_takes_no_application(call_world: CallWorld):
    from coordinator.selection.calls import create_call

    call = create_call(call_world.meeting.id, call_world.call_input(), now=NOW,
                       actor=call_world.actor)
    with pytest.raises(Conflict):
        submit_application(call_world.contacts[0], call, application_input(), form_key="a",
                           now=call_world.during)
    assert _applications() == []


def test_only_a_contact_of_an_approved_organisation_applies(call_world: CallWorld):
    call = call_world.open_call()
    organisation, contact = call_world.organisations[2], call_world.contacts[2]
    organisation.registration_state = RegistrationState.DECLINED
    db.session.commit()
    with pytest.raises(Conflict, match="not registered"):
        submit_application(contact, call, application_input(), form_key="a",
                           now=call_world.during)
    other = call_world.contacts[3]
    other.active = False
    db.session.commit()
    with pytest.raises(Conflict, match="not registered"):
        submit_application(other, call, application_input(), form_key="a",
                           now=call_world.during)
    assert _applications() == [] and _mails() == []


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "no motivation": (dict(motivation="  "), "motivation"),
    "nobody attends": (dict(attendees=[]), "attendees"),
    "only empty rows": (dict(attendees=[{"name": "", "role": ""}]), "attendees"),
    "four attend": (dict(attendees=[{"name": f"P{i}", "role": "x"} for i in range(4)]),
                    "attendees"),
    "a role without a name": (dict(attendees=[{"name": "", "role": "Director"}]),
                              "attendees.0.name"),
    "an unknown interpretation": (dict(interpretation=["klingon"]), "interpretation"),
    "an unknown mechanism": (dict(mechanisms=["nato"]), "mechanisms"),
    "other without its name": (dict(mechanisms=["other"]), "other_mechanism"),
    "a name without other": (dict(other_mechanism="Foro X"), "other_mechanism"),
    "an unknown language": (dict(written_in="xx"), "written_in"),
    "a motivation too long": (dict(motivation="x" * 4001), "motivation"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_application_is_refused_and_nothing_is_written(call_world: CallWorld,
                                                             case: str):
    call = call_world.open_call()
    changes, field = BAD[case]
    with pytest.raises(InvalidInput) as refused:
        submit_application(call_world.contacts[0], call, application_input(**changes),
                           form_key="a", now=call_world.during)
    assert refused.value.field == field
    assert _applications() == [] and _mails() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "application")) == 0


def test_an_expired_form_is_refused(call_world: CallWorld):
    call = call_world.open_call()
    with pytest.raises(InvalidInput) as refused:
        submit_application(call_world.contacts[0], call, application_input(), form_key="",
                           now=call_world.during)
    assert refused.value.field == "form" and _applications() == []


def test_other_mechanism_is_kept_with_its_name(call_world: CallWorld):
    call = call_world.open_call()
    submit_application(call_world.contacts[0], call, application_input(
        mechanisms=["other", "quito", "other"], other_mechanism="Foro Social de las Américas",
        attendees=[{"name": "Ana", "role": ""}, {"name": "", "role": ""}]),
        form_key="a", now=call_world.during)
    (stored,) = _applications()
    assert stored.mechanisms == ["other", "quito"]
    assert stored.other_mechanism == "Foro Social de las Américas"
    assert stored.attendees == [{"name": "Ana", "role": None}]


def test_edits_until_the_call_closes(call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[1]
    submit_application(contact, call, application_input(), form_key="a",
                       now=call_world.during)
    edit_application(contact, call, application_input(
        online=True, attendees=[{"name": "Beatriz", "role": "Directora"},
                                {"name": "Lia", "role": None}]),
        now=call_world.during + timedelta(days=1))
    (stored,) = _applications()
    assert stored.online is True and len(stored.attendees) == 2
    assert len(_mails()) == 1  # an edit mails nothing new
    with pytest.raises(Conflict, match="closed"):
        edit_application(contact, call, application_input(online=False),
                         now=call_world.after)
    (stored,) = _applications()
    assert stored.online is True
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "application.edit")) == 1


def test_a_withdrawn_application_leaves_room_to_apply_again(call_world: CallWorld):
    call = call_world.open_call()
    organisation = call_world.organisations[0]
    colleague = Contact(name="Juana Cux", email="juana@maya.example", language="es",
                        zone="America/Guatemala", created_at=NOW)
    organisation.contacts.append(colleague)
    db.session.commit()
    first = submit_application(call_world.contacts[0], call, application_input(),
                               form_key="a", now=call_world.during)
    withdraw_application(call_world.contacts[0], call, now=call_world.during)
    (stored,) = _applications()
    assert stored.state == ApplicationState.WITHDRAWN
    assert applications_of(call) == []
    with pytest.raises(Conflict, match="no application"):
        withdraw_application(call_world.contacts[0], call, now=call_world.during)
    again = submit_application(colleague, call, application_input(motivation="Ours."),
                               form_key="b", now=call_world.during + timedelta(hours=1))
    assert again.id == first.id
    (stored,) = _applications()
    assert (stored.state, stored.contact_id, stored.motivation) == (
        ApplicationState.SUBMITTED, colleague.id, "Ours.")
    assert [m.recipient for m in _mails()] == [call_world.contacts[0].email, colleague.email]
    assert application_of(organisation, call).id == first.id  # type: ignore[union-attr]
    assert application_of(colleague, call).id == first.id  # type: ignore[union-attr]


def test_withdrawing_after_the_call_closes_is_refused(call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[0]
    submit_application(contact, call, application_input(), form_key="a",
                       now=call_world.during)
    with pytest.raises(Conflict, match="closed"):
        withdraw_application(contact, call, now=call_world.after)
    assert _applications()[0].state == ApplicationState.SUBMITTED


def test_applications_of_a_call_in_the_order_they_arrived(call_world: CallWorld):
    call = call_world.open_call()
    for offset, contact in zip((3, 1, 2), call_world.contacts[:3], strict=True):
        submit_application(contact, call, application_input(), form_key="a",
                           now=call_world.during + timedelta(hours=offset))
    assert [a.contact_id for a in applications_of(call)] == [
        call_world.contacts[i].id for i in (1, 2, 0)]
    assert application_of(call_world.organisations[3], call) is None


def test_the_link_opens_for_the_contact_and_stops_taking_changes_when_the_call_closes(
        call_world: CallWorld):
    call = call_world.open_call()
    contact = call_world.contacts[0]
    token = application_link(contact, call).rsplit("/", 1)[1]
    assert verify(APPLY_LINK, token, call_world.during, writing=True) == (contact, call)
    assert verify(APPLY_LINK, token, call_world.after) == (contact, call)
    with pytest.raises(LinkRefused) as refused:
        verify(APPLY_LINK, token, call_world.after, writing=True)
    assert refused.value.reason == "closed"
    contact.active = False
    db.session.commit()
    with pytest.raises(LinkRefused) as refused:
        verify(APPLY_LINK, token, call_world.during)
    assert refused.value.status == 410
