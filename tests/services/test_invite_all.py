"""Inviting every approved organisation of a country or of a committee's countries in one
step: the same list from the workspace's confirmation, the API's dry run and the CLI, and
nothing written until confirmed."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.invitations.participants import Whom, add_participant, invite_all
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    AuditEntry,
    Committee,
    Contact,
    Country,
    Organisation,
    Participant,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import csrf_of, log_in, make_account


def _organisation(name: str, iso: str, state: RegistrationState = RegistrationState.APPROVED,
                  ) -> Organisation:
    country = db.session.scalar(select(Country).where(Country.iso == iso))
    organisation = Organisation(name=name, scope=Scope.NATIONAL, kinds=["advocacy"],
                                led_by=[], languages=["es"], registration_state=state,
                                created_at=NOW, countries=[country])
    organisation.contacts.append(Contact(name=f"Contact {name}", email=f"{name}@cso.example"
                                         .replace(" ", "").lower(), language="es",
                                         zone="UTC", created_at=NOW))
    db.session.add(organisation)
    db.session.commit()
    return organisation


@pytest.fixture
def world(seeded, frozen):  # type: ignore[no-untyped-def]
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                         first_date=date(2027, 1, 12), start_time=time(10),
                                         zone="America/Guatemala"), now=NOW, actor=Actor.cli())
    ours = [_organisation("Red Frontera", "GT"), _organisation("Alianza Maya", "GT")]
    _organisation("Pendiente GT", "GT", RegistrationState.VERIFIED)  # not approved
    _organisation("Red Honduras", "HN")
    add_participant(now=NOW, actor=Actor.cli(), series_id=series.id,
                    organisation_id=ours[0].id)  # already invited: left as it is
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    return series, ours


def _invited(series_id: int) -> set[str]:
    db.session.expire_all()
    return {p.organisation.name for p in db.session.scalars(
        select(Participant).where(Participant.series_id == series_id))}


def test_the_workspace_lists_first_and_invites_only_when_confirmed(app, world) -> None:
    series, _ = world
    browser = app.test_client()
    log_in(browser, "gt@example.org")
    csrf = csrf_of(browser, f"/workspace/series/{series.id}")
    asked = browser.post(f"/workspace/series/{series.id}/invite-all",
                         data={"country": "GT", "csrf_token": csrf})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Alianza Maya" in page and "1 approved organisation is not invited yet" in page
    for absent in ("Red Frontera", "Pendiente GT", "Red Honduras"):
        assert absent not in page.split("<main", 1)[1]
    assert _invited(series.id) == {"Red Frontera"}  # nothing written yet
    done = browser.post(f"/workspace/series/{series.id}/invite-all",
                        data={"country": "GT", "confirmed": "yes", "csrf_token": csrf})
    assert done.status_code == 302
    assert _invited(series.id) == {"Red Frontera", "Alianza Maya"}
    audit = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "participant.add_all")).one()
    assert audit.details["country"] == "GT" and len(audit.details["organisations"]) == 1
    refused = browser.post(f"/workspace/series/{series.id}/invite-all",
                           data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "Choose a country or a committee." in refused.get_data(as_text=True)


def test_the_api_dry_run_and_the_cli_agree_with_the_invitation(app, world) -> None:
    series, ours = world
    account = db.session.scalar(select(Account).where(Account.email == "gt@example.org"))
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    auth = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    dry = client.post(f"/api/v1/series/{series.id}/participants/all",
                      json={"country": "gt", "dry_run": True}, headers=auth)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json() == {"organisations": [ours[1].id], "invited": False}
    listed = app.test_cli_runner().invoke(main, ["series", "invite-all", str(series.id),
                                                 "--country", "GT", "--dry-run"])
    assert listed.exit_code == 0 and listed.output == f"{ours[1].id}\tAlianza Maya\n"
    assert _invited(series.id) == {"Red Frontera"}
    assert client.post(f"/api/v1/series/{series.id}/participants/all",
                       json={"country": "ZZ"}, headers=auth).status_code == 422
    done = client.post(f"/api/v1/series/{series.id}/participants/all",
                       json={"country": "GT"}, headers=auth)
    assert done.get_json() == {"organisations": [ours[1].id], "invited": True}
    again = app.test_cli_runner().invoke(main, ["series", "invite-all", str(series.id),
                                                "--country", "GT"])
    assert again.exit_code == 0 and again.output.startswith("0 organisations")
    refused = app.test_cli_runner().invoke(main, ["series", "invite-all", str(series.id)])
    assert refused.exit_code == 2 and "Choose a country or a committee." in refused.output


def test_a_committee_means_its_member_countries(app, world) -> None:
    series, _ = world
    committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
    member_isos = {m.country.iso for m in committee.members}
    outside = next(c.iso for c in db.session.scalars(select(Country))
                   if c.iso not in member_isos)
    inside = sorted(member_isos)[0]
    _organisation("Dentro", inside)
    _organisation("Fuera", outside)
    added = invite_all(series.id, Whom(committee=committee.slug), now=NOW, actor=Actor.cli())
    names = {p.organisation.name for p in added}
    assert "Dentro" in names and "Fuera" not in names
    assert db.session.scalar(select(func.count(Participant.id)).where(
        Participant.series_id == series.id)) == 1 + len(added)
