"""The feeds CSOs subscribe to: content for every client, validators, cache, private tokens."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import time_machine
import vobject
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.feeds.tokens import rotate_feed_token
from coordinator.invitations.participants import add_participant
from coordinator.link_requests.services import answer_link_requests
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.meetings.services import cancel_meeting, move_meeting
from coordinator.models import Meeting, OutboxMessage
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world

HOSTILE = "Réunion; ordre, du jour\\ 🎉\nKreyòl: reyinyon ak sosyete sivil, ação\x07\u2028fin"
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(seeded):  # type: ignore[no-untyped-def]
    made = make_world(NOW, rrule="FREQ=MONTHLY;INTERVAL=3")
    schedule_series(SeriesInput(
        kind=SeriesKind.COMMITTEE, committee="labor-mobility", first_date=date(2027, 2, 3),
        start_time=time(9), zone="America/Mexico_City", title=HOSTILE, location=HOSTILE,
        online_url="https://meet.example.org/labor"), now=NOW, actor=Actor.cli())
    return made


def lines_of(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF everywhere, no bare LF
    return body.split(b"\r\n")[:-1]


def check_feed(body: bytes) -> tuple[icalendar.Calendar, object]:
    for line in lines_of(body):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a UTF-8 character
    text = body.decode("utf-8")
    cal = icalendar.Calendar.from_ical(text)
    vcal = vobject.readOne(text)
    tzids = set(re.findall(r"TZID=([^:;]+)", text))
    defined = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert sorted(defined) == sorted(set(defined)) and tzids <= set(defined)
    return cal, vcal


FEEDS = ["/feeds/all.ics", "/feeds/country/GT.ics", "/feeds/country/MX.ics",
         "/feeds/committee/labor-mobility.ics", "/feeds/all.ics?deadlines=1&lang=ht"]


@pytest.mark.parametrize("url", FEEDS)
def test_every_public_feed_parses_twice_and_keeps_personal_data_out(world, client,
                                                                     url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, no-cache"
    cal, vcal = check_feed(response.data)
    events = cal.walk("VEVENT")
    assert events, url
    text = response.data.decode()
    assert "ATTENDEE" not in text and "ORGANIZER" not in text
    assert "meet.example.org" not in text  # join links only in private feeds
    unfolded = text.replace("\r\n ", "")
    for line in unfolded.split("\r\n"):
        if not line.startswith("UID"):
            assert "@" not in line, line
    for key in ("NAME", "X-WR-CALNAME", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert f"\r\n{key}" in text
    assert len(vcal.contents["vevent"]) == len(events)


def test_hostile_text_is_escaped_and_survives_both_parsers(world, client) -> None:
    body = client.get("/feeds/committee/labor-mobility.ics").data
    cal, vcal = check_feed(body)
    expected = "Réunion; ordre, du jour\\ 🎉\nKreyòl: reyinyon ak sosyete sivil, açãofin"
    event = cal.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == expected
    assert str(event["LOCATION"]) == expected
    assert vcal.vevent.summary.value == expected
    assert b"du jour\\\\ " in body and "Réunion\\; ordre\\, du".encode() in body


def test_uids_are_stable_and_a_move_raises_the_sequence(world, client) -> None:
    first = client.get("/feeds/country/GT.ics")
    again = client.get("/feeds/country/GT.ics")
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    meeting = world.first
    move_meeting(meeting.id, wall_clock(date(2026, 12, 14), time(11),
                                        get_zone("America/Guatemala")),
                 now=NOW + timedelta(hours=1), actor=Actor.cli())
    moved = client.get("/feeds/country/GT.ics")
    assert moved.headers["ETag"] != first.headers["ETag"]
    before = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(first.data).walk("VEVENT")}
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(moved.data).walk("VEVENT")}
    assert set(before) == set(after)
    assert int(after[meeting.uid]["SEQUENCE"]) == int(before[meeting.uid]["SEQUENCE"]) + 1
    assert after[meeting.uid].decoded("LAST-MODIFIED") == NOW + timedelta(hours=1)
    assert before[meeting.uid].decoded("LAST-MODIFIED") == NOW
    assert after[meeting.uid].decoded("DTSTART").hour == 11


def test_a_cancelled_meeting_stays_marked_and_prefixed(world, client) -> None:
    meeting = world.first
    cancel_meeting(meeting.id, now=NOW, actor=Actor.cli())
    for lang, prefix in (("en", "Cancelled: "), ("es", None)):
        body = client.get(f"/feeds/country/GT.ics?lang={lang}").data
        event = next(e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
                     if str(e["UID"]) == meeting.uid)
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
        if prefix:
            assert str(event["SUMMARY"]).startswith(prefix)
        else:
            assert not str(event["SUMMARY"]).startswith("Cancelled")  # translated prefix
    # Still there 89 days later, even though it is in the past by then.
    with time_machine.travel(NOW + timedelta(days=89), tick=False):
        assert meeting.uid.encode() in client.get("/feeds/country/GT.ics").data


def test_revalidation_answers_304_and_head_works(world, client) -> None:
    response = client.get("/feeds/all.ics")
    tag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    again = client.get("/feeds/all.ics", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    since = client.get("/feeds/all.ics", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = client.get("/feeds/all.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    head = client.head("/feeds/all.ics")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(response.data)


def test_any_change_and_the_passing_day_invalidate_the_validators(world, client, app) -> None:
    tag = client.get("/feeds/all.ics").headers["ETag"]
    renders = app.extensions["feed_cache"].renders
    assert client.get("/feeds/all.ics").headers["ETag"] == tag
    assert app.extensions["feed_cache"].renders == renders  # served from the cache
    series = world.series
    series.location = "Otro lugar"
    series.updated_at = NOW
    db.session.commit()
    changed = client.get("/feeds/all.ics", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and b"Otro lugar" in changed.data
    assert app.extensions["feed_cache"].renders == renders + 1
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        next_day = client.get("/feeds/all.ics", headers={
            "If-None-Match": changed.headers["ETag"],
            "If-Modified-Since": changed.headers["Last-Modified"]})
        assert next_day.status_code == 200  # the window moved: the body may differ


def test_a_meeting_leaves_the_window_twelve_months_after_it_took_place(world, client) -> None:
    meeting = world.first  # 10 December 2026
    assert meeting.uid.encode() in client.get("/feeds/all.ics").data
    with time_machine.travel(datetime(2027, 12, 9, 12, tzinfo=UTC), tick=False):
        assert meeting.uid.encode() in client.get("/feeds/all.ics").data
    with time_machine.travel(datetime(2027, 12, 11, 12, tzinfo=UTC), tick=False):
        assert meeting.uid.encode() not in client.get("/feeds/all.ics").data


def test_language_defaults_and_choices(world, client) -> None:
    ht = client.get("/feeds/country/HT.ics").data.decode()
    assert "NAME;LANGUAGE=ht:" in ht
    br = client.get("/feeds/country/BR.ics").data.decode()
    assert "NAME;LANGUAGE=pt:" in br
    fr = client.get("/feeds/country/GT.ics?lang=fr").data.decode()
    assert "NAME;LANGUAGE=fr:" in fr
    assert "NAME;LANGUAGE=en:" in client.get("/feeds/all.ics").data.decode()


def test_deadline_markers_are_all_day_events(world, client) -> None:
    body = client.get("/feeds/country/GT.ics?deadlines=1").data
    cal, _ = check_feed(body)
    days = [e for e in cal.walk("VEVENT") if e.get("DTSTART").params.get("VALUE") == "DATE"]
    summaries = {str(e["SUMMARY"]).split(":")[0] for e in days}
    # Guatemala's feed speaks Spanish unless asked otherwise.
    assert summaries == {"Cierre de sugerencias de temas", "Fecha límite para la agenda"}
    english = icalendar.Calendar.from_ical(
        client.get("/feeds/country/GT.ics?deadlines=1&lang=en").data)
    assert {str(e["SUMMARY"]).split(":")[0] for e in english.walk("VEVENT")
            if e.get("DTSTART").params.get("VALUE") == "DATE"} == {"Topic suggestions close",
                                                                   "Agenda due"}
    agenda = next(e for e in days if str(e["UID"]) == f"agenda-due-{world.first.uid}")
    assert agenda.decoded("DTSTART") == date(2026, 11, 26)  # 14 days before 10 December
    assert str(agenda["TRANSP"]) == "TRANSPARENT"


@pytest.mark.parametrize(("url", "status"), [
    ("/feeds/country/XX.ics", 404), ("/feeds/country/GTM.ics", 404),
    ("/feeds/committee/nope.ics", 404), ("/feeds/series/999999.ics", 404),
    ("/feeds/series/99999999999999999999.ics", 404), ("/feeds/all.ics?lang=xx", 400),
    ("/feeds/all.ics?deadlines=yes", 400), ("/feeds/all.ics?x=" + "a" * 300, 400),
    ("/feeds/private/" + "A" * 43 + ".ics", 404), ("/feeds/private/..%2F..%2Fetc.ics", 404),
])
def test_bad_feed_requests_get_a_clear_4xx(world, client, url: str, status: int) -> None:
    assert client.get(url).status_code == status


def test_private_feed_shows_join_links_and_only_invited_meetings(world, client) -> None:
    token = rotate_feed_token(world.organisation.id, now=NOW, actor=Actor.cli())
    assert len(token) >= 43  # 256 random bits
    response = client.get(f"/feeds/private/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    cal, _ = check_feed(response.data)
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {m.uid for m in world.series.meetings}  # not the committee's meetings
    assert b"https://meet.example.org/gt" in response.data
    # Stored hashed: the token itself is nowhere in the database.
    from coordinator.models import FeedToken

    stored = db.session.scalars(select(FeedToken.token_hash)).all()
    assert token not in stored and len(stored[0]) == 64
    newer = rotate_feed_token(world.organisation.id, now=NOW, actor=Actor.cli())
    assert client.get(f"/feeds/private/{token}.ics").status_code == 404  # rotated away
    assert client.get(f"/feeds/private/{newer}.ics").status_code == 200


def test_private_feed_link_is_mailed_and_lets_a_contact_rotate_and_revoke(world, client) -> None:
    page = client.get("/feeds").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for address in ("ana@cso.example", "stranger@nowhere.example", "not an address"):
        answer = client.post("/feeds/private/request", data={"email": address,
                                                             "csrf_token": csrf})
        assert answer.status_code == 200
        assert "If this address belongs to a registered organisation" in answer.get_data(
            as_text=True)
    answer_link_requests(now=NOW)  # the scheduler's job: look the addresses up, mail
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "feed-link")).all()
    assert [m.recipient for m in mails] == ["ana@cso.example"]  # only the known address
    text = email.message_from_string(mails[0].body, policy=email.policy.default).get_body(
        ("plain",)).get_content()
    link = re.search(r"https://coordinator\.test(/feeds/private/manage/\S+)", text)
    assert link is not None
    manage = client.get(link.group(1))
    assert manage.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', manage.get_data(as_text=True)).group(1)
    rotated = client.post(link.group(1), data={"action": "rotate", "csrf_token": csrf})
    feed_url = re.search(r'value="https://coordinator\.test(/feeds/private/[^"?]+\.ics)',
                         rotated.get_data(as_text=True))
    assert feed_url is not None
    assert client.get(feed_url.group(1)).status_code == 200
    # Stopping asks once more and changes nothing until confirmed.
    asked = client.post(link.group(1), data={"action": "revoke", "csrf_token": csrf})
    with force_locale("es"):  # the mailed link carries Ana's language
        question = str(escape(gettext("Stop the private address?")))
    assert question in asked.get_data(as_text=True)
    assert client.get(feed_url.group(1)).status_code == 200
    client.post(link.group(1), data={"action": "revoke", "confirmed": "yes",
                                     "csrf_token": csrf})
    assert client.get(feed_url.group(1)).status_code == 404
    assert client.get("/feeds/private/manage/forged-token").status_code == 404
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert client.get(link.group(1)).status_code == 410


def test_subscribe_page_offers_webcal_google_and_outlook(world, client) -> None:
    page = client.get("/feeds?lang=es").get_data(as_text=True)
    assert 'href="webcal://coordinator.test/feeds/all.ics?lang=es"' in page
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fcoordinator.test" \
        in page
    assert "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fcoordinator.test" \
        in page
    assert 'value="https://coordinator.test/feeds/country/GT.ics?lang=es"' in page


def test_meeting_invited_individually_shows_in_the_private_feed(world, client) -> None:
    other = db.session.scalars(select(Meeting).where(
        Meeting.series_id != world.series.id)).first()
    add_participant(now=NOW, actor=Actor.cli(), meeting_id=other.id,
                    organisation_id=world.organisation.id)
    token = rotate_feed_token(world.organisation.id, now=NOW, actor=Actor.cli())
    assert other.uid.encode() in client.get(f"/feeds/private/{token}.ics").data


def test_repeat_polls_are_answered_in_front_of_flask(world, client, app) -> None:
    from flask import request_started

    first = client.get("/feeds/country/GT.ics?lang=es")
    assert "Set-Cookie" not in first.headers  # the same bytes for every calendar client
    entered: list[str] = []

    def count(sender, **extra):  # type: ignore[no-untyped-def]
        entered.append("flask")

    import time

    from coordinator.models.feeds import version_memo

    version_memo(app).read_at = time.monotonic()  # a slow machine must not age the memo
    request_started.connect(count, app)
    try:
        again = client.get("/feeds/country/GT.ics?lang=es")
        revalidated = client.get("/feeds/country/GT.ics?lang=es",
                                 headers={"If-None-Match": first.headers["ETag"]})
        since = client.get("/feeds/country/GT.ics?lang=es",
                           headers={"If-Modified-Since": first.headers["Last-Modified"]})
        head = client.head("/feeds/country/GT.ics?lang=es")
    finally:
        request_started.disconnect(count, app)
    assert entered == []  # none of these went through Flask
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert revalidated.status_code == 304 and since.status_code == 304
    assert head.status_code == 200 and head.data == b""


def test_another_process_change_is_seen_within_a_second(world, client, app) -> None:
    import sqlalchemy as sa

    from coordinator.models.feeds import version_memo

    tag = client.get("/feeds/all.ics").headers["ETag"]
    # Another worker's commit: the version row moves, this process's memo does not know.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE data_versions SET version = version + 1"))
    import time

    version_memo(app).read_at = time.monotonic()  # still within its second
    assert client.get("/feeds/all.ics", headers={"If-None-Match": tag}).status_code == 304
    version_memo(app).read_at -= 1.0  # a second later
    assert client.get("/feeds/all.ics", headers={"If-None-Match": tag}).status_code == 200
