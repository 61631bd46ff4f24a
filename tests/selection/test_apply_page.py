"""The application page of a contact's personal link: the call with its criteria, the form
sent once, changed, refused with the reason beside what was typed, withdrawn."""

from __future__ import annotations

import re

import time_machine
from sqlalchemy import func, select

from coordinator.extensions import db, limiter
from coordinator.selection.applications import application_link
from coordinator.selection.models import Application, ApplicationState
from tests.web.people import CSRF

FORM = {"motivation": "Albergues en la ruta.", "written_in": "es",
        "attendee_name_1": "Ana Ixcot", "attendee_role_1": "Coordinadora",
        "seat": "in-person", "interpretation": ["en"], "mechanisms": ["rcm", "mirps"],
        "consent_publish": "1"}


def _path(call_world, call) -> str:  # type: ignore[no-untyped-def]
    link = application_link(call_world.contacts[0], call)
    return re.sub(r"^https?://[^/]+", "", link)


def _post(client, path: str, **changes):  # type: ignore[no-untyped-def]
    page = client.get(path).get_data(as_text=True)
    token = CSRF.search(page).group(1)
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    return client.post(path, data={**FORM, **changes, "csrf_token": token, "form_key": key})


def test_a_contact_applies_changes_and_withdraws_by_link(call_world, client,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(limiter, "enabled", False)
    call = call_world.open_call()
    path = _path(call_world, call)
    with time_machine.travel(call_world.during, tick=False):
        page = client.get(path + "?lang=es").get_data(as_text=True)
        assert "Civil-society seats at the ministerial meeting" in page
        assert "Direct services to people on the move." in page  # the criteria, published
        sent = _post(client, path)
        assert sent.status_code == 303
        application = db.session.scalar(select(Application))
        assert application.attendees == [{"name": "Ana Ixcot", "role": "Coordinadora"}]
        assert application.mechanisms == ["rcm", "mirps"] and application.consent_publish
        changed = _post(client, path, motivation="Albergues y asesoría legal.", seat="online")
        assert changed.status_code == 303
        db.session.expire_all()
        application = db.session.scalar(select(Application))
        assert application.online and application.motivation.startswith("Albergues y")
        refused = _post(client, path, attendee_name_1="", attendee_role_1="",
                        motivation="Texto que se conserva")
        assert refused.status_code == 422
        text = refused.get_data(as_text=True)
        assert "Texto que se conserva" in text and 'class="error"' in text
        withdraw_page = client.get(path).get_data(as_text=True)
        token = CSRF.search(withdraw_page).group(1)
        gone = client.post(path + "/withdraw", data={"csrf_token": token})
        assert gone.status_code == 303
        db.session.expire_all()
        assert db.session.scalar(select(Application)).state == ApplicationState.WITHDRAWN
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_after_the_call_closes_the_page_reads_but_changes_nothing(call_world, client,
                                                                  monkeypatch) -> None:
    monkeypatch.setattr(limiter, "enabled", False)
    call = call_world.open_call()
    path = _path(call_world, call)
    with time_machine.travel(call_world.during, tick=False):
        token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
    with time_machine.travel(call_world.after, tick=False):
        page = client.get(path + "?lang=en")
        assert page.status_code == 200
        assert "This call is not open for applications." in page.get_data(as_text=True)
        late = client.post(path, data={**FORM, "csrf_token": token, "form_key": "k"})
        assert late.status_code in (409, 410, 422)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
