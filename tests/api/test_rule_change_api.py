"""A rule change through the API: the preview names the same meetings as the command
line's, writes nothing, and saving does what it said."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Meeting, MeetingStatus, Role
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import make_account


@pytest.fixture
def monthly(seeded, frozen):  # type: ignore[no-untyped-def]
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=date(2027, 1, 12),
        start_time=time(10), zone="America/Guatemala", rrule="FREQ=MONTHLY;INTERVAL=1"),
        now=NOW, actor=Actor.cli())
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    return series, {"Authorization": f"Bearer {token}"}


def _state() -> list[tuple[int, str, str]]:
    db.session.expire_all()
    return [(m.id, m.status.value, m.start_at.isoformat())
            for m in db.session.scalars(select(Meeting).order_by(Meeting.id))]


def test_the_preview_writes_nothing_and_saving_does_what_it_said(app, monthly) -> None:
    series, auth = monthly
    body = {"effective_from": "2027-03-01", "start_time": "10:00",
            "zone": "America/Guatemala", "rrule": "FREQ=MONTHLY;INTERVAL=3"}
    before = _state()
    client = app.test_client()
    preview = client.post(f"/api/v1/series/{series.id}/rule", json={**body, "preview": True},
                          headers=auth)
    assert preview.status_code == 200, preview.get_json()
    said = preview.get_json()
    assert said["saved"] is False and _state() == before
    assert said["first_date"] == "2027-01-12"  # the anchor is kept
    assert said["cancelled"], "every third month stays; the others go"
    cli = app.test_cli_runner().invoke(main, [
        "series", "change-rule", str(series.id), "--from", "2027-03-01", "--rrule",
        "FREQ=MONTHLY;INTERVAL=3", "--time", "10:00", "--zone", "America/Guatemala",
        "--preview"])
    assert cli.exit_code == 0, cli.output
    cancelled_by_cli = {int(line.split()[1].rstrip(":")) for line in cli.output.splitlines()
                        if line.startswith("cancelled")}
    assert cancelled_by_cli == {c["meeting_id"] for c in said["cancelled"]}
    saved = client.post(f"/api/v1/series/{series.id}/rule", json=body, headers=auth)
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    db.session.expire_all()
    for c in said["cancelled"]:
        assert db.session.get(Meeting, c["meeting_id"]).status == MeetingStatus.CANCELLED
    refused = client.post(f"/api/v1/series/{series.id}/rule",
                          json={**body, "effective_from": "2020-01-01"}, headers=auth)
    assert refused.status_code in (409, 422)
    assert refused.mimetype == "application/problem+json"
