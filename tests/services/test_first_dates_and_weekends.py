"""Any first date and rest days through every door: service, workspace, API, command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.errors import InvalidRule
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.errors import Conflict
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, preview, schedule_series
from coordinator.models import Meeting, Role, Series
from coordinator.unit import Actor
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
frozen = time_machine.travel(NOW, tick=False)


def national(first: date, **more) -> SeriesInput:  # type: ignore[no-untyped-def]
    return SeriesInput(kind=SeriesKind.NATIONAL, country="GT", first_date=first,
                       start_time=time(10), zone="America/Guatemala", **more)


def count_series() -> int:
    return db.session.scalar(sa.select(sa.func.count(Series.id))) or 0


def test_saturday_moves_to_monday_and_the_pages_say_why(seeded, client) -> None:
    series = schedule_series(national(date(2027, 6, 12)), now=NOW, actor=Actor.cli())
    first = min(series.meetings, key=lambda m: m.start_at)
    assert first.start_local.date() == date(2027, 6, 14)
    assert (first.shifted_from, first.holiday_name) == (date(2027, 6, 12), None)
    assert not series.allow_weekends
    page = client.get(f"/meetings/{first.id}").get_data(as_text=True)
    assert "Moved from Saturday, June 12, 2027, a weekend day." in page
    assert "public holiday" not in page  # the page does not invent a holiday
    spanish = client.get(f"/meetings/{first.id}?lang=es").get_data(as_text=True)
    assert "sábado, 12 de junio de 2027" in spanish


def test_holiday_friday_moves_to_monday_and_is_named_in_the_readers_language(
        seeded, client) -> None:
    series = schedule_series(national(date(2027, 1, 1)), now=NOW, actor=Actor.cli())
    first = min(series.meetings, key=lambda m: m.start_at)
    assert first.start_local.date() == date(2027, 1, 4)
    assert first.holiday_name == "New Year's Day"
    spanish = client.get(f"/meetings/{first.id}?lang=es").get_data(as_text=True)
    assert "Año Nuevo" in spanish


def test_a_series_that_allows_weekends_keeps_its_saturday(seeded) -> None:
    series = schedule_series(national(date(2027, 6, 12), allow_weekends=True), now=NOW,
                             actor=Actor.cli())
    first = min(series.meetings, key=lambda m: m.start_at)
    assert series.allow_weekends and first.start_local.date() == date(2027, 6, 12)
    assert first.shifted_from is None
    # Extraordinary meetings may fall on a weekend unless told otherwise.
    emergency = schedule_series(SeriesInput(
        kind=SeriesKind.EXTRAORDINARY, first_date=date(2026, 12, 5), start_time=time(10),
        zone="America/Port-au-Prince", short_notice_justification="Storm"),
        now=NOW, actor=Actor.cli())
    assert emergency.allow_weekends
    assert emergency.meetings[0].start_local.date() == date(2026, 12, 5)


def test_series_from_30_november_has_its_february_meeting(seeded) -> None:
    series = schedule_series(national(date(2026, 11, 30)), now=NOW, actor=Actor.cli())
    keys = sorted(m.occurrence_key[:10] for m in series.meetings)
    assert keys[:3] == ["2026-11-30", "2027-02-28", "2027-05-30"]
    starts = sorted(m.start_local.date() for m in series.meetings)
    # 28 February 2027 is a Sunday and 30 May too: the Friday before stays in the month.
    assert starts[:3] == [date(2026, 11, 30), date(2027, 2, 26), date(2027, 5, 31)]
    assert "BYMONTHDAY=28,29,30;BYSETPOS=-1" in series.current_rule.rrule


def test_bad_first_dates_and_rules_are_refused_and_nothing_is_written(seeded) -> None:
    with pytest.raises(Conflict) as past:
        schedule_series(national(date(2026, 11, 21)), now=NOW, actor=Actor.cli())
    assert past.value.field == "first_date" and "has passed" in past.value.message
    with pytest.raises(Conflict):
        preview(national(date(2026, 11, 21)), now=NOW)
    with pytest.raises(InvalidRule) as skipping:
        schedule_series(national(date(2027, 1, 30), rrule="FREQ=MONTHLY;INTERVAL=3"),
                        now=NOW, actor=Actor.cli())
    assert "BYMONTHDAY=28,29,30;BYSETPOS=-1" in skipping.value.message
    with pytest.raises(InvalidRule) as crowded:
        schedule_series(SeriesInput(kind=SeriesKind.COORDINATORS, first_date=date(2027, 6, 12),
                                    start_time=time(10), zone="America/Guatemala",
                                    holiday_country="GT", rrule="FREQ=DAILY;COUNT=5"),
                        now=NOW, actor=Actor.cli())
    assert "BYDAY=MO,TU,WE,TH,FR" in crowded.value.message
    assert count_series() == 0
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


@frozen
def test_workspace_refuses_in_the_readers_language_and_offers_the_rule(seeded) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    form = {"kind": "national", "country": "GT", "first_date": "2027-01-30",
            "start_time": "10:00", "zone": "America/Guatemala",
            "rrule": "FREQ=MONTHLY;INTERVAL=3", "action": "save"}
    client.get("/?lang=es")  # the reader chose Spanish
    answer = client.post("/workspace/series/new",
                         data={**form, "csrf_token": csrf_of(client, "/workspace/")})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=28,29,30;BYSETPOS=-1" in page
    assert "skips the months" not in page  # not English
    assert 'value="FREQ=MONTHLY;INTERVAL=3"' in page  # what was typed is kept
    # The default rule from the same date works, and the preview marks the moves.
    shown = client.post("/workspace/series/new", data={
        **form, "rrule": "", "action": "preview",
        "csrf_token": csrf_of(client, "/workspace/")})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "30 de abril de 2027" in text  # Friday 30 April 2027
    assert "30 de julio de 2027" in text
    # 30 October 2027 is a Saturday: it moves to Friday 29 October and says so.
    assert "29 de octubre de 2027" in text and "sábado, 30 de octubre de 2027" in text
    # Allowing weekends keeps the Saturday.
    kept = client.post("/workspace/series/new", data={
        **form, "rrule": "", "action": "save", "weekends": "allow",
        "csrf_token": csrf_of(client, "/workspace/")})
    assert kept.status_code == 302
    series = db.session.scalars(sa.select(Series)).one()
    assert series.allow_weekends
    assert date(2027, 10, 30) in {m.start_local.date() for m in series.meetings}
    # A past first date, in Spanish too.
    past = client.post("/workspace/series/new", data={
        **form, "rrule": "", "first_date": "2026-11-01",
        "csrf_token": csrf_of(client, "/workspace/")})
    assert past.status_code == 409 or past.status_code == 422
    assert "domingo, 1 de noviembre de 2026" in past.get_data(as_text=True)
    assert count_series() == 1


@frozen
def test_api_dry_run_shows_month_end_dates_and_weekend_moves(seeded, client) -> None:
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    auth = {"Authorization": f"Bearer {token}"}
    body = {"kind": "national", "country": "GT", "first_date": "2026-11-30",
            "start_time": "10:00", "zone": "America/Guatemala", "dry_run": True}
    meetings = client.post("/api/v1/series", json=body, headers=auth).get_json()["meetings"]
    february = meetings[1]
    assert february["start"].startswith("2027-02-26")
    assert (february["shifted_from"], february["moved_because"]) == ("2027-02-28", "weekend")
    assert meetings[0]["moved_because"] is None
    kept = client.post("/api/v1/series", json={**body, "allow_weekends": True},
                       headers=auth).get_json()["meetings"]
    assert kept[1]["start"].startswith("2027-02-28") and kept[1]["shifted_from"] is None
    refused = client.post("/api/v1/series", json={**body, "dry_run": False,
                                                  "rrule": "FREQ=MONTHLY;INTERVAL=3"},
                          headers={**auth, "Accept-Language": "es"})
    assert refused.status_code == 422
    problem = refused.get_json()
    assert "BYMONTHDAY=28,29,30;BYSETPOS=-1" in str(problem)
    made = client.post("/api/v1/series", json={**body, "dry_run": False,
                                               "allow_weekends": True}, headers=auth)
    assert made.status_code == 201 and made.get_json()["allow_weekends"] is True
    assert count_series() == 1


@frozen
def test_cli_dry_run_from_31_march_lists_the_quarter_ends(seeded) -> None:
    runner = seeded.test_cli_runner()
    common = ["series", "add", "--kind", "national", "--country", "GT", "--time", "10:00",
              "--zone", "America/Guatemala"]
    result = runner.invoke(main, [*common, "--first-date", "2027-03-31", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == ["2027-03-31 Wed 10:00 CST", "2027-06-30 Wed 10:00 CST",
                         "2027-09-30 Thu 10:00 CST", "2027-12-31 Fri 10:00 CST"]
    weekend = runner.invoke(main, [*common, "--first-date", "2027-06-12", "--dry-run"])
    assert weekend.output.splitlines()[0] == (
        "2027-06-14 Mon 10:00 CST  (moved from Sat 2027-06-12: weekend)")
    kept = runner.invoke(main, [*common, "--first-date", "2027-06-12", "--dry-run",
                                "--weekends"])
    assert kept.output.splitlines()[0] == "2027-06-12 Sat 10:00 CST"
    past = runner.invoke(main, [*common, "--first-date", "2026-11-01"])
    assert past.exit_code == 2 and "first_date: The first date" in past.output
    assert count_series() == 0
