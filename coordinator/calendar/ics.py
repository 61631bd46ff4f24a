"""iCalendar bytes for mailed invitations (RFC 5546 iMIP) and subscribed feeds (RFC 7986).

Written by hand rather than through icalendar's serializer: icalendar 7.3.0 turns a literal
backslash-N in TEXT into a line break ("Sala C:\\Norte" comes back as two lines), and we need
control over every byte so that the same data always renders the same bytes (strong ETags).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from coordinator.cadence.errors import InvalidInput
from coordinator.cadence.zones import get_zone
from coordinator.calendar.event import CalendarEvent, DayEvent, EventStatus, Person
from coordinator.calendar.timezones import format_offset, observances

__all__ = ["PRODID", "UnwritableEvent", "clean_text", "feed_ics", "invitation_ics"]

PRODID = "-//coordinator//Los Angeles Declaration meetings//EN"
METHODS = ("REQUEST", "CANCEL")
# Clients need the transitions around a meeting, not the zone's whole history.
YEARS_BEFORE, YEARS_AFTER = 1, 2

# C0 and C1 controls except tab and newline, DEL, lone surrogates, line/paragraph separators.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_FOLD_AT = 75  # octets, excluding CRLF (RFC 5545 3.1)


class UnwritableEvent(InvalidInput):
    """Data that calendar clients would misread or reject; the message says what to fix."""

    field = "calendar"


def clean_text(value: str) -> str:
    """Text without the control characters that make clients reject or truncate a file."""
    # Normalise CR and CRLF to LF first, so a Windows line break stays a line break.
    return _UNWANTED.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def invitation_ics(
    event: CalendarEvent, *, method: str, organizer: Person, attendee: Person, language: str,
    uninvite: bool = False, observer: bool = False,
) -> bytes:
    """One meeting for one recipient's mailbox: a REQUEST to add or update it, or a CANCEL
    (of the whole meeting, or with `uninvite` of this one attendee while it goes on).
    `observer`: the attendee observes (recommendation 8's CSO observers), and their
    calendar shows it."""
    if method not in METHODS:
        raise UnwritableEvent(f"method must be one of {', '.join(METHODS)}, got {method!r}.")
    if method == "REQUEST" and event.status is EventStatus.CANCELLED:
        raise UnwritableEvent(f"Event {event.uid!r} is cancelled: send it with method CANCEL.")
    if uninvite and (method != "CANCEL" or event.status is EventStatus.CANCELLED):
        raise UnwritableEvent(f"Event {event.uid!r}: only a CANCEL of a meeting that goes on "
                              "can uninvite one attendee.")
    language = _language_tag(language)
    # RFC 5546 3.2.5: a CANCEL keeps the UID and names the attendee; STATUS:CANCELLED when
    # the whole meeting is off, and no STATUS at all when only this attendee is uninvited
    # ("If uninviting specific Attendees, then MUST NOT be included").
    status: EventStatus | None = (None if uninvite else EventStatus.CANCELLED
                                  if method == "CANCEL" else event.status)
    people = [_person("ORGANIZER", organizer, [])]
    # RFC 5545 3.2.16: NON-PARTICIPANT is "copied for information purposes only", the
    # observers of the special coordinators' meetings; everyone else is REQ-PARTICIPANT.
    role = "NON-PARTICIPANT" if observer else "REQ-PARTICIPANT"
    attendee_params = [("CUTYPE", "INDIVIDUAL"), ("ROLE", role)]
    if method == "REQUEST":
        attendee_params += [("PARTSTAT", "NEEDS-ACTION"), ("RSVP", "TRUE")]
    people.append(_person("ATTENDEE", attendee, attendee_params))
    lines = [*_calendar_head(), _line("METHOD", method)]
    lines += _vtimezones([event])
    lines += _vevent(event, language, status, people)
    return _document(lines)


def feed_ics(
    events: Sequence[CalendarEvent | DayEvent],
    *,
    name: str,
    description: str,
    language: str,
    refresh: timedelta = timedelta(hours=6),
    url: str | None = None,
) -> bytes:
    """A public subscribed calendar: no METHOD, no attendees, the same bytes for the same data."""
    language = _language_tag(language)
    if refresh < timedelta(seconds=1):
        raise UnwritableEvent(f"refresh must be at least a second, got {refresh!r}.")
    uids = [event.uid for event in events]
    duplicates = sorted({uid for uid in uids if uids.count(uid) > 1})
    if duplicates:
        raise UnwritableEvent(f"Each event needs its own UID; repeated: {', '.join(duplicates)}.")
    text_params = [("LANGUAGE", language)]
    lines = _calendar_head()
    # RFC 7986 names first; X-WR-* for Apple and Google, which predate it.
    lines += [
        _line("NAME", _text(name), text_params),
        _line("X-WR-CALNAME", _text(name)),
        _line("DESCRIPTION", _text(description), text_params),
        _line("X-WR-CALDESC", _text(description)),
        # Apple honours REFRESH-INTERVAL, Outlook X-PUBLISHED-TTL; Google ignores both.
        _line("REFRESH-INTERVAL", _duration(refresh), [("VALUE", "DURATION")]),
        _line("X-PUBLISHED-TTL", _duration(refresh)),
    ]
    if url is not None:
        lines += [_line("SOURCE", _uri(url), [("VALUE", "URI")]), _line("URL", _uri(url))]
    lines += _vtimezones([e for e in events if isinstance(e, CalendarEvent)])
    for event in events:
        if isinstance(event, DayEvent):
            lines += _day_vevent(event, language)
        else:
            lines += _vevent(event, language, event.status, [])
    return _document(lines)


def _calendar_head() -> list[str]:
    return [
        "BEGIN:VCALENDAR",
        _line("PRODID", _text(PRODID)),
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
    ]


def _vevent(
    event: CalendarEvent, language: str, status: EventStatus | None, people: list[str]
) -> list[str]:
    zone = _zone_of(event)
    text_params = [("LANGUAGE", language)]
    lines = [
        *_identity(event),
        _line("DTSTART", _local(event.start, zone), [("TZID", zone.key)]),
        _line("DTEND", _local(event.end, zone), [("TZID", zone.key)]),
        _line("SUMMARY", _text(event.summary), text_params),
        _line("DESCRIPTION", _text(event.description), text_params),
    ]
    if event.location:
        lines.append(_line("LOCATION", _text(event.location), text_params))
    if event.url:
        lines.append(_line("URL", _uri(event.url)))
    if status is not None:
        lines.append(_line("STATUS", str(status)))
    categories = [_text(category) for category in event.categories if clean_text(category)]
    if categories:
        lines.append(_line("CATEGORIES", ",".join(categories), text_params))
    return [*lines, *people, "END:VEVENT"]


def _identity(event: CalendarEvent | DayEvent) -> list[str]:
    """BEGIN, UID and the version stamps every VEVENT opens with."""
    return [
        "BEGIN:VEVENT",
        _line("UID", _text(event.uid)),
        # RFC 5545 3.8.7.4: the caller raises SEQUENCE on every material change.
        _line("SEQUENCE", str(event.sequence)),
        _line("DTSTAMP", _utc(event.last_modified, "last_modified")),
        _line("CREATED", _utc(event.created, "created")),
        _line("LAST-MODIFIED", _utc(event.last_modified, "last_modified")),
    ]


def _day_vevent(event: DayEvent, language: str) -> list[str]:
    """RFC 5545 3.6.1: an all-day event is DTSTART;VALUE=DATE with an exclusive DTEND."""
    text_params = [("LANGUAGE", language)]
    lines = [
        *_identity(event),
        _line("DTSTART", event.day.strftime("%Y%m%d"), [("VALUE", "DATE")]),
        _line("DTEND", (event.day + timedelta(days=1)).strftime("%Y%m%d"), [("VALUE", "DATE")]),
        _line("SUMMARY", _text(event.summary), text_params),
        _line("DESCRIPTION", _text(event.description), text_params),
        "TRANSP:TRANSPARENT",  # a deadline does not make anyone busy
    ]
    if event.url:
        lines.append(_line("URL", _uri(event.url)))
    categories = [_text(category) for category in event.categories if clean_text(category)]
    if categories:
        lines.append(_line("CATEGORIES", ",".join(categories), text_params))
    return [*lines, "END:VEVENT"]


def _vtimezones(events: Iterable[CalendarEvent]) -> list[str]:
    """One VTIMEZONE per TZID, in order of first use, spanning every event that uses it."""
    years: dict[str, tuple[int, int]] = {}
    for event in events:
        zone = _zone_of(event)
        first = event.start.astimezone(zone).year - YEARS_BEFORE
        last = event.end.astimezone(zone).year + YEARS_AFTER
        known = years.get(zone.key, (first, last))
        years[zone.key] = (min(first, known[0]), max(last, known[1]))
    lines = []
    for key, (first, last) in years.items():
        lines += ["BEGIN:VTIMEZONE", _line("TZID", key)]
        for observance in observances(key, first, last):
            kind = "DAYLIGHT" if observance.daylight else "STANDARD"
            lines += [
                f"BEGIN:{kind}",
                _line("DTSTART", observance.onset.strftime("%Y%m%dT%H%M%S")),
                _line("TZOFFSETFROM", format_offset(observance.offset_from)),
                _line("TZOFFSETTO", format_offset(observance.offset_to)),
                _line("TZNAME", _text(observance.name)),
                f"END:{kind}",
            ]
        lines.append("END:VTIMEZONE")
    return lines


def _zone_of(event: CalendarEvent) -> ZoneInfo:
    """The tzdata zone of the meeting; a fixed offset or UTC would lose the wall-clock intent."""
    keys = [getattr(moment.tzinfo, "key", None) for moment in (event.start, event.end)]
    if not keys[0] or keys[0] != keys[1]:
        raise UnwritableEvent(
            f"Event {event.uid!r}: start and end need the same IANA zone (a ZoneInfo), "
            f"got {event.start.tzinfo!r} and {event.end.tzinfo!r}."
        )
    if event.end <= event.start:
        raise UnwritableEvent(f"Event {event.uid!r} ends before it starts.")
    # Re-read the zone so the VTIMEZONE and the wall-clock times come from the same tzdata.
    return get_zone(keys[0])


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime, what: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UnwritableEvent(f"{what} must be timezone-aware, got {moment!r}.")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _person(role: str, person: Person, params: list[tuple[str, str]]) -> str:
    email = clean_text(person.email).strip()
    if "@" not in email or any(char.isspace() or char in ':;,<>"' for char in email):
        raise UnwritableEvent(f"{role} needs a plain email address, got {person.email!r}.")
    # RFC 5545 3.2: DQUOTE cannot appear in a parameter; Outlook ignores RFC 6868's ^' escape.
    name = " ".join(clean_text(person.name).replace('"', "'").split())
    cn = [("CN", f'"{name}"')] if name else []
    return _line(role, f"mailto:{email}", [*cn, *params])


def _text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11) after cleaning; backslash first, or escapes double."""
    return (
        clean_text(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _uri(value: str) -> str:
    uri = clean_text(value).strip()
    if not uri or any(char.isspace() for char in uri):
        raise UnwritableEvent(f"Not a usable address: {value!r}. Percent-encode spaces.")
    return uri


def _duration(value: timedelta) -> str:
    """An RFC 5545 3.3.6 duration such as PT6H or P1DT30M."""
    days, seconds = value.days, value.seconds
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _language_tag(language: str) -> str:
    """A BCP 47 tag for LANGUAGE (RFC 5545 3.2.10); Babel's pt_BR becomes pt-BR."""
    tag = language.replace("_", "-")
    if not _LANGUAGE.fullmatch(tag):
        raise UnwritableEvent(f"language must be a tag such as 'es' or 'pt-BR', got {language!r}.")
    return tag


def _line(name: str, value: str, params: Sequence[tuple[str, str]] = ()) -> str:
    return _fold(name + "".join(f";{key}={val}" for key, val in params) + ":" + value)


def _fold(line: str) -> str:
    """Fold at 75 octets between characters, never inside a UTF-8 sequence or a TEXT escape."""
    parts: list[str] = []
    current, size, limit = "", 0, _FOLD_AT
    index = 0
    while index < len(line):
        # Keep "\;" and friends together: some clients unescape each physical line.
        token = line[index : index + 2] if line[index] == "\\" else line[index]
        octets = len(token.encode("utf-8"))
        if current and size + octets > limit:
            parts.append(current)
            current, size, limit = "", 0, _FOLD_AT - 1  # the leading space counts
        current += token
        size += octets
        index += len(token)
    parts.append(current)
    return "\r\n ".join(parts)


def _document(lines: list[str]) -> bytes:
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode("utf-8")
