"""The public pages this foundation serves: home, meeting page, health."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import time_machine

from coordinator.cadence.kinds import SeriesKind
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.unit import Actor


def make_series(now: datetime):  # type: ignore[no-untyped-def]
    return schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="HT",
                                       first_date=date(2027, 1, 1), start_time=time(10),
                                       zone="America/Port-au-Prince"),
                           now=now, actor=Actor.cli())


@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False)
def test_home_lists_upcoming_meetings_in_the_visitors_language(seeded, client) -> None:
    make_series(datetime(2026, 11, 22, 12, tzinfo=UTC))
    english = client.get("/").get_data(as_text=True)
    assert "National CSO meeting – Haiti" in english
    assert ("Moved from Friday, January 1, 2027, a public holiday: National Independence Day"
            in english)
    spanish = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert 'lang="es"' in spanish and "Haití" in spanish


@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False)
def test_meeting_page_shows_its_deadlines(seeded, client) -> None:
    series = make_series(datetime(2026, 11, 22, 12, tzinfo=UTC))
    page = client.get(f"/meetings/{series.meetings[0].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Agenda due" in text and "Dec 21, 2026" in text
    assert client.get("/meetings/99999").status_code == 404


def test_filters_refuse_nothing_and_break_nothing(seeded, client) -> None:
    for query in ("?country=ZZZZ", "?kind=<script>", "?committee=" + "x" * 5000, "?lang=xx"):
        assert client.get("/" + query).status_code == 200


def test_healthz_says_ok_to_anyone_and_details_to_staff(app, client) -> None:
    from coordinator.models import Role
    from tests.web.people import log_in, make_account

    assert client.get("/healthz").get_json() == {"status": "ok"}  # no internals in public
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    body = client.get("/healthz").get_json()
    assert body["database"] == "ok" and "jobs" in body


@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False)
def test_haitian_creole_is_chosen_remembered_and_shown(seeded, client) -> None:
    make_series(datetime(2026, 11, 22, 12, tzinfo=UTC))
    first = client.get("/?lang=ht")
    page = first.get_data(as_text=True)
    assert '<html lang="ht">' in page
    assert "Reyinyon" in page  # from the compiled ht catalog
    assert "lang=ht" in first.headers.get("Set-Cookie", "")
    again = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ht">' in again  # the remembered choice beats the browser's
