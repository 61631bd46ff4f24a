"""The API as another regional process's tool would use it."""

from __future__ import annotations

import sqlalchemy as sa
import time_machine

from coordinator.accounts.api_tokens import revoke_token
from coordinator.extensions import db
from coordinator.models import AuditEntry, Meeting, Participant, Series
from coordinator.unit import Actor
from tests.api.conftest import NOW, bearer

frozen = time_machine.travel(NOW, tick=False)


@frozen
def test_public_reads_need_no_token_and_answer_304_when_unchanged(world, client) -> None:
    listed = client.get("/api/v1/meetings?country=GT&limit=2")
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] >= 4 and len(body["items"]) == 2 and body["next_offset"] == 2
    first = body["items"][0]
    assert first["country"] == "GT" and first["zone"] == "America/Guatemala"
    assert first["deadlines"]["agenda_due"] < first["start"]
    tag = listed.headers["ETag"]
    again = client.get("/api/v1/meetings?country=GT&limit=2", headers={"If-None-Match": tag})
    assert again.status_code == 304
    other = client.get("/api/v1/meetings?country=GT&limit=3", headers={"If-None-Match": tag})
    assert other.status_code == 200  # another question, another tag
    # A change anywhere gives a new version.
    client.post(f"/api/v1/meetings/{world.meeting_id}/cancel", json={"reason": "x"},
                headers=bearer(world.guatemala))
    assert client.get("/api/v1/meetings?country=GT&limit=2",
                      headers={"If-None-Match": tag}).status_code == 200
    window = client.get("/api/v1/meetings", query_string={
        "from": "2027-04-01T00:00:00+00:00", "to": "2027-12-31T00:00:00+00:00"}).get_json()
    assert all("2027-04" <= m["start"][:7] <= "2027-12" for m in window["items"])


@frozen
def test_dry_run_computes_dates_and_writes_nothing_then_create_does(world, client) -> None:
    series = {"kind": "national", "country": "GT", "first_date": "2027-01-01",
              "start_time": "10:00", "zone": "America/Guatemala"}
    before = db.session.scalar(sa.select(sa.func.count(Series.id)))
    dry = client.post("/api/v1/series", json={**series, "dry_run": True},
                      headers=bearer(world.guatemala))
    assert dry.status_code == 200
    meetings = dry.get_json()["meetings"]
    assert meetings[0]["shifted_from"] == "2027-01-01" and meetings[0]["holiday"]
    assert len(meetings) >= 8
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == before
    made = client.post("/api/v1/series", json=series, headers=bearer(world.guatemala))
    assert made.status_code == 201 and made.headers["Location"].startswith("/api/v1/series/")
    assert made.get_json()["meetings"] >= 4
    # Recorded as done through the API, by the coordinator's account.
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "series.schedule").order_by(AuditEntry.id.desc()))
    assert entry.actor == "api:gt@example.org" and entry.account_id is not None


@frozen
def test_dry_run_warns_about_clashes_with_the_accounts_other_meetings(world, client) -> None:
    series = {"kind": "extraordinary", "country": "GT", "first_date": "2027-02-10",
              "start_time": "10:30", "zone": "America/Guatemala", "duration_minutes": 60,
              "dry_run": True}
    # The secretariat's own meeting at that hour makes it busy.
    client.post("/api/v1/series", json={**series, "dry_run": False},
                headers=bearer(world.secretariat))
    answer = client.post("/api/v1/series", json=series, headers=bearer(world.secretariat))
    clashes = answer.get_json()["meetings"][0]["clashes"]
    assert [c["source"] for c in clashes] == ["meeting"]


@frozen
def test_move_cancel_agenda_and_moderation_through_the_api(world, client) -> None:
    auth = bearer(world.guatemala)
    moved = client.post(f"/api/v1/meetings/{world.meeting_id}/move",
                        json={"start": "2027-02-11T15:00:00-06:00", "reason": "Feria"},
                        headers=auth)
    assert moved.status_code == 200
    assert moved.get_json()["moved"] and moved.get_json()["sequence"] == 1
    first = client.post(f"/api/v1/meetings/{world.meeting_id}/agenda-items",
                        json={"title": "Avances", "kind": "progress"}, headers=auth)
    second = client.post(f"/api/v1/meetings/{world.meeting_id}/agenda-items",
                         json={"title": "Propuestas", "kind": "cso-proposal"}, headers=auth)
    assert first.status_code == second.status_code == 201
    item = second.get_json()["items"][1]["id"]
    ordered = client.post(f"/api/v1/meetings/{world.meeting_id}/agenda-items/{item}/position",
                          json={"position": 1}, headers=auth).get_json()
    assert [i["title"] for i in ordered["items"]] == ["Propuestas", "Avances"]
    published = client.post(f"/api/v1/meetings/{world.meeting_id}/agenda/publish",
                            headers=auth).get_json()
    assert [i["title"] for i in published["agenda"]] == ["Propuestas", "Avances"]
    again = client.post(f"/api/v1/meetings/{world.meeting_id}/agenda/publish", headers=auth)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    cancelled = client.post(f"/api/v1/meetings/{world.meeting_id}/cancel",
                            json={"reason": "Emergencia"}, headers=auth)
    assert cancelled.get_json()["status"] == "cancelled"
    assert db.session.get(Meeting, world.meeting_id).cancel_reason == "Emergencia"


@frozen
def test_scope_and_tokens(world, client) -> None:
    outsider = client.post(f"/api/v1/meetings/{world.meeting_id}/cancel", json={},
                           headers=bearer(world.mexico))
    assert outsider.status_code == 403
    contacts = f"/api/v1/organisations/{world.organisation_id}/contacts"
    assert client.get(contacts, headers=bearer(world.guatemala)).status_code == 403
    assert client.get(contacts, headers=bearer(world.secretariat)).get_json()["items"][0][
        "email"] == "ana@example.org"
    assert client.get(contacts).status_code == 401
    assert "Bearer" in client.get(contacts).headers["WWW-Authenticate"]
    from coordinator.models import ApiToken

    token_row = db.session.scalar(sa.select(ApiToken).where(
        ApiToken.prefix == world.secretariat[:12]))
    assert token_row.token_hash != world.secretariat and len(token_row.token_hash) == 64
    revoke_token(token_row.id, token_row.account_id, now=NOW, actor=Actor.cli())
    assert client.get(contacts, headers=bearer(world.secretariat)).status_code == 401
    assert client.get("/api/v1/countries", headers={"Authorization": "Basic abc"}
                      ).status_code == 401


def test_openapi_document_and_docs_page(app, client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    operations = [(m, p) for p, item in doc["paths"].items() for m in item]
    assert len(operations) >= 20
    move = doc["paths"]["/meetings/{meeting_id}/move"]["post"]
    assert move["security"] == [{"token": []}]
    assert move["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/MoveIn"
    assert "application/problem+json" in move["responses"]["422"]["content"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST /meetings/{meeting_id}/move" in page and "<script" not in page


def test_openapi_document_is_valid_openapi_3_1(app, client) -> None:
    """Checked by an independent validator, not only by the code that wrote it."""
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").get_json())


@frozen
def test_compliance_and_outbox_status(world, client) -> None:
    report = client.get("/api/v1/compliance?year=2027").get_json()
    assert report["countries"]["GT"][0]["state"] in ("scheduled", "due")
    assert client.get("/api/v1/compliance?year=1999").status_code == 422
    outbox = client.get("/api/v1/outbox", headers=bearer(world.guatemala)).get_json()
    assert set(outbox["counts"]) == {"queued", "sending", "sent", "failed"}


@frozen
def test_review_edges_answer_4xx_not_500(world, client) -> None:
    auth = bearer(world.secretariat)
    for query in ("from=0001-01-01T00:00:00%2B01:00", "to=9999-12-31T23:00:00-05:00"):
        assert client.get(f"/api/v1/meetings?{query}").status_code == 422, query
    for start in ("9999-12-31T23:00:00-05:00", "9999-12-31T20:00:00Z"):
        assert client.post(f"/api/v1/meetings/{world.meeting_id}/move", json={"start": start},
                           headers=auth).status_code == 422
    series = {"kind": "national", "country": "GT", "start_time": "23:00",
              "zone": "Etc/GMT+12"}
    assert client.post("/api/v1/series", json={**series, "first_date": "9999-12-31"},
                       headers=auth).status_code == 422
    assert client.post("/api/v1/series", json={
        **series, "first_date": "2027-01-05", "rrule": "FREQ=DAILY;UNTIL=99991231"},
        headers=auth).status_code == 422
    nested = client.post(f"/api/v1/meetings/{world.meeting_id}/cancel", data="[" * 100_000,
                         content_type="application/json", headers=auth)
    assert nested.status_code == 400
    wrong_method = client.put("/api/v1/meetings")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]


@frozen
def test_online_link_and_cache_tags_respect_who_and_which_language(world, client) -> None:
    from coordinator.models import Series

    series = db.session.get(Series, world.series_id)
    series.online_url = "https://meet.example/j/123?pwd=SECRET"
    db.session.commit()
    assert client.get(f"/api/v1/series/{world.series_id}").get_json()["online_url"] is None
    assert "SECRET" not in client.get("/api/v1/series").get_data(as_text=True)
    own = client.get(f"/api/v1/series/{world.series_id}", headers=bearer(world.guatemala))
    assert own.get_json()["online_url"].endswith("SECRET")
    english = client.get("/api/v1/meetings?country=GT")
    spanish = client.get("/api/v1/meetings?country=GT", headers={
        "If-None-Match": english.headers["ETag"], "Accept-Language": "es"})
    assert spanish.status_code == 200 and "Guatemala" in spanish.get_data(as_text=True)
    assert client.get("/api/v1/meetings/424242",
                      headers={"If-None-Match": "*"}).status_code == 404


@frozen
def test_api_refuses_a_representative_on_a_national_series_as_the_workspace_does(
        world, client) -> None:
    # Recommendation 4: a committee's CSO representative sits in its briefings; a national
    # series has no such role (the API used to answer 201 here).
    path = f"/api/v1/series/{world.series_id}/participants"
    refused = client.post(path, json={"organisation_id": world.organisation_id,
                                      "role": "representative"}, headers=bearer(world.guatemala))
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {"field": "role", "message": "This role does not exist for this kind of meeting."}]
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0
    invited = client.post(path, json={"organisation_id": world.organisation_id},
                          headers=bearer(world.guatemala))
    assert invited.status_code == 201 and invited.get_json()["role"] == "invited"
