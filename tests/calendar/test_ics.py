"""The ICS writer, read back by two independent parsers (icalendar and vobject/dateutil)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import icalendar
import pytest
import vobject

from coordinator.cadence.zones import get_zone
from coordinator.calendar.event import CalendarEvent, EventStatus, Person
from coordinator.calendar.ics import UnwritableEvent, clean_text, feed_ics, invitation_ics

HOSTILE = "Réunion; ordre, du jour\\ 🎉\nLigne 2 — Kreyòl: reyinyon ak sosyete sivil, ação, coração"
DIRTY = HOSTILE.replace("🎉", "🎉\x07\u2028\x00\x1b\x7f\u2029\x85")
ORGANIZER = Person("Secretaría Técnica", "secretaria@coordinator.example")
ATTENDEE = Person("Marie-Ange Joseph", "marie-ange@sosyete.example")
ZONES = ["America/New_York", "America/Santiago", "America/Asuncion", "America/Guatemala"]


def make_event(zone: str = "America/New_York", **changes: object) -> CalendarEvent:
    tz = get_zone(zone)
    event = CalendarEvent(
        uid="meeting-17@coordinator.example",
        sequence=2,
        last_modified=datetime(2026, 2, 3, 14, 5, 6, tzinfo=UTC),
        created=datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
        start=datetime(2026, 7, 14, 10, 0, tzinfo=tz),
        end=datetime(2026, 7, 14, 12, 0, tzinfo=tz),
        summary="Consulta regional",
        description="Agenda y enlace: https://coordinator.example/meetings/17",
        status=EventStatus.CONFIRMED,
        location="Sala 2, Cancillería",
        url="https://coordinator.example/meetings/17",
        categories=("consulta",),
    )
    return replace(event, **changes)


def request(event: CalendarEvent, language: str = "fr") -> bytes:
    return invitation_ics(
        event, method="REQUEST", organizer=ORGANIZER, attendee=ATTENDEE, language=language
    )


def cancel(event: CalendarEvent) -> bytes:
    return invitation_ics(
        event, method="CANCEL", organizer=ORGANIZER, attendee=ATTENDEE, language="fr"
    )


def feed(events: list[CalendarEvent], **options: object) -> bytes:
    settings: dict = {
        "name": "Reuniones, 2026",
        "description": "Calendario público",
        "language": "es",
    }
    return feed_ics(events, **{**settings, **options})


def content_lines(data: bytes) -> list[str]:
    """Unfolded logical lines (RFC 5545 3.1)."""
    return [line for line in re.sub(rb"\r\n[ \t]", b"", data).decode().split("\r\n") if line]


def lines_named(data: bytes, name: str) -> list[str]:
    return [line for line in content_lines(data) if re.match(rf"{name}[;:]", line)]


def both(data: bytes) -> tuple[icalendar.Calendar, vobject.base.Component]:
    return icalendar.Calendar.from_ical(data), vobject.readOne(data.decode("utf-8"))


def vobject_timezone(calendar: vobject.base.Component, key: str) -> tzinfo:
    """The zone as this file's own VTIMEZONE defines it (dateutil), not a registry's copy."""
    [component] = [tz for tz in calendar.vtimezone_list if tz.tzid.value == key]
    return component.gettzinfo()


def vobject_start(calendar: vobject.base.Component, vevent: vobject.base.Component) -> datetime:
    # vobject moves TZID aside once it has attached a tzinfo from its global registry.
    key = vevent.dtstart.params["X-VOBJ-ORIGINAL-TZID"][0]
    wall = vevent.dtstart.value.replace(tzinfo=None)
    return wall.replace(tzinfo=vobject_timezone(calendar, key))


@pytest.mark.parametrize("zone", ZONES)
def test_invitation_round_trips_uid_sequence_and_start_in_both_parsers(zone: str) -> None:
    event = make_event(zone)
    ical, vcal = both(request(event))
    [ievent] = ical.events
    assert str(ievent["UID"]) == event.uid
    assert int(ievent["SEQUENCE"]) == 2
    assert ievent.start == event.start
    assert ievent["DTSTART"].params["TZID"] == zone
    assert ievent.end == event.end
    assert vcal.vevent.uid.value == event.uid
    assert int(vcal.vevent.sequence.value) == 2
    start = vobject_start(vcal, vcal.vevent)
    assert start == event.start
    assert (start.hour, start.minute) == (10, 0)


def test_meeting_keeps_ten_local_in_winter_and_summer() -> None:
    for month in (1, 7):
        start = datetime(2026, month, 14, 10, 0, tzinfo=get_zone("America/New_York"))
        data = request(make_event(start=start, end=start + timedelta(hours=1)))
        expected = f"DTSTART;TZID=America/New_York:2026{month:02d}14T100000"
        assert lines_named(data, "DTSTART")[-1] == expected


def test_timestamps_are_utc_and_dtstamp_is_last_modified() -> None:
    event = make_event(last_modified=datetime(2026, 2, 3, 9, 5, 6, tzinfo=get_zone("America/Lima")))
    data = request(event)
    assert lines_named(data, "DTSTAMP") == ["DTSTAMP:20260203T140506Z"]
    assert lines_named(data, "LAST-MODIFIED") == ["LAST-MODIFIED:20260203T140506Z"]
    assert lines_named(data, "CREATED") == ["CREATED:20260110T090000Z"]


def test_hostile_text_round_trips_without_control_characters() -> None:
    event = make_event(summary=DIRTY, description=DIRTY, location=DIRTY)
    data = request(event)
    for char in "\x07\x00\x1b\x7f\u2028\u2029\x85":
        assert char.encode() not in data
    ical, vcal = both(data)
    [ievent] = ical.events
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        assert str(ievent[name]) == HOSTILE
        assert ievent[name].params["LANGUAGE"] == "fr"
        assert getattr(vcal.vevent, name.lower()).value == HOSTILE


def test_text_escapes_backslash_semicolon_comma_and_newline() -> None:
    # Parsers are lenient about a bare ";" or ","; strict clients are not, so check the bytes.
    data = request(make_event(summary="a\\b;c,d\r\ne\rf"))
    assert lines_named(data, "SUMMARY") == ["SUMMARY;LANGUAGE=fr:a\\\\b\\;c\\,d\\ne\\nf"]


def test_literal_backslash_n_stays_text_not_a_line_break() -> None:
    text = "Sala C:\\Norte\\n, piso 2"
    ical, vcal = both(request(make_event(summary=text)))
    assert str(ical.events[0]["SUMMARY"]) == text
    assert vcal.vevent.summary.value == text


def test_clean_text_keeps_tabs_newlines_and_diacritics() -> None:
    assert clean_text("a\tb\r\nc\rd\x07\u2028e") == "a\tb\nc\nde"
    assert clean_text("ação 🎉 Kreyòl") == "ação 🎉 Kreyòl"


def test_every_line_ends_in_crlf_and_fits_75_octets() -> None:
    long_summary = "Reyinyon sosyete sivil: ação, coração 🎉🇭🇹 " * 12
    event = make_event(summary=long_summary, description=long_summary + "\n" + DIRTY)
    for data in (request(event), cancel(event), feed([event])):
        assert data.endswith(b"\r\n")
        physical = data.split(b"\r\n")[:-1]
        assert b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical)
        for line in physical:
            assert len(line) <= 75, line
            line.decode("utf-8")  # a folded multi-byte character would raise here
        ical, vcal = both(data)
        assert str(ical.events[0]["SUMMARY"]) == long_summary
        assert vcal.vevent.summary.value == long_summary


def test_fold_never_separates_a_text_escape() -> None:
    data = request(make_event(summary=";,\\" * 60))
    for line in data.split(b"\r\n"):
        trailing = len(line) - len(line.rstrip(b"\\"))
        assert trailing % 2 == 0, line
    assert both(data)[1].vevent.summary.value == ";,\\" * 60


def test_request_names_organizer_and_one_attendee_asked_to_reply() -> None:
    data = request(make_event())
    assert lines_named(data, "METHOD") == ["METHOD:REQUEST"]
    assert lines_named(data, "ORGANIZER") == [
        'ORGANIZER;CN="Secretaría Técnica":mailto:secretaria@coordinator.example'
    ]
    [attendee] = lines_named(data, "ATTENDEE")
    assert attendee.endswith(":mailto:marie-ange@sosyete.example")
    ical, vcal = both(data)
    params = ical.events[0]["ATTENDEE"].params
    assert (params["RSVP"], params["PARTSTAT"], params["ROLE"], params["CUTYPE"]) == (
        "TRUE",
        "NEEDS-ACTION",
        "REQ-PARTICIPANT",
        "INDIVIDUAL",
    )
    assert params["CN"] == "Marie-Ange Joseph"
    assert len(vcal.vevent.attendee_list) == 1
    assert vcal.vevent.organizer.params["CN"] == ["Secretaría Técnica"]


def test_cancel_reuses_uid_with_status_cancelled() -> None:
    event = make_event()
    cancelled = cancel(replace(event, sequence=3))
    assert lines_named(cancelled, "METHOD") == ["METHOD:CANCEL"]
    assert lines_named(cancelled, "STATUS") == ["STATUS:CANCELLED"]
    assert lines_named(cancelled, "UID") == lines_named(request(event), "UID")
    assert lines_named(cancelled, "SEQUENCE") == ["SEQUENCE:3"]
    assert len(lines_named(cancelled, "ORGANIZER")) == 1
    [attendee] = lines_named(cancelled, "ATTENDEE")
    assert "mailto:marie-ange@sosyete.example" in attendee and "RSVP" not in attendee
    assert both(cancelled)[1].vevent.status.value == "CANCELLED"


def test_attendee_name_with_quotes_and_separators_stays_one_parameter() -> None:
    person = Person('Red "Sin Fronteras": Norte; Sur\n', "red@sin-fronteras.example")
    data = invitation_ics(
        make_event(), method="REQUEST", organizer=ORGANIZER, attendee=person, language="es"
    )
    ical, vcal = both(data)
    assert ical.events[0]["ATTENDEE"].params["CN"] == "Red 'Sin Fronteras': Norte; Sur"
    assert vcal.vevent.attendee.value == "mailto:red@sin-fronteras.example"


@pytest.mark.parametrize("method", ["PUBLISH", "request", "REPLY"])
def test_unknown_method_is_refused(method: str) -> None:
    with pytest.raises(UnwritableEvent):
        invitation_ics(
            make_event(), method=method, organizer=ORGANIZER, attendee=ATTENDEE, language="es"
        )


def test_request_for_a_cancelled_meeting_is_refused() -> None:
    with pytest.raises(UnwritableEvent, match="CANCEL"):
        request(make_event(status=EventStatus.CANCELLED))


@pytest.mark.parametrize(
    "zone", [timezone(timedelta(hours=-5)), UTC, None], ids=["fixed", "utc", "naive"]
)
def test_event_without_an_iana_zone_is_refused(zone: tzinfo | None) -> None:
    start = datetime(2026, 7, 14, 10, tzinfo=zone)
    with pytest.raises(UnwritableEvent, match="IANA"):
        request(make_event(start=start, end=start + timedelta(hours=1)))


def test_language_tag_is_checked_and_babel_style_accepted() -> None:
    assert lines_named(request(make_event(), language="pt_BR"), "SUMMARY") == [
        "SUMMARY;LANGUAGE=pt-BR:Consulta regional"
    ]
    with pytest.raises(UnwritableEvent):
        request(make_event(), language="es;X=1")


def test_feed_has_no_attendee_organizer_method_or_addresses() -> None:
    second = make_event("America/Santiago", uid="meeting-18@coordinator.example")
    data = feed([make_event(), second])
    assert not lines_named(data, "ATTENDEE")
    assert not lines_named(data, "ORGANIZER")
    assert not lines_named(data, "METHOD")
    addresses = [line for line in content_lines(data) if "@" in line]
    assert addresses and all(line.startswith("UID:") for line in addresses)
    assert len(both(data)[0].events) == 2


def test_feed_names_itself_and_asks_for_refresh() -> None:
    data = feed(
        [make_event()],
        refresh=timedelta(days=1, minutes=30),
        url="https://coordinator.example/feeds/public.ics",
    )
    assert lines_named(data, "NAME") == ["NAME;LANGUAGE=es:Reuniones\\, 2026"]
    assert lines_named(data, "X-WR-CALNAME") == ["X-WR-CALNAME:Reuniones\\, 2026"]
    assert lines_named(data, "X-WR-CALDESC") == ["X-WR-CALDESC:Calendario público"]
    assert lines_named(data, "REFRESH-INTERVAL") == ["REFRESH-INTERVAL;VALUE=DURATION:P1DT30M"]
    assert lines_named(data, "X-PUBLISHED-TTL") == ["X-PUBLISHED-TTL:P1DT30M"]
    assert lines_named(data, "SOURCE") == [
        "SOURCE;VALUE=URI:https://coordinator.example/feeds/public.ics"
    ]
    # icalendar 7.3 reads NAME and X-WR-CALNAME as vUnknown and leaves "\\," escaped.
    vcal = both(data)[1]
    assert vcal.contents["name"][0].value == "Reuniones, 2026"
    assert vcal.contents["x-wr-calname"][0].value == "Reuniones, 2026"
    assert lines_named(feed([make_event()]), "REFRESH-INTERVAL") == [
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H"
    ]


def test_cancelled_meeting_stays_in_feed_marked() -> None:
    data = feed([make_event(status=EventStatus.CANCELLED, summary="Cancelada: Consulta")])
    assert lines_named(data, "STATUS") == ["STATUS:CANCELLED"]
    assert str(both(data)[0].events[0]["SUMMARY"]) == "Cancelada: Consulta"


def test_categories_escape_commas_inside_one_category() -> None:
    data = feed([make_event(categories=("consulta", "sociedad civil, ONG", "\x07"))])
    assert lines_named(data, "CATEGORIES") == [
        "CATEGORIES;LANGUAGE=es:consulta,sociedad civil\\, ONG"
    ]


def test_rendering_twice_gives_identical_bytes() -> None:
    events = [make_event(summary=DIRTY), make_event("America/Asuncion", uid="m-2")]
    assert request(events[0]) == request(make_event(summary=DIRTY))
    assert feed(events) == feed(list(events))


def test_feed_keeps_events_in_the_given_order() -> None:
    uids = ["m-3", "m-1", "m-2"]
    data = feed([make_event(uid=uid) for uid in uids])
    assert [line.removeprefix("UID:") for line in lines_named(data, "UID")] == uids


def test_feed_refuses_a_repeated_uid() -> None:
    with pytest.raises(UnwritableEvent, match="m-1"):
        feed([make_event(uid="m-1"), make_event(uid="m-1")])


def test_feed_has_one_vtimezone_per_zone_used() -> None:
    events = [make_event(zone, uid=f"m-{n}") for n, zone in enumerate(ZONES + ZONES[:2])]
    data = feed(events)
    assert sorted(line.removeprefix("TZID:") for line in lines_named(data, "TZID")) == sorted(ZONES)
    ical, vcal = both(data)
    assert sorted(tz.tz_name for tz in ical.timezones) == sorted(ZONES)
    assert ical.get_missing_tzids() == set()
    for event, vevent in zip(events, vcal.vevent_list, strict=True):
        assert vobject_start(vcal, vevent) == event.start


def observance_kinds(data: bytes) -> list[str]:
    return [
        line[6:] for line in content_lines(data) if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT")
    ]


def test_new_york_vtimezone_has_daylight_and_standard_for_years_around() -> None:
    data = request(make_event("America/New_York"))
    assert {"STANDARD", "DAYLIGHT"} <= set(observance_kinds(data))
    onsets = [line for line in lines_named(data, "DTSTART") if "TZID" not in line]
    assert onsets[0] <= "DTSTART:20250101T000000"
    # RFC 5545 3.6.5: onsets are local time in TZOFFSETFROM, so spring forward is 02:00.
    assert "DTSTART:20260308T020000" in onsets and "DTSTART:20261101T020000" in onsets
    assert "DTSTART:20281105T020000" in onsets


@pytest.mark.parametrize(
    ("zone", "year", "offset", "name"),
    [
        ("America/Guatemala", 2026, "-0600", "CST"),
        ("America/Asuncion", 2026, "-0300", "-03"),
        ("America/Vancouver", 2028, "-0700", "MST"),
    ],
)
def test_zone_without_dst_gets_one_standard_observance(
    zone: str, year: int, offset: str, name: str
) -> None:
    start = datetime(year, 7, 14, 10, tzinfo=get_zone(zone))
    data = request(make_event(zone, start=start, end=start + timedelta(hours=2)))
    assert observance_kinds(data) == ["STANDARD"]
    assert lines_named(data, "TZOFFSETTO") == [f"TZOFFSETTO:{offset}"]
    assert lines_named(data, "TZNAME") == [f"TZNAME:{name}"]


def test_vancouver_pdt_becomes_standard_mst_in_november_2026() -> None:
    data = request(make_event("America/Vancouver"))
    kinds = observance_kinds(data)
    assert kinds[-1] == "STANDARD" and lines_named(data, "TZNAME")[-1] == "TZNAME:MST"
    assert lines_named(data, "TZOFFSETTO")[-1] == "TZOFFSETTO:-0700"


@pytest.mark.parametrize(
    ("zone", "year"),
    [
        ("America/New_York", 2026),
        ("America/Santiago", 2026),
        ("America/Asuncion", 2025),
        ("America/Guatemala", 2026),
        ("America/Vancouver", 2026),
        ("America/St_Johns", 2026),
    ],
)
def test_vtimezone_offsets_match_zoneinfo_around_the_event(zone: str, year: int) -> None:
    start = datetime(year, 6, 1, 10, tzinfo=get_zone(zone))
    data = request(make_event(zone, start=start, end=start + timedelta(hours=1)))
    tz_file = vobject_timezone(both(data)[1], zone)
    tz_data = get_zone(zone)
    day = datetime(year - 1, 1, 1, 12, tzinfo=UTC)
    while day < datetime(year + 3, 1, 1, tzinfo=UTC):
        changes = (
            day.astimezone(tz_data).utcoffset()
            != (day + timedelta(days=1)).astimezone(tz_data).utcoffset()
        )
        # Hourly through days with a transition, so an onset an hour off is caught.
        for minutes in range(0, 24 * 60, 30) if changes else (0,):
            instant = day + timedelta(minutes=minutes)
            expected = instant.astimezone(tz_data)
            got = instant.astimezone(tz_file)
            assert got.utcoffset() == expected.utcoffset(), instant
            assert got.replace(tzinfo=None) == expected.replace(tzinfo=None), instant
        day += timedelta(days=1)
