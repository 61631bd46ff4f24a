"""The workspace over HTTP on both databases: accounts, passwords, the work itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.link_requests.services import answer_link_requests
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    AuditEntry,
    Committee,
    Contact,
    Organisation,
    OutboxMessage,
    OutboxState,
    Participant,
    ParticipantRole,
    RegistrationState,
    Role,
    Scope,
    Series,
    Suggestion,
    SuggestionState,
)
from coordinator.unit import Actor
from tests.suggestions.helpers import link_in, plain_text
from tests.web.people import PASSWORD, csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post(client, path: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, "/workspace/")})


def gt_series() -> Series:
    return schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                       first_date=date(2026, 12, 15), start_time=time(10),
                                       zone="America/Guatemala"), now=NOW, actor=Actor.cli())


def approved_contact(name: str = "Ana", email: str = "ana@example.org") -> Contact:
    organisation = Organisation(name=f"Red de {name}", scope=Scope.NATIONAL,
                                kinds=["advocacy"], led_by=[], languages=["es"],
                                registration_state=RegistrationState.APPROVED, created_at=NOW)
    contact = Contact(organisation=organisation, name=name, email=email, language="es",
                      zone="America/Guatemala", created_at=NOW)
    db.session.add_all([organisation, contact])
    db.session.commit()
    return contact


def test_new_account_chooses_its_password_through_the_mailed_link(seeded, mailed,
                                                                  frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    secretariat = seeded.test_client()
    log_in(secretariat, "sec@example.org")
    answer = post(secretariat, "/workspace/accounts", name="Marie Joseph",
                  email="marie@example.org", role="special-coordinator", country="HT",
                  language="fr", zone="America/Port-au-Prince", phone="+509 1234")
    assert answer.status_code == 302
    dispatch(NOW)
    mail = mailed.wait_for(1)[0]
    assert mail.recipients == ["marie@example.org"]
    assert "mot de passe" in str(mail.message["Subject"])  # in the account's language
    link = link_in(plain_text(mail), "/password/")

    newcomer = seeded.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200 and "marie@example.org" in page.get_data(as_text=True)
    token = csrf_of(newcomer, link)
    short = newcomer.post(link, data={"password": "short", "confirm": "short",
                                      "csrf_token": token})
    assert short.status_code == 422
    differ = newcomer.post(link, data={"password": PASSWORD, "confirm": PASSWORD + "x",
                                       "csrf_token": token})
    assert differ.status_code == 422
    done = newcomer.post(link, data={"password": PASSWORD, "confirm": PASSWORD,
                                     "csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/workspace/")
    assert newcomer.get("/workspace/").status_code == 200
    # The link works once.
    assert seeded.test_client().get(link).status_code == 410
    account = db.session.scalar(sa.select(Account).where(Account.email == "marie@example.org"))
    assert account.password_hash.startswith("$argon2")
    assert account.country.iso == "HT"


def test_log_in_answers_the_same_for_unknown_address_and_wrong_password(seeded,
                                                                        frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = seeded.test_client()
    answers = []
    for email, password in (("sec@example.org", "wrong password!"),
                            ("nobody@example.org", PASSWORD)):
        answer = client.post("/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_of(client)})
        answers.append((answer.status_code,
                        "do not match an account" in answer.get_data(as_text=True)))
    assert answers == [(401, True), (401, True)]
    cookie = log_in(client, "sec@example.org").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_log_in_sends_people_back_only_to_this_site(seeded, frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    for target, expected in (("/workspace/outbox", "/workspace/outbox"),
                             ("https://evil.example/", "/workspace/"),
                             ("//evil.example/", "/workspace/")):
        client = seeded.test_client()
        answer = client.post("/login", data={"email": "sec@example.org", "password": PASSWORD,
                                             "next": target, "csrf_token": csrf_of(client)})
        assert answer.headers["Location"] == expected


def test_password_reset_ends_older_sessions_and_tells_nobody_who_exists(seeded, mailed,
                                                                         frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    old_session = seeded.test_client()
    log_in(old_session, "sec@example.org")
    asker = seeded.test_client()
    pages = [asker.post("/password/forgot", data={"email": email,
                                                  "csrf_token": csrf_of(asker,
                                                                        "/password/forgot")})
             .get_data(as_text=True) for email in ("sec@example.org", "nobody@example.org")]
    assert pages[0] == pages[1]
    answer_link_requests(now=NOW)  # the scheduler's job: look the addresses up, mail
    dispatch(NOW)
    received = mailed.wait_for(1)
    assert [r.recipients for r in received] == [["sec@example.org"]]
    link = link_in(plain_text(received[0]), "/password/")
    token = csrf_of(asker, link)
    asker.post(link, data={"password": "a brand new passphrase",
                           "confirm": "a brand new passphrase", "csrf_token": token})
    # The session opened with the old password is over.
    assert old_session.get("/workspace/").status_code == 302
    assert asker.get("/workspace/").status_code == 200


def test_bad_series_input_is_refused_with_everything_typed_kept(seeded, frozen) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    answer = post(client, "/workspace/series/new", kind="national", country="GT",
                  first_date="2027-02-30", start_time="10:00", zone="America/Guatemala",
                  title="Mesa nacional con sociedad civil", action="save")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Give a date as YYYY-MM-DD." in page
    assert 'value="Mesa nacional con sociedad civil"' in page
    for fields in ({"zone": "Mars/Olympus"}, {"rrule": "FREQ=SECONDLY"},
                   {"suggestions_open": "5"}, {"start_time": "25:00"},
                   {"online_url": "javascript:alert(1)"}):
        answer = post(client, "/workspace/series/new", **{
            "kind": "national", "country": "GT", "first_date": "2027-02-01",
            "start_time": "10:00", "zone": "America/Guatemala", "action": "save", **fields})
        assert answer.status_code == 422, fields
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0
    # Previewing writes nothing either.
    preview = post(client, "/workspace/series/new", kind="national", country="GT",
                   first_date="2027-02-01", start_time="10:00", zone="America/Guatemala",
                   action="preview")
    assert preview.status_code == 200 and preview.get_data(as_text=True).count("<tr>") >= 8
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0


def test_rule_change_previews_then_saves(seeded, frozen) -> None:
    series = gt_series()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    form = {"effective_from": "2027-01-01", "start_time": "15:00", "zone": "America/Guatemala",
            "duration": "120", "rrule": "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"}
    shown = post(client, f"/workspace/series/{series.id}/rule", **form, action="preview")
    assert shown.status_code == 200 and "3:00\u202fPM" in shown.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Series, series.id).rules) == 1
    saved = post(client, f"/workspace/series/{series.id}/rule", **form, action="save")
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Series, series.id).current_rule.rrule.endswith("BYDAY=2TU")


def test_moderation_decisions_from_the_queue(seeded, frozen) -> None:
    series = gt_series()
    meeting = series.meetings[0]
    contact = approved_contact()
    topics = [Suggestion(meeting_id=meeting.id, contact_id=contact.id, form_key=str(n),
                         title=title, language="es", created_at=NOW, updated_at=NOW)
              for n, title in enumerate(("Acceso a salud", "Asilo", "Tema repetido"))]
    db.session.add_all(topics)
    db.session.commit()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    queue = client.get("/workspace/suggestions").get_data(as_text=True)
    assert all(t.title in queue for t in topics)
    assert post(client, f"/workspace/suggestions/{topics[0].id}/decide",
                decision="accept").status_code == 302
    refused = post(client, f"/workspace/suggestions/{topics[1].id}/decide",
                   decision="decline", reason="")
    assert refused.status_code == 422  # a declined topic needs its public reason
    assert post(client, f"/workspace/suggestions/{topics[1].id}/decide", decision="decline",
                reason="Fuera del mandato nacional").status_code == 302
    assert post(client, f"/workspace/suggestions/{topics[2].id}/decide", decision="merge",
                into=str(topics[0].id)).status_code == 302
    db.session.expire_all()
    states = [db.session.get(Suggestion, t.id).state for t in topics]
    assert states == [SuggestionState.ACCEPTED, SuggestionState.DECLINED,
                      SuggestionState.MERGED]
    page = client.get(f"/workspace/meetings/{meeting.id}").get_data(as_text=True)
    assert "Acceso a salud" in page  # now on the agenda draft


def test_failed_mail_shows_the_server_reason_and_can_be_sent_again(seeded, frozen) -> None:
    series = gt_series()
    failed = OutboxMessage(key="x", kind="invitation", recipient="ana@example.org",
                           language="es", subject="Invitación", message_id="<m@x>", body="b",
                           meeting_id=series.meetings[0].id, state=OutboxState.FAILED,
                           attempts=8, next_attempt_at=NOW, created_at=NOW,
                           last_error="550 5.1.1 mailbox unavailable")
    db.session.add(failed)
    db.session.commit()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    assert "1 message failed" in client.get("/workspace/").get_data(as_text=True)
    page = client.get("/workspace/outbox?state=failed").get_data(as_text=True)
    assert "550 5.1.1 mailbox unavailable" in page
    assert post(client, f"/workspace/outbox/{failed.id}/resend").status_code == 302
    db.session.expire_all()
    again = db.session.get(OutboxMessage, failed.id)
    assert again.state == OutboxState.QUEUED and again.attempts == 0
    assert db.session.scalar(sa.select(AuditEntry.account_id).where(
        AuditEntry.action == "outbox.resend")) is not None
    # A coordinator of another country does not see it.
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    other = seeded.test_client()
    log_in(other, "mx@example.org")
    assert "ana@example.org" not in other.get("/workspace/outbox").get_data(as_text=True)


def test_designated_representative_is_invited_and_gets_the_coordinators_details(
        seeded, mailed, frozen) -> None:
    committee = db.session.scalar(sa.select(Committee).order_by(Committee.id))
    coordinator = make_account(Role.COMMITTEE_COORDINATOR, email="chair@example.org",
                               committee=committee.slug, name="Chair Person")
    coordinator.phone = "+1 555 0100"
    db.session.commit()
    series = schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee=committee.slug,
                                         first_date=date(2027, 1, 20), start_time=time(9),
                                         zone="America/New_York"), now=NOW, actor=Actor.cli())
    contact = approved_contact("Rosa", "rosa@example.org")
    client = seeded.test_client()
    log_in(client, "chair@example.org")
    answer = post(client, f"/workspace/committees/{committee.id}/representative",
                  contact=str(contact.id))
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Committee, committee.id).representative_contact_id == contact.id
    role = db.session.scalar(sa.select(Participant.role).where(
        Participant.series_id == series.id, Participant.contact_id == contact.id))
    assert role == ParticipantRole.REPRESENTATIVE
    dispatch(NOW)
    received = mailed.wait_for(2)
    note = next(r for r in received if "chair@example.org" in plain_text(r))
    assert note.recipients == ["rosa@example.org"] and "+1 555 0100" in plain_text(note)
    assert any("text/calendar" in r.message.as_string() for r in received)  # invited
    directory = client.get("/committees/representatives").get_data(as_text=True)
    assert "Rosa" in directory


def test_closing_an_account_ends_its_sessions(seeded, frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    leaving = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    theirs = seeded.test_client()
    log_in(theirs, "gt@example.org")
    admin = seeded.test_client()
    log_in(admin, "sec@example.org")
    assert post(admin, f"/workspace/accounts/{leaving.id}/active",
                active="0").status_code == 302
    assert theirs.get("/workspace/").status_code == 302
    gone = theirs.post("/login", data={"email": "gt@example.org", "password": PASSWORD,
                                       "csrf_token": csrf_of(theirs)})
    assert gone.status_code == 401


def test_dashboard_lists_late_agendas_and_waiting_topics(seeded, frozen) -> None:
    series = gt_series()
    meeting = series.meetings[0]  # 15 December: agenda due 1 December
    contact = approved_contact()
    db.session.add(Suggestion(meeting_id=meeting.id, contact_id=contact.id, form_key="a",
                              title="Tema", language="es", created_at=NOW, updated_at=NOW))
    db.session.commit()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        page = client.get("/workspace/").get_data(as_text=True)
    late = page.split('id="h-late"')[1].split("</section>")[0]
    assert f"/workspace/meetings/{meeting.id}" in late
    waiting = page.split('id="h-waiting"')[1].split("</section>")[0]
    assert "1 topic" in waiting


def test_invite_then_stop_inviting_an_organisation(seeded, mailed, frozen) -> None:
    series = gt_series()  # first meeting 15 December: inside the invitation window
    contact = approved_contact()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    page = client.get(f"/workspace/series/{series.id}").get_data(as_text=True)
    assert contact.organisation.name in page
    assert post(client, f"/workspace/series/{series.id}/participants",
                organisation=str(contact.organisation_id), role="invited").status_code == 302
    refused = post(client, f"/workspace/series/{series.id}/participants",
                   organisation=str(contact.organisation_id), role="observer")
    assert refused.status_code == 422  # observers belong to coordinators' meetings
    participant = db.session.scalar(sa.select(Participant))
    assert post(client, f"/workspace/series/{series.id}/participants/{participant.id}/remove"
                ).status_code == 302
    dispatch(NOW)
    methods = [("METHOD:CANCEL" in r.message.as_string(), r.recipients)
               for r in mailed.wait_for(2)]
    assert methods == [(False, ["ana@example.org"]), (True, ["ana@example.org"])]
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
