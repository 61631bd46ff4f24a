"""Hostile input to every HTML page and form: never a server error, nothing written.

NUL and other C0 controls, bidi overrides, malformed URLs, ids past the integer range and
reserved query names, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine
from flask import Flask

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Organisation, Role, Series
from coordinator.unit import Actor
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
POISON = ["a\x00b", "\x07bell", "x\x1b[31m", "\u202eevil", "http://[::1", "http://[::1]:99999/",
          "9" * 40, "-1", "2147483648"]
QUERIES = ["endpoint=x", "endpoint=x&lang=es", "_external=1", "meeting_id=2", "lang=%00",
           "tz=%00", "country=%00", "page=99999999999999999999"]
LINK = re.compile(r'href="(/[^"#?]*)"')


@pytest.fixture
def world(seeded: Flask):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        make_account(Role.SECRETARIAT, email="sec@example.org")
        series = schedule_series(SeriesInput(
            kind=SeriesKind.NATIONAL, country="GT", first_date=date(2027, 1, 15),
            start_time=time(10), zone="America/Guatemala"), now=NOW, actor=Actor.cli())
        yield series


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count(Series.id))) or 0,
            db.session.scalar(sa.select(sa.func.count(Organisation.id))) or 0)


def test_no_page_answers_500_to_a_crafted_query_string(seeded: Flask, world) -> None:
    with time_machine.travel(NOW, tick=False):
        client = seeded.test_client()
        log_in(client, "sec@example.org")
        meeting = world.meetings[0]
        pages = {"/", f"/meetings/{meeting.id}", "/tracker", "/register", "/feeds/",
                 "/proposals", "/committees/representatives", "/workspace/",
                 "/workspace/series", f"/workspace/series/{world.id}",
                 f"/workspace/meetings/{meeting.id}", "/workspace/outbox"}
        pages |= set(LINK.findall(client.get("/workspace/").get_data(as_text=True)))
        for page in sorted(p for p in pages if not p.startswith("/static")):
            for query in QUERIES:
                answer = client.get(f"{page}?{query}")
                assert answer.status_code < 500, (page, query, answer.status_code)
        for huge in ("2147483648", "99999999999999999999"):
            for page in (f"/meetings/{huge}", f"/workspace/meetings/{huge}",
                         f"/workspace/series/{huge}", f"/feeds/series/{huge}.ics"):
                assert client.get(page).status_code == 404, page


@pytest.mark.parametrize("value", POISON)
def test_forms_refuse_hostile_values_without_a_server_error(seeded: Flask, world,
                                                            value: str) -> None:
    with time_machine.travel(NOW, tick=False):
        client = seeded.test_client()
        before = counts()
        registration = {"name": value, "scope": "national", "countries": "GT",
                        "languages": "es", "contact_name": value, "email": "x@example.org",
                        "contact_language": "es", "zone": "America/Guatemala",
                        "website": value, "description": value, "consent": "y"}
        answer = client.post("/register", data={**registration,
                                                 "csrf_token": csrf_of(client, "/register")})
        assert answer.status_code < 500, answer.status_code
        log_in(client, "sec@example.org")
        token = csrf_of(client, "/workspace/")
        series_form = {"kind": "national", "country": "GT", "first_date": "2027-02-01",
                       "start_time": "10:00", "zone": "America/Guatemala", "action": "save",
                       "csrf_token": token}
        for field in ("title", "online_url", "location", "description", "rrule", "country",
                      "first_date", "duration", "reminders", "zone"):
            answer = client.post("/workspace/series/new", data={**series_form, field: value})
            assert answer.status_code < 500, (field, answer.status_code)
        meeting = world.meetings[0]
        for path, data in (
                (f"/workspace/series/{world.id}/participants", {"organisation": value}),
                (f"/workspace/meetings/{meeting.id}/agenda", {"title": value, "kind": value}),
                (f"/workspace/meetings/{meeting.id}/move", {"date": value, "time": value,
                                                            "reason": value}),
                (f"/workspace/meetings/{meeting.id}/cancel", {"reason": value})):
            answer = client.post(path, data={**data, "csrf_token": token})
            assert answer.status_code < 500, (path, answer.status_code)
        if any(c in value for c in "\x00\x07\x1b\u202e"):
            assert counts() == before  # refused: nothing written


def test_the_api_refuses_hidden_characters_in_json_with_a_problem(seeded: Flask,
                                                                  world) -> None:
    from coordinator.accounts.api_tokens import create_token
    from coordinator.models import Account

    with time_machine.travel(NOW, tick=False):
        account = db.session.scalars(sa.select(Account)).one()
        token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
        before = counts()
        for title in ("a\x00b", "Mesa \u202enacional", "Red\u200bGT"):
            answer = seeded.test_client().post(
                "/api/v1/series", headers={"Authorization": f"Bearer {token}"},
                json={"kind": "national", "country": "GT", "first_date": "2027-02-01",
                      "start_time": "10:00", "zone": "America/Guatemala", "title": title})
            assert answer.status_code == 422, title
            assert answer.mimetype == "application/problem+json"
            assert "title" in str(answer.get_json())
        assert counts() == before


def test_the_api_asks_who_calls_before_it_reads_the_body(seeded: Flask) -> None:
    client = seeded.test_client()
    anonymous = client.post("/api/v1/series", json={"kind": "nonsense"})
    assert anonymous.status_code == 401 and "kind" not in anonymous.get_data(as_text=True)
    bogus = client.post("/api/v1/series", json={"kind": "nonsense"},
                        headers={"Authorization": "Bearer coord_not-a-token"})
    assert bogus.status_code == 401
