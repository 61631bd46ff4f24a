"""Every route that changes state refuses anonymous visitors, accounts outside its scope,
and requests without a CSRF token; and a refused request changes nothing.

The routes are read from the app's URL map, so a new route is covered (or fails the
test until someone says how to reach it) without anyone remembering to add it here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine

from coordinator.agendas.services import add_item
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    AgendaItem,
    Committee,
    Contact,
    Organisation,
    OutboxMessage,
    OutboxState,
    Participant,
    Proposal,
    RegistrationState,
    Role,
    Scope,
    Suggestion,
)
from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.unit import Actor
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Public doors: no account by design. Each is guarded by a personal signed token or is a
# form anyone may send (log-in, registration, asking for a link), and all need CSRF.
PUBLIC = {
    "rsvp.answer", "feeds.request_private", "feeds.manage_private", "suggest.page",
    "suggest.renew", "proposals.ask", "proposals.write", "auth.login", "auth.logout",
    "auth.forgot", "auth.choose", "registration.criteria", "registration.renew",
    "registration.form", "registration.confirm", "preferences.page", "contributions.ask",
    "contributions.write", "applications.apply", "applications.withdraw",
}


def _world() -> dict[str, int]:
    """Records of Guatemala's scope, which a Mexican coordinator must not touch."""
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                         first_date=date(2026, 12, 15), start_time=time(10),
                                         zone="America/Guatemala"),
                             now=NOW, actor=Actor.cli())
    meeting = series.meetings[0]
    item = add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Item")
    organisation = Organisation(name="Red GT", scope=Scope.NATIONAL, kinds=["advocacy"],
                                led_by=[], languages=["es"],
                                registration_state=RegistrationState.VERIFIED, created_at=NOW)
    contact = Contact(organisation=organisation, name="Ana", email="ana@example.org",
                      language="es", zone="America/Guatemala", created_at=NOW)
    db.session.add_all([organisation, contact])
    db.session.flush()
    suggestion = Suggestion(meeting_id=meeting.id, contact_id=contact.id, form_key="k",
                            title="Topic", language="es", created_at=NOW, updated_at=NOW)
    failed = OutboxMessage(key="failed:1", kind="invitation", recipient="ana@example.org",
                           language="es", subject="s", message_id="<m@x>", body="b",
                           meeting_id=meeting.id, state=OutboxState.FAILED,
                           next_attempt_at=NOW, created_at=NOW, last_error="550 no")
    invited = Participant(series_id=series.id, contact_id=contact.id, created_at=NOW)
    committee = db.session.scalar(sa.select(Committee).order_by(Committee.id))
    proposal = Proposal(committee_id=committee.id, contact_id=contact.id, form_key="p",
                        title="Proposal", body="Text", language="es", created_at=NOW,
                        updated_at=NOW)
    db.session.add_all([suggestion, failed, invited, proposal])
    db.session.commit()
    from coordinator.accounts.api_tokens import create_token
    from coordinator.models import Account, ExternalFeed

    guatemala = db.session.scalar(sa.select(Account).where(Account.email == "gt@example.org"))
    create_token(guatemala.id, "gt", now=NOW, actor=Actor.cli())
    feed = ExternalFeed(account_id=guatemala.id, name="RCM", url="https://example.org/x.ics",
                        events=[], created_at=NOW)
    db.session.add(feed)
    db.session.commit()
    token_id = db.session.scalar(sa.select(sa.func.max(sa.text("id"))).select_from(
        sa.table("api_tokens")))
    action_item = add_action_item(text="Report", owner=Owner(country="GT"),
                                  due_on=date(2027, 1, 15), meeting_id=meeting.id, now=NOW,
                                  actor=Actor.cli())
    # A commitment of Guatemala's with an indicator and a contribution waiting (issue 16).
    from coordinator.outcomes.commitments import Responsible, create_commitment
    from coordinator.outcomes.indicators import IndicatorSpec, add_indicator
    from coordinator.outcomes.models import Contribution, ContributionKind

    commitment = create_commitment(text="Albergues", responsible=Responsible("GT"),
                                   pillar="I", start_on=date(2026, 1, 1),
                                   target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli())
    indicator = add_indicator(commitment.id, IndicatorSpec(
        kind="quantitative", name="Personas", unit="people", baseline=1,
        baseline_on=date(2026, 1, 1), target=5, direction="increase"), now=NOW,
        actor=Actor.cli())
    contribution = Contribution(commitment_id=commitment.id, contact_id=contact.id,
                                organisation_id=organisation.id, form_key="c",
                                kind=ContributionKind.EVIDENCE, text="Dato", written_in="es",
                                created_at=NOW, updated_at=NOW)
    db.session.add(contribution)
    db.session.commit()
    from coordinator.outcomes.commitments import create_plan

    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", held_by=date(2027, 3, 31)), now=NOW, actor=Actor.cli()).meetings[0]
    plan = create_plan(regional.id, title="Plan", commitment_ids=[commitment.id], now=NOW,
                       actor=Actor.cli())
    from coordinator.documents.services import attach
    from tests.documents.samples import SAMPLES

    document = attach("commitment", commitment.id, "plan.pdf", SAMPLES["pdf"], now=NOW,
                      actor=Actor.cli())
    outcome_ids = {"commitment_id": commitment.id, "indicator_id": indicator.id,
                   "contribution_id": contribution.id, "plan_id": plan.id,
                   "document_id": document.id}
    return {"series_id": series.id, "meeting_id": meeting.id, "item_id": item.id,
            "suggestion_id": suggestion.id, "message_id": failed.id,
            "committee_id": committee.id, "account_id": secretariat.id,
            "organisation_id": organisation.id, "participant_id": invited.id,
            "proposal_id": proposal.id, "token_id": token_id, "feed_id": feed.id,
            "contact_id": contact.id, "action_item_id": action_item.id, **outcome_ids}


# Records that belong to one account alone: others get 404, as if they did not exist.
OWN = {"workspace.token_revoke", "workspace.calendar_refresh", "workspace.calendar_remove"}
# Any account may do these for itself (its own tokens and watched calendars): no scope to
# leave. Sent empty, they are refused as incomplete and write nothing.
SELF_SERVICE = {"workspace.token_create", "workspace.calendar_add",
                "workspace.own_account_save", "workspace.own_account_password",
                # A commitment is made within one's own country or committee: another's is
                # refused beside the field (422), as the form shows it.
                "workspace.commitment_create"}

# What an in-scope coordinator would send: enough for a route to act if it let them.
PAYLOADS = {
    "workspace.series_new": {"kind": "national", "country": "GT", "first_date": "2027-02-01",
                             "start_time": "10:00", "zone": "America/Guatemala",
                             "action": "save"},
    "workspace.series_rule": {"effective_from": "2027-01-01", "start_time": "11:00",
                              "zone": "America/Guatemala", "duration": "90",
                              "rrule": "FREQ=MONTHLY;INTERVAL=3", "action": "save"},
    "workspace.meeting_move": {"date": "2026-12-16", "time": "10:00",
                               "zone": "America/Guatemala", "duration": "90"},
    "workspace.agenda_add": {"kind": "discussion", "title": "New", "item_duration": "15"},
    "workspace.decide": {"decision": "decline", "reason": "no"},
    "workspace.decline_registration": {"reason": "no"},
    "workspace.account_create": {"email": "new@example.org", "name": "New",
                                 "role": "secretariat"},
    "workspace.account_active": {"active": "0"},
    "workspace.minutes_save": {"text": "Minutes", "decisions": "One", "written_in": "en"},
    "workspace.action_item_add": {"text": "Do", "owner": "country:GT",
                                  "due_on": "2027-01-20"},
    "workspace.action_item_status": {"status": "dropped", "reason": "no"},
    "workspace.commitment_create": {"text": "Albergues", "responsible": "country:GT",
                                    "pillar": "I", "start_on": "2026-01-01",
                                    "target_on": "2027-12-31"},
    "workspace.commitment_save": {"text": "Otro", "responsible": "country:GT", "pillar": "I",
                                  "start_on": "2026-01-01", "target_on": "2027-12-31"},
    "workspace.commitment_update_add": {"text": "Abierto", "dated": "2026-11-01"},
    "workspace.commitment_status": {"status": "dropped", "reason": "no"},
    "workspace.indicator_add": {"kind": "qualitative", "name": "Calidad"},
    "workspace.indicator_measure": {"dated": "2026-11-01", "value": "3", "source": "Informe"},
    "workspace.indicator_assess": {"dated": "2026-11-01", "rating": "on-track",
                                   "narrative": "Bien"},
    "workspace.contribution_accept": {"reason": "Gracias"},
    "workspace.contribution_decline": {"reason": "No"},
    "workspace.work_plan_create": {"title": "Plan"},
    "workspace.work_plan_edit": {"title": "Plan"},
    "workspace.work_plan_publish": {"what_changed": "Nada"},
}


def _state_changing_rules(app):  # type: ignore[no-untyped-def]
    return [rule for rule in app.url_map.iter_rules()
            if rule.methods & STATE_CHANGING and rule.endpoint != "static"]


def _url(rule, ids: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    missing = [arg for arg in rule.arguments if arg not in ids and arg != "token"]
    assert not missing, f"say how to reach {rule.endpoint}: no value for {missing}"
    values = {arg: ids.get(arg, "not-a-token") for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _footprint() -> tuple:
    """Everything a refused request could have written."""
    tables = [t for t in db.metadata.sorted_tables
              if t.name not in ("data_version", "audit_entries")]
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(t))
                   for t in tables)
    # Logging in is recorded; nothing else may be.
    audit = db.session.scalar(sa.text(
        "SELECT count(*) FROM audit_entries WHERE action <> 'account.login'"))
    meeting_state = tuple(db.session.execute(sa.text(
        "SELECT id, start_at, status, sequence FROM meetings ORDER BY id")).all())
    org_state = tuple(db.session.execute(sa.text(
        "SELECT id, registration_state FROM organisations ORDER BY id")).all())
    outbox_state = tuple(db.session.execute(sa.text(
        "SELECT id, state FROM outbox ORDER BY id")).all())
    active = tuple(db.session.execute(sa.text(
        "SELECT id, active FROM accounts ORDER BY id")).all())
    items = tuple(db.session.execute(sa.text(
        "SELECT id, position, title FROM agenda_items ORDER BY id")).all())
    participants = tuple(db.session.execute(sa.text(
        "SELECT id, role FROM participants ORDER BY id")).all())
    actions = tuple(db.session.execute(sa.text(
        "SELECT id, status, due_on, text FROM action_items ORDER BY id")).all())
    return (counts, audit, meeting_state, org_state, outbox_state, active, items, participants,
            actions)


@time_machine.travel(NOW, tick=False)
def test_every_state_changing_route_refuses_the_wrong_caller(seeded) -> None:
    app = seeded
    ids = _world()
    rules = _state_changing_rules(app)
    workspace = [r for r in rules if r.endpoint.startswith("workspace.")]
    unknown = [r.endpoint for r in rules if not r.endpoint.startswith(("workspace.", "api."))
               and r.endpoint not in PUBLIC]
    assert not unknown, f"new state-changing routes need a guard decision: {unknown}"
    assert len(workspace) >= 15
    before = _footprint()

    anonymous = app.test_client()
    for rule in workspace:
        url = _url(rule, ids)
        token = csrf_of(anonymous)
        answer = anonymous.post(url, data={**PAYLOADS.get(rule.endpoint, {}),
                                           "csrf_token": token})
        assert answer.status_code == 302, (rule.endpoint, answer.status_code)
        assert answer.headers["Location"].startswith("/login"), rule.endpoint

    outsider = app.test_client()
    log_in(outsider, "mx@example.org")
    for rule in workspace:
        token = csrf_of(outsider, "/workspace/")
        answer = outsider.post(_url(rule, ids), data={**PAYLOADS.get(rule.endpoint, {}),
                                                      "csrf_token": token})
        # Someone else's token or calendar does not exist for you (404, not 403).
        expected = 404 if rule.endpoint in OWN else 422 if rule.endpoint in SELF_SERVICE \
            else 403
        assert answer.status_code == expected, (rule.endpoint, answer.status_code)

    insider = app.test_client()
    log_in(insider, "sec@example.org")
    for rule in rules:
        if rule.endpoint.startswith("api."):
            continue  # bearer tokens, not cookies: see the API test below
        answer = insider.post(_url(rule, ids), data=PAYLOADS.get(rule.endpoint, {}))
        assert answer.status_code == 400, (rule.endpoint, answer.status_code)
        assert "expired or was sent from another site" in answer.get_data(as_text=True)

    assert _footprint() == before


@time_machine.travel(NOW, tick=False)
def test_the_same_requests_succeed_for_the_coordinator_in_scope(seeded) -> None:
    """The refusals above are about the caller: the right coordinator gets through."""
    ids = _world()
    insider = seeded.test_client()
    log_in(insider, "gt@example.org")
    token = csrf_of(insider, "/workspace/")
    moved = insider.post(f"/workspace/meetings/{ids['meeting_id']}/move",
                         data={**PAYLOADS["workspace.meeting_move"], "csrf_token": token})
    assert moved.status_code == 302
    added = insider.post(f"/workspace/meetings/{ids['meeting_id']}/agenda",
                         data={**PAYLOADS["workspace.agenda_add"], "csrf_token": token})
    assert added.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 2


@pytest.mark.parametrize("path", ["/workspace/", "/workspace/series", "/workspace/outbox",
                                  "/workspace/accounts"])
def test_workspace_pages_need_a_log_in(seeded, path: str) -> None:
    answer = seeded.test_client().get(path)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


# Valid bodies, so each API write gets past validation to the question of who is asking.
API_BODIES = {
    "api.organisation_patch": {"name": "Renamed"},
    "api.contact_patch": {"name": "Renamed"},
    "api.series_create": {"kind": "national", "country": "GT", "first_date": "2027-02-01",
                          "start_time": "10:00", "zone": "America/Guatemala"},
    "api.move": {"start": "2026-12-16T10:00:00-06:00"},
    "api.cancel": {"reason": "no"},
    "api.agenda_add": {"title": "New item"},
    "api.agenda_replace": {"title": "Edited item"},
    "api.agenda_position": {"position": 1},
    "api.decide": {"decision": "decline", "reason": "no"},
    "api.answer": {"answer": "Thanks"},
    "api.participant_add": {"organisation_id": 1},
    "api.participants_all": {"country": "GT"},
    "api.series_rule": {"effective_from": "2027-03-01", "start_time": "10:00",
                        "zone": "America/Guatemala"},
    "api.series_patch": {"coordinator_id": 1},
    "api.host_country_set": {"country": "GT"},
    "api.put_on_agenda": {},
    "api.outcomes_hold": {"hold": True},
    "api.record_attendance": {"held": False},
    "api.translations_save": {"subject": "meeting", "subject_id": 1, "field": "cancel_reason",
                              "texts": {"ht": "Rezon"}},
    "api.minutes_save": {"text": "Minutes"},
    "api.minutes_publish": {},
    "api.action_item_add": {"text": "Do", "owner": "country:GT", "due_on": "2027-01-20"},
    "api.action_item_patch": {"status": "dropped", "reason": "no"},
    "api.commitment_create": {"text": "Albergues", "country": "GT", "pillar": "I",
                              "start_on": "2026-01-01", "target_on": "2027-12-31"},
    "api.commitment_patch": {"text": "Otro"},
    "api.commitment_update_add": {"text": "Abierto", "dated": "2026-11-01"},
    "api.commitment_status": {"status": "dropped", "reason": "no"},
    "api.indicator_add": {"kind": "qualitative", "name": "Calidad"},
    "api.measurement_add": {"dated": "2026-11-01", "value": 3, "source": "Informe"},
    "api.assessment_add": {"dated": "2026-11-01", "rating": "on-track", "narrative": "Bien"},
    "api.contribution_accept": {"reason": "Gracias"},
    "api.contribution_decline": {"reason": "No"},
    "api.work_plan_create": {"title": "Plan"},
    "api.work_plan_patch": {"title": "Plan"},
    "api.work_plan_publish": {"what_changed": "Nada"},
}


@time_machine.travel(NOW, tick=False)
def test_every_api_write_refuses_anonymous_cookie_and_out_of_scope_callers(seeded) -> None:
    """The API takes bearer tokens only: a browser's session cookie gets 401 (so a
    cross-site form can never act through it, which is why it needs no CSRF token), and
    a token of another country's coordinator gets 403."""
    from coordinator.accounts.api_tokens import create_token
    from coordinator.models import Account

    ids = _world()
    writes = [r for r in _state_changing_rules(seeded) if r.endpoint.startswith("api.")]
    assert len(writes) >= 10
    mexico = db.session.scalar(sa.select(Account.id).where(Account.email == "mx@example.org"))
    token = create_token(mexico, "t", now=NOW, actor=Actor.cli())
    before = _footprint()
    browser = seeded.test_client()
    log_in(browser, "sec@example.org")  # the secretariat, logged in with a cookie
    outsider = seeded.test_client()
    for rule in writes:
        method = next(iter(rule.methods & STATE_CHANGING))
        url = _url(rule, ids)
        body = API_BODIES.get(rule.endpoint)
        for client, headers, expected in (
                (seeded.test_client(), {}, 401),
                (browser, {}, 401),
                (outsider, {"Authorization": f"Bearer {token}"}, 403),
                (outsider, {"Authorization": "Bearer coord_" + "x" * 43}, 401)):
            answer = client.open(url, method=method, json=body, headers=headers)
            assert answer.status_code == expected, (rule.endpoint, expected, answer.json)
            assert answer.mimetype == "application/problem+json"
    assert _footprint() == before
