"""Minutes and action items through the three doors: the workspace, the API and the CLI
make the same change and give the same refusal (422, 409, 404 on the web; exit 2 on the
command line); a coordinator of another country is kept out; the public meeting page shows
the published minutes (never the draft, never unsanitised HTML) and the open items."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.cli import main
from coordinator.content import services as content
from coordinator.errors import InvalidInput
from coordinator.extensions import db
from coordinator.models import Account, Role
from coordinator.outcomes import minutes as minutes_service
from coordinator.outcomes import reads
from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.outcomes.models import ActionStatus
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import csrf_of, log_in, make_account

DRAFT = "## Acuerdos\n\nSe revisó el **plan de acogida**."
DUE = date(2027, 1, 15)


@pytest.fixture
def doors(outcomes, seeded):  # type: ignore[no-untyped-def]
    """A logged-in Guatemalan coordinator (workspace), their token (API), the CLI."""
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    return client, {"Authorization": f"Bearer {token}"}, seeded.test_cli_runner()


def _post(client, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, path)})


def test_minutes_are_drafted_and_published_alike_through_every_door(outcomes, doors,
                                                                    frozen) -> None:
    client, token, cli = doors
    meeting = outcomes.first
    page = f"/workspace/meetings/{meeting.id}/minutes"
    api = f"/api/v1/meetings/{meeting.id}/minutes"

    saved = _post(client, page, {"text": DRAFT, "decisions": "Uno\nDos", "written_in": "es"})
    assert saved.status_code == 302
    assert minutes_service.draft_of(meeting).decisions == ["Uno", "Dos"]

    # Before the meeting has started: 409 on the web, exit 2 on the command line.
    assert _post(client, f"{page}/publish", {}).status_code == 409
    assert client.post(f"{api}/publish", json={}, headers=token).status_code == 409
    assert cli.invoke(main, ["minutes", "publish", str(meeting.id)]).exit_code == 2

    frozen.move_to(outcomes.after_first)
    assert _post(client, f"{page}/publish", {}).status_code == 302
    # Nothing changed since: the same conflict through every door.
    assert _post(client, f"{page}/publish", {}).status_code == 409
    assert client.post(f"{api}/publish", json={}, headers=token).status_code == 409
    assert cli.invoke(main, ["minutes", "publish", str(meeting.id)]).exit_code == 2

    changed = client.put(api, json={"text": DRAFT + "\n\nCorrección.", "decisions": ["Uno"]},
                         headers=token)
    assert changed.status_code == 200 and changed.get_json()["draft_changed"] is True
    # A second version says what changed: 422 without it, on the web and through the API.
    refused = _post(client, f"{page}/publish", {})
    assert refused.status_code == 422
    assert client.post(f"{api}/publish", json={}, headers=token).status_code == 422
    assert cli.invoke(main, ["minutes", "publish", str(meeting.id)]).exit_code == 2
    published = cli.invoke(main, ["minutes", "publish", str(meeting.id), "--what-changed",
                                  "Corrección"])
    assert published.exit_code == 0, published.output

    shown = client.get(page).get_data(as_text=True)
    assert "Version 2" in shown and "Corrección" in shown and 'name="what_changed"' in shown
    versions = client.get(api).get_json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["what_changed"] == "Corrección" and versions[1]["decisions"] == ["Uno"]
    assert "<strong>plan de acogida</strong>" in versions[1]["html"]


def test_html_in_the_minutes_is_refused_and_nothing_typed_is_lost(outcomes, doors) -> None:
    client, token, _cli = doors
    meeting = outcomes.first
    page = f"/workspace/meetings/{meeting.id}/minutes"
    hostile = "Acta <script>alert(1)</script>"
    answer = _post(client, page, {"text": hostile, "decisions": "Uno", "written_in": "es"})
    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert "Acta &lt;script&gt;alert(1)&lt;/script&gt;" in body  # kept, escaped
    assert "<script>alert(1)" not in body
    api = client.put(f"/api/v1/meetings/{meeting.id}/minutes", json={"text": hostile},
                     headers=token)
    assert api.status_code == 422 and api.get_json()["errors"]
    assert minutes_service.draft_of(meeting) is None


def test_the_public_page_shows_the_published_minutes_sanitised_not_the_draft(
        outcomes, doors, seeded, frozen) -> None:
    client, token, _cli = doors
    meeting = outcomes.first
    minutes_service.save_draft(
        meeting.id, text="Publicado. [enlace](javascript:alert(1)) y [web](https://example.org)",
        decisions=["Aprobar el plan"], written_in="es", now=NOW, actor=Actor.cli())
    frozen.move_to(outcomes.after_first)
    minutes_service.publish_minutes(meeting.id, now=outcomes.after_first, actor=Actor.cli())
    content.translate("minutes", minutes_service.draft_of(meeting).id, "text", "ht",
                      "Pibliye. **Plan akèy** la.", now=outcomes.after_first,
                      actor=Actor.cli(), within=meeting.id)
    minutes_service.save_draft(meeting.id, text="Borrador secreto", written_in="es",
                               now=outcomes.after_first, actor=Actor.cli())
    add_action_item(text="Enviar el informe", owner=Owner(country="GT"), due_on=DUE,
                    meeting_id=meeting.id, now=outcomes.after_first, actor=Actor.cli())
    dropped = add_action_item(text="Tarea abandonada", owner=Owner(country="GT"), due_on=DUE,
                              meeting_id=meeting.id, now=outcomes.after_first,
                              actor=Actor.cli())
    assert client.patch(f"/api/v1/action-items/{dropped.id}",
                        json={"status": "dropped", "reason": "Ya no aplica"},
                        headers=token).status_code == 200

    public = seeded.test_client().get(f"/meetings/{meeting.id}?lang=en")
    page = public.get_data(as_text=True)
    assert "Publicado." in page and "Aprobar el plan" in page
    assert "Borrador secreto" not in page
    assert 'href="javascript:' not in page  # left as text, never a link
    assert 'href="https://example.org"' in page
    assert "(written in Spanish)" in page  # the original, marked as such
    assert "Enviar el informe" in page and "Tarea abandonada" not in page
    api = client.get(f"/api/v1/meetings/{meeting.id}/minutes").get_json()
    assert [v["version"] for v in api["versions"]] == [1]

    # A translation of the published text (made before the draft moved on) is what a
    # Kreyòl reader gets.
    kreyol = seeded.test_client().get(f"/meetings/{meeting.id}?lang=ht").get_data(as_text=True)
    assert '<div class="minutes" lang="ht"><p>Pibliye. <strong>Plan akèy</strong> la.</p>' \
        in kreyol
    assert "Borrador" not in str(api)


def test_action_items_change_alike_through_every_door(outcomes, doors, frozen) -> None:
    client, token, cli = doors
    meeting = outcomes.first
    page = f"/workspace/meetings/{meeting.id}/action-items"
    api = f"/api/v1/meetings/{meeting.id}/action-items"

    listing = client.get(page).get_data(as_text=True)
    assert 'value="country:GT"' in listing and 'value="country:MX"' not in listing
    assert _post(client, page, {"text": "Enviar el informe", "owner": "country:GT",
                                "due_on": DUE.isoformat()}).status_code == 302
    made = client.post(api, json={"text": "Convocar a las redes", "owner": "country:GT",
                                  "due_on": DUE.isoformat()}, headers=token)
    assert made.status_code == 201, made.get_json()
    first, second = reads.items_of_meeting(meeting.id)
    assert (first.owner_country.iso, second.owner_country.iso) == ("GT", "GT")

    # An owner outside the coordinator's scope, and a date already past: 422, typed kept.
    outside = _post(client, page, {"text": "Tarea de México", "owner": "country:MX",
                                   "due_on": DUE.isoformat()})
    assert outside.status_code == 422 and "Tarea de México" in outside.get_data(as_text=True)
    assert client.post(api, json={"text": "x", "owner": "country:MX",
                                  "due_on": DUE.isoformat()},
                       headers=token).status_code == 422
    assert _post(client, page, {"text": "Tarde", "owner": "country:GT",
                                "due_on": "2026-01-01"}).status_code == 422

    # Dropping needs a reason (422 / exit 2); the same change through each door.
    status = f"{page}/{first.id}/status"
    assert _post(client, status, {"status": "dropped"}).status_code == 422
    assert client.patch(f"/api/v1/action-items/{first.id}", json={"status": "dropped"},
                        headers=token).status_code == 422
    assert cli.invoke(main, ["action-items", "set-status", str(first.id),
                             "dropped"]).exit_code == 2
    assert _post(client, status, {"status": "done"}).status_code == 302
    assert client.patch(f"/api/v1/action-items/{second.id}", json={"status": "done"},
                        headers=token).get_json()["status"] == "done"
    # A done item is not dropped without reopening it: 409 everywhere.
    assert _post(client, status, {"status": "dropped", "reason": "x"}).status_code == 409
    assert client.patch(f"/api/v1/action-items/{first.id}",
                        json={"status": "dropped", "reason": "x"},
                        headers=token).status_code == 409
    refused = cli.invoke(main, ["action-items", "set-status", str(first.id), "dropped",
                                "--reason", "x"])
    assert refused.exit_code == 2 and "reopen" in refused.output
    reopened = cli.invoke(main, ["action-items", "set-status", str(first.id),
                                 "in-progress"])
    assert reopened.exit_code == 0, reopened.output
    assert reads.find_action_item(first.id).status == ActionStatus.IN_PROGRESS

    # An item nobody has: 404 on the web, exit 2 on the command line.
    assert _post(client, f"{page}/999999/status", {"status": "done"}).status_code == 404
    assert client.patch("/api/v1/action-items/999999", json={"status": "done"},
                        headers=token).status_code == 404
    assert cli.invoke(main, ["action-items", "set-status", "999999", "done"]).exit_code == 2

    # Overdue once the due day has ended in Guatemala, in the public list and the CLI.
    frozen.move_to(outcomes.after_first.replace(year=2027, month=1, day=17))
    overdue = client.get("/api/v1/action-items?overdue=true").get_json()["items"]
    assert [i["id"] for i in overdue] == [first.id]
    assert [i["id"] for i in client.get("/api/v1/action-items?status=done")
            .get_json()["items"]] == [second.id]
    listed = cli.invoke(main, ["action-items", "list", "--overdue"])
    assert listed.exit_code == 0 and listed.output.startswith(f"{first.id}\tin-progress")


def test_a_coordinator_of_another_country_is_kept_out(outcomes, doors, seeded) -> None:
    _client, _token, _cli = doors
    meeting = outcomes.first
    item = add_action_item(text="Enviar el informe", owner=Owner(country="GT"), due_on=DUE,
                           meeting_id=meeting.id, now=NOW, actor=Actor.cli())
    mexico = db.session.scalar(select(Account).where(Account.email == "mx@example.org"))
    token = {"Authorization": "Bearer " + create_token(mexico.id, "mx", now=NOW,
                                                       actor=Actor.cli())}
    outsider = seeded.test_client()
    log_in(outsider, "mx@example.org")
    assert outsider.get(f"/workspace/meetings/{meeting.id}/minutes").status_code == 403
    assert outsider.get(f"/workspace/meetings/{meeting.id}/action-items").status_code == 403
    assert outsider.get("/workspace/meetings/999999/minutes").status_code == 404
    assert outsider.put(f"/api/v1/meetings/{meeting.id}/minutes", json={"text": "x"},
                        headers=token).status_code == 403
    assert outsider.patch(f"/api/v1/action-items/{item.id}", json={"status": "done"},
                          headers=token).status_code == 403
    assert outsider.put("/api/v1/meetings/999999/minutes", json={"text": "x"},
                        headers=token).status_code == 404
    assert reads.find_action_item(item.id).status == ActionStatus.OPEN
    assert minutes_service.draft_of(meeting) is None


def test_the_owner_choices_follow_the_coordinators_scope(outcomes, doors) -> None:
    guatemala = db.session.scalar(select(Account).where(Account.email == "gt@example.org"))
    keys = [key for key, _label in reads.owner_choices(guatemala)]
    assert "country:GT" in keys and "country:MX" not in keys
    assert f"account:{guatemala.id}" in keys
    assert not any(k.startswith("committee:") for k in keys)
    assert reads.owner_from_key("organisation:12") == Owner(organisation_id=12)
    with pytest.raises(InvalidInput):
        reads.owner_from_key("organisation:12x")


def test_feeds_link_to_published_minutes_only(outcomes, frozen) -> None:
    """A meeting's calendar event links to its minutes once they are published."""
    from flask import current_app
    from icalendar import Calendar

    from coordinator.outcomes.minutes import publish_minutes, save_draft
    from coordinator.unit import Actor

    meeting = outcomes.first
    save_draft(meeting.id, text="Acta breve", written_in="es", now=NOW, actor=Actor.cli())
    frozen.move_to(outcomes.after_first)
    web = current_app.test_client()

    def description() -> str:
        feed = Calendar.from_ical(web.get(f"/feeds/series/{meeting.series_id}.ics").data)
        event = next(e for e in feed.walk("VEVENT") if str(e["UID"]) == meeting.uid)
        return str(event["DESCRIPTION"])

    assert "#minutes" not in description()  # a draft is not linked
    publish_minutes(meeting.id, now=outcomes.after_first, actor=Actor.cli())
    assert f"/meetings/{meeting.id}#minutes" in description()
