"""Issue 14 (items 3, 4, 5, 10's picker): the special coordinators' meeting with
coordinators and the convening country's CSOs as observers, a series' coordinator, rule
changes that keep the anchor with a preview of what they move, the picker; on both
databases, through the services, the API and the workspace."""

from __future__ import annotations

import email
from datetime import date, time
from email.message import EmailMessage
from email.policy import default

import icalendar
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.errors import InvalidInput
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.picker import DayChoice, Picker
from coordinator.errors import Conflict
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant, invite_host_observers
from coordinator.meetings.hosts import set_host_country
from coordinator.meetings.series import (
    RuleChange,
    SeriesInput,
    change_effects,
    change_rule,
    schedule_series,
    set_coordinator,
)
from coordinator.models import (
    Contact,
    Country,
    Invitation,
    Meeting,
    MeetingStatus,
    Organisation,
    OutboxMessage,
    Participant,
    ParticipantRole,
    RegistrationState,
    Role,
    Scope,
    Series,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import csrf_of, log_in, make_account

ACTOR = Actor("tester")


def _organisation(name: str, iso: str, email_address: str, *, scope: Scope = Scope.NATIONAL,
                  state: RegistrationState = RegistrationState.APPROVED) -> Organisation:
    country = db.session.scalar(select(Country).where(Country.iso == iso))
    organisation = Organisation(name=name, scope=scope, kinds=["advocacy"], led_by=[],
                                languages=["es"], registration_state=state, created_at=NOW,
                                countries=[country])
    organisation.contacts.append(Contact(name=f"Contact of {name}", email=email_address,
                                         language="es", zone="America/Guatemala",
                                         created_at=NOW))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def _coordinators_series() -> Series:
    """A special coordinators' meeting every six months, the first within the invitation
    horizon (so invitations go out at once)."""
    return schedule_series(SeriesInput(
        kind=SeriesKind.COORDINATORS, first_date=date(2027, 1, 20), start_time=time(11),
        zone="America/Panama", duration_minutes=120, holiday_country=""),
        now=NOW, actor=ACTOR)


def _national(**changes) -> Series:  # type: ignore[no-untyped-def]
    data = {"kind": SeriesKind.NATIONAL, "country": "GT", "first_date": date(2027, 1, 14),
            "start_time": time(10), "zone": "America/Guatemala"}
    data.update(changes)
    return schedule_series(SeriesInput(**data), now=NOW, actor=ACTOR)


def _mails(to: str) -> list[EmailMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)
                              .order_by(OutboxMessage.id))
    return [email.message_from_string(r.body, policy=default) for r in rows]  # type: ignore[misc]


def _calendar(message: EmailMessage) -> icalendar.Calendar:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    raise AssertionError("no calendar part")


def _text(message: EmailMessage) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_content())
    raise AssertionError("no text part")


def _attendee_role(message: EmailMessage) -> str:
    event = _calendar(message).walk("VEVENT")[0]
    return str(event["ATTENDEE"].params["ROLE"])


# --- The special coordinators' meeting -----------------------------------------------

def test_coordinators_are_invited_as_accounts_in_their_own_language_and_zone(seeded) -> None:
    series = _coordinators_series()
    haiti = make_account(Role.SPECIAL_COORDINATOR, email="ht@example.org", country="HT",
                         name="Coordonnateur d'Haïti")
    haiti.language, haiti.zone = "fr", "America/Port-au-Prince"
    db.session.commit()
    add_participant(now=NOW, actor=ACTOR, series_id=series.id, account_id=haiti.id)
    invitation = db.session.scalar(select(Invitation).where(Invitation.account_id == haiti.id))
    assert invitation is not None and invitation.contact_id is None
    mails = _mails("ht@example.org")
    assert len(mails) == 1
    message = mails[0]
    assert message["Content-Language"] == "fr"
    assert _attendee_role(message) == "REQ-PARTICIPANT"
    assert "observateur" not in _text(message).lower() and "observer" not in _text(message)


def test_accounts_are_refused_outside_the_special_coordinators_meeting(seeded) -> None:
    national = _national()
    coordinator = make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    with pytest.raises(InvalidInput) as refused:
        add_participant(now=NOW, actor=ACTOR, series_id=national.id, account_id=coordinator.id)
    assert refused.value.field == "account"
    observer = _coordinators_series()
    with pytest.raises(InvalidInput):  # coordinators take part; they never observe
        add_participant(now=NOW, actor=ACTOR, series_id=observer.id,
                        account_id=coordinator.id, role=ParticipantRole.OBSERVER)
    assert db.session.scalar(select(Participant).where(
        Participant.account_id == coordinator.id)) is None


def test_convening_countrys_national_organisations_observe_in_one_step(seeded) -> None:
    series = _coordinators_series()
    first = db.session.scalar(select(Meeting).where(Meeting.series_id == series.id)
                              .order_by(Meeting.start_at))
    assert first is not None
    with pytest.raises(InvalidInput) as refused:
        invite_host_observers(first.id, now=NOW, actor=ACTOR)
    assert refused.value.field == "host_country"
    _organisation("Red Guatemalteca", "GT", "red@example.org")
    _organisation("Colectivo Local Xela", "GT", "xela@example.org", scope=Scope.LOCAL)
    _organisation("Red Regional", "GT", "regional@example.org", scope=Scope.REGIONAL)
    _organisation("Pendiente", "GT", "pending@example.org", state=RegistrationState.PENDING)
    _organisation("Red Mexicana", "MX", "mx-red@example.org")
    set_host_country(first.id, "GT", now=NOW, actor=ACTOR)

    added = invite_host_observers(first.id, now=NOW, actor=ACTOR)
    assert sorted(p.organisation.name for p in added) == ["Colectivo Local Xela",
                                                           "Red Guatemalteca"]
    assert {p.role for p in added} == {ParticipantRole.OBSERVER}
    assert all(p.meeting_id == first.id for p in added)
    assert invite_host_observers(first.id, now=NOW, actor=ACTOR) == []  # once is enough

    message = _mails("red@example.org")[0]
    assert _attendee_role(message) == "NON-PARTICIPANT"
    with force_locale("es"):  # red@example.org reads Spanish
        assert gettext("You are invited as an observer: you may attend and follow this "
                       "meeting of the special coordinators.") in _text(message)
    for nobody in ("regional@example.org", "pending@example.org", "mx-red@example.org"):
        assert _mails(nobody) == []


def test_convening_country_only_for_the_special_coordinators_meeting(seeded) -> None:
    national = _national()
    meeting = national.meetings[0]
    with pytest.raises(InvalidInput):
        set_host_country(meeting.id, "GT", now=NOW, actor=ACTOR)
    series = _coordinators_series()
    with pytest.raises(InvalidInput) as refused:
        set_host_country(series.meetings[0].id, "ZZ", now=NOW, actor=ACTOR)
    assert refused.value.field == "host_country"


# --- A series' coordinator ------------------------------------------------------------

def test_the_series_coordinator_can_be_set_and_changed_and_mails_come_from_them(
        seeded) -> None:
    series = _national()
    _organisation("Red Guatemalteca", "GT", "red@example.org")
    first = make_account(Role.SPECIAL_COORDINATOR, email="gt1@example.org", country="GT",
                         name="Primera Coordinadora")
    second = make_account(Role.SPECIAL_COORDINATOR, email="gt2@example.org", country="GT",
                          name="Segundo Coordinador")
    mexico = make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    set_coordinator(series.id, first.id, now=NOW, actor=ACTOR)
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.name == "Red Guatemalteca"))
    assert organisation is not None
    add_participant(now=NOW, actor=ACTOR, series_id=series.id, organisation_id=organisation.id)
    invitation = _mails("red@example.org")[0]
    assert invitation["Reply-To"] == "Primera Coordinadora <gt1@example.org>"
    assert "Primera Coordinadora" in invitation["From"]
    organizer = _calendar(invitation).walk("VEVENT")[0]["ORGANIZER"]
    assert str(organizer).lower() == "mailto:gt1@example.org"

    set_coordinator(series.id, second.id, now=NOW, actor=ACTOR)
    with pytest.raises(InvalidInput) as refused:
        set_coordinator(series.id, mexico.id, now=NOW, actor=ACTOR)  # out of scope
    assert refused.value.field == "coordinator"
    db.session.expire_all()
    assert db.session.get(Series, series.id).coordinator_id == second.id  # type: ignore[union-attr]
    change_rule(series.id, RuleChange(date(2026, 12, 1), time(11), "America/Guatemala", 90,
                                      None, picker=Picker(3)), now=NOW, actor=ACTOR)
    update = _mails("red@example.org")[-1]
    assert update["Reply-To"] == "Segundo Coordinador <gt2@example.org>"


def test_api_and_workspace_change_the_coordinator(seeded, client) -> None:  # type: ignore[no-untyped-def]
    series = _national()
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    gt = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                      name="Coordinadora GT")
    mexico = make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    token = create_token(secretariat.id, "tests", now=NOW, actor=Actor.cli())
    mx_token = create_token(mexico.id, "tests", now=NOW, actor=Actor.cli())
    answer = client.patch(f"/api/v1/series/{series.id}", json={"coordinator_id": gt.id},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["coordinator_id"] == gt.id
    refused = client.patch(f"/api/v1/series/{series.id}", json={"coordinator_id": mexico.id},
                           headers={"Authorization": f"Bearer {mx_token}"})
    assert refused.status_code == 403
    refused = client.patch(f"/api/v1/series/{series.id}", json={"coordinator_id": mexico.id},
                           headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 422

    log_in(client, "gt@example.org")
    page = client.get(f"/workspace/series/{series.id}").get_data(as_text=True)
    assert "Coordinadora GT coordinates this series" in page
    answer = client.post(f"/workspace/series/{series.id}/coordinator", data={
        "coordinator": str(secretariat.id),
        "csrf_token": csrf_of(client, f"/workspace/series/{series.id}")})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Series, series.id).coordinator_id == secretariat.id  # type: ignore[union-attr]


# --- Rule changes keep the anchor, with a preview -------------------------------------

def test_a_rule_change_keeps_the_anchor_unless_the_user_changes_it(seeded) -> None:
    series = _national()  # 14 January 2027, every three months
    before = {m.id: m.start_local.date() for m in series.meetings}
    # Only the time changes, from a date that is not the 14th and not in an anchor month.
    change_rule(series.id, RuleChange(date(2027, 2, 3), time(15), "America/Guatemala", 90,
                                      "FREQ=MONTHLY;INTERVAL=3"), now=NOW, actor=ACTOR)
    db.session.expire_all()
    meetings = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                  .order_by(Meeting.start_at)).all()
    assert all(m.status == MeetingStatus.SCHEDULED for m in meetings)
    assert {m.id: m.start_local.date() for m in meetings} == before  # same days
    assert [m.start_local.hour for m in meetings] == [10] + [15] * (len(meetings) - 1)


def test_the_preview_lists_exactly_the_invited_meetings_it_moves_and_cancels(seeded) -> None:
    series = _national(rrule="FREQ=MONTHLY", first_date=date(2027, 1, 12))  # a Tuesday
    organisation = _organisation("Red Guatemalteca", "GT", "red@example.org")
    add_participant(now=NOW, actor=ACTOR, series_id=series.id, organisation_id=organisation.id)
    change = RuleChange(date(2027, 2, 1), time(10), "America/Guatemala", 90, None,
                        picker=Picker(3, DayChoice.WEEKDAY, nth=2, weekday="TU"))
    effects = change_effects(series.id, change, now=NOW)
    # Anchored on 12 January 2027: April, July, ... on the second Tuesday; February and
    # March are no longer called for.
    assert effects.recurrence.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    assert effects.recurrence.first_date == date(2027, 1, 12)
    cancelled = [m.start_local.date() for m in effects.cancelled]
    assert cancelled[:2] == [date(2027, 2, 12), date(2027, 3, 12)]
    moved = {m.start_local.date(): p.start.date() for m, p in effects.moved}
    assert moved[date(2027, 4, 12)] == date(2027, 4, 13)  # the second Tuesday of April
    # Invitations go out 100 days ahead: February's is in calendars, March's not yet.
    invited = {m.start_local.date() for m in effects.cancelled if m.id in effects.invited}
    assert invited == {date(2027, 2, 12)}
    # Nothing was written by the preview ...
    db.session.expire_all()
    assert all(m.status == MeetingStatus.SCHEDULED for m in db.session.scalars(
        select(Meeting).where(Meeting.series_id == series.id)))
    # ... and saving does exactly what it showed.
    change_rule(series.id, change, now=NOW, actor=ACTOR)
    db.session.expire_all()
    by_id = {m.id: m for m in db.session.scalars(
        select(Meeting).where(Meeting.series_id == series.id))}
    assert {m.id for m in by_id.values() if m.status == MeetingStatus.CANCELLED} == {
        m.id for m in effects.cancelled}
    for meeting, slot in effects.moved:
        assert by_id[meeting.id].start_at == slot.start_utc


def test_workspace_rule_change_previews_then_saves_with_the_picker(seeded, client) -> None:  # type: ignore[no-untyped-def]
    series = _national(rrule="FREQ=MONTHLY")
    organisation = _organisation("Red Guatemalteca", "GT", "red@example.org")
    add_participant(now=NOW, actor=ACTOR, series_id=series.id, organisation_id=organisation.id)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    log_in(client, "gt@example.org")
    path = f"/workspace/series/{series.id}"
    page = client.get(path).get_data(as_text=True)
    assert 'name="every_months"' in page and "FREQ=MONTHLY" in page
    form = {"effective_from": "2027-02-01", "start_time": "10:00", "zone": "America/Guatemala",
            "duration": "90", "every_months": "3", "on": "weekday", "month_day": "15",
            "nth": "2", "weekday": "TU", "rrule": "", "first_date": "",
            "csrf_token": csrf_of(client, path)}
    preview = client.post(f"{path}/rule", data={**form, "action": "preview"})
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert "What saving would change" in text
    assert text.count('class="cancelled-meeting"') >= 2 and "invited" in text
    db.session.expire_all()
    assert db.session.get(Series, series.id).current_rule.rrule == "FREQ=MONTHLY"  # type: ignore[union-attr]
    saved = client.post(f"{path}/rule", data={**form, "action": "save"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Series, series.id).current_rule.rrule == \
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"  # type: ignore[union-attr]


def test_a_new_weekday_keeps_the_anchor_month_instead_of_cancelling_it(seeded) -> None:
    series = _national(first_date=date(2027, 1, 14))  # a Thursday; 2nd Tuesday: the 12th
    january = series.meetings[0]
    change = RuleChange(date(2026, 12, 1), time(10), "America/Guatemala", 90, None,
                        picker=Picker(3, DayChoice.WEEKDAY, nth=2, weekday="TU"))
    effects = change_effects(series.id, change, now=NOW)
    assert effects.cancelled == []
    moved = {m.id: p.start.date() for m, p in effects.moved}
    assert moved[january.id] == date(2027, 1, 12)


def test_the_typed_rule_wins_over_the_picker(seeded) -> None:
    series = _national()
    change = RuleChange(date(2027, 2, 1), time(10), "America/Guatemala", 90,
                        "FREQ=MONTHLY;INTERVAL=6", picker=Picker(3, DayChoice.MONTH_DAY, day=2))
    assert change_effects(series.id, change, now=NOW).recurrence.rrule == \
        "FREQ=MONTHLY;INTERVAL=6"


def test_new_series_from_the_picker(seeded) -> None:
    series = _national(picker=Picker(6, DayChoice.MONTH_DAY, day=15))
    assert series.current_rule.rrule == "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15"
    with pytest.raises(InvalidInput) as refused:  # a one-off kind has no repeat choices
        schedule_series(SeriesInput(kind=SeriesKind.EXTRAORDINARY, first_date=date(2027, 1, 14),
                                    start_time=time(10), zone="America/Guatemala",
                                    picker=Picker(3), short_notice_justification="x"),
                        now=NOW, actor=ACTOR)
    assert refused.value.field == "every_months"


# --- The doors for the special coordinators' meeting ----------------------------------

def test_api_invites_accounts_to_the_special_meeting_and_refuses_them_elsewhere(
        seeded, client, frozen) -> None:  # type: ignore[no-untyped-def]
    special, national = _coordinators_series(), _national()
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    gt = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    auth = {"Authorization": f"Bearer {create_token(secretariat.id, 't', now=NOW, actor=ACTOR)}"}
    added = client.post(f"/api/v1/series/{special.id}/participants",
                        json={"account_id": gt.id}, headers=auth)
    assert added.status_code == 201, added.get_data(as_text=True)
    assert added.json["account_id"] == gt.id and added.json["organisation_id"] is None
    refused = client.post(f"/api/v1/series/{national.id}/participants",
                          json={"account_id": gt.id}, headers=auth)
    assert refused.status_code == 422
    _organisation("Red Guatemalteca", "GT", "red@example.org")
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.series_id == special.id)
                                   .order_by(Meeting.start_at))
    host = client.put(f"/api/v1/meetings/{meeting_id}/host-country", json={"country": "GT"},
                      headers=auth)
    assert host.status_code == 200 and host.json["host_country"] == "GT"
    observers = client.post(f"/api/v1/meetings/{meeting_id}/host-observers", headers=auth)
    assert observers.status_code == 201
    assert [p["role"] for p in observers.json["items"]] == ["observer"]


def test_workspace_invites_coordinators_and_the_hosts_observers(seeded, client,
                                                               frozen) -> None:  # type: ignore[no-untyped-def]
    special, national = _coordinators_series(), _national()
    make_account(Role.SECRETARIAT, email="sec@example.org")
    gt = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                      name="Coordinadora GT")
    _organisation("Red Guatemalteca", "GT", "red@example.org")
    log_in(client, "sec@example.org")
    path = f"/workspace/series/{special.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Invite a special coordinator" in page and "Convening countries" in page
    assert len(page.encode()) < 100_000 and "<script>" not in page and "style=" not in page
    answer = client.post(f"{path}/participants", data={
        "account": str(gt.id), "role": "invited", "csrf_token": csrf_of(client, path)})
    assert answer.status_code == 302
    assert len(_mails("gt@example.org")) == 1
    meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.series_id == special.id)
                                   .order_by(Meeting.start_at))
    answer = client.post(f"{path}/meetings/{meeting_id}/host-country", data={
        "host_country": "GT", "csrf_token": csrf_of(client, path)})
    assert answer.status_code == 302
    answer = client.post(f"{path}/meetings/{meeting_id}/host-observers", data={
        "csrf_token": csrf_of(client, path)})
    assert answer.status_code == 302
    assert _attendee_role(_mails("red@example.org")[0]) == "NON-PARTICIPANT"
    # Elsewhere the page offers no coordinators, and the service refuses one (422).
    other = f"/workspace/series/{national.id}"
    assert "Invite a special coordinator" not in client.get(other).get_data(as_text=True)
    refused = client.post(f"{other}/participants", data={
        "account": str(gt.id), "csrf_token": csrf_of(client, other)})
    assert refused.status_code == 422
    assert db.session.scalar(select(Participant).where(
        Participant.series_id == national.id)) is None


def test_withdrawing_a_coordinator_cancels_only_their_invitation(seeded) -> None:
    from coordinator.invitations.participants import remove_participant

    special = _coordinators_series()
    gt = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    mx = make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    add_participant(now=NOW, actor=ACTOR, series_id=special.id, account_id=gt.id)
    kept = add_participant(now=NOW, actor=ACTOR, series_id=special.id, account_id=mx.id)
    organisation = _organisation("Red Regional", "GT", "regional@example.org",
                                 scope=Scope.REGIONAL)
    observer = add_participant(now=NOW, actor=ACTOR, series_id=special.id,
                               organisation_id=organisation.id, role=ParticipantRole.OBSERVER)
    remove_participant(observer.id, now=NOW, actor=ACTOR)
    assert len(_mails("gt@example.org")) == 1 and len(_mails("mx@example.org")) == 1
    remove_participant(kept.id, now=NOW, actor=ACTOR)
    assert len(_mails("gt@example.org")) == 1 and len(_mails("mx@example.org")) == 2


def test_demo_series_all_have_a_real_coordinator(seeded) -> None:
    from coordinator.demo import load_demo

    load_demo(now=NOW)
    for series in db.session.scalars(select(Series)):
        assert series.coordinator is not None, series
        assert "@" in series.coordinator.email
    special = db.session.scalar(select(Series).where(Series.kind == SeriesKind.COORDINATORS))
    assert special is not None
    assert db.session.scalar(select(Participant).where(
        Participant.series_id == special.id, Participant.account_id.is_not(None))) is not None
    assert any(m.host_country is not None for m in special.meetings)


def test_a_past_meeting_keeps_its_convening_country(seeded) -> None:
    series = _coordinators_series()
    meeting = series.meetings[0]
    with pytest.raises(Conflict):
        set_host_country(meeting.id, "GT", now=meeting.end_at, actor=ACTOR)


# --- The command line -----------------------------------------------------------------

def test_cli_sets_the_coordinator_previews_a_rule_change_and_invites_accounts(seeded,
                                                                             frozen) -> None:
    from coordinator.cli import main

    series, special = _national(rrule="FREQ=MONTHLY", first_date=date(2027, 1, 12)), \
        _coordinators_series()
    gt = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                      name="Coordinadora GT")
    organisation = _organisation("Red Guatemalteca", "GT", "red@example.org")
    add_participant(now=NOW, actor=ACTOR, series_id=series.id, organisation_id=organisation.id)
    runner = seeded.test_cli_runner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args))

    done = run("series", "set-coordinator", str(series.id), "--account", str(gt.id))
    assert done.exit_code == 0 and "Coordinadora GT" in done.output
    preview = run("series", "change-rule", str(series.id), "--from", "2027-02-01",
                  "--every", "3", "--weekday", "2TU", "--time", "10:00",
                  "--zone", "America/Guatemala", "--preview")
    assert preview.exit_code == 0, preview.output
    assert "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU" in preview.output
    assert "cancelled" in preview.output and "(invited)" in preview.output
    db.session.expire_all()
    assert db.session.get(Series, series.id).current_rule.rrule == "FREQ=MONTHLY"  # type: ignore[union-attr]
    refused = run("series", "invite", str(series.id), "--account", str(gt.id))
    assert refused.exit_code == 2
    invited = run("series", "invite", str(special.id), "--account", str(gt.id))
    assert invited.exit_code == 0, invited.output
    meeting = special.meetings[0]
    assert run("series", "host-country", str(meeting.id), "GT").exit_code == 0
    assert run("series", "invite-host-observers", str(meeting.id)).exit_code == 0


def test_a_coordinator_answers_through_the_rsvp_link_of_their_invitation(
        seeded, client, frozen) -> None:  # type: ignore[no-untyped-def]
    from coordinator.invitations.messages import rsvp_links

    special = _coordinators_series()
    haiti = make_account(Role.SPECIAL_COORDINATOR, email="ht@example.org", country="HT")
    haiti.zone = "America/Port-au-Prince"
    db.session.commit()
    add_participant(now=NOW, actor=ACTOR, series_id=special.id, account_id=haiti.id)
    invitation = db.session.scalar(select(Invitation).where(Invitation.account_id == haiti.id))
    assert invitation is not None
    link = rsvp_links(invitation)["accepted"].removeprefix("https://coordinator.test")
    page = client.get(link)
    assert page.status_code == 200
    assert "Special coordinators" in page.get_data(as_text=True)


def test_workspace_schedules_a_new_series_in_plain_words(seeded, client, frozen) -> None:  # type: ignore[no-untyped-def]
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    log_in(client, "gt@example.org")
    form = {"kind": "national", "country": "GT", "committee": "", "first_date": "2027-01-12",
            "start_time": "10:00", "zone": "America/Guatemala", "duration": "90",
            "every_months": "", "on": "weekday", "month_day": "15", "nth": "2",
            "weekday": "TU", "rrule": "", "holiday_country": "auto", "weekends": "auto",
            "suggestions_open": "42", "suggestions_close": "21", "agenda_due": "14",
            "reminders": "7, 1", "csrf_token": csrf_of(client, "/workspace/series/new")}
    page = client.get("/workspace/series/new").get_data(as_text=True)
    assert "Every 3 months" in page and "second" in page and "Advanced" in page
    saved = client.post("/workspace/series/new", data={**form, "action": "save"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    series = db.session.scalar(select(Series).order_by(Series.id.desc()))
    assert series is not None  # no interval chosen: the kind's three months, on 2nd Tuesday
    assert series.current_rule.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    typed = client.post("/workspace/series/new", data={
        **form, "every_months": "6", "rrule": "FREQ=MONTHLY;INTERVAL=4", "action": "save",
        "csrf_token": csrf_of(client, "/workspace/series/new")})
    assert typed.status_code == 302
    latest = db.session.scalar(select(Series).order_by(Series.id.desc()))
    assert latest is not None and latest.current_rule.rrule == "FREQ=MONTHLY;INTERVAL=4"
