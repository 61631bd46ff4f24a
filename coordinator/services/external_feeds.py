"""External calendars a coordinator watches (another regional process's feed), fetched
and expanded into busy intervals for clash warnings."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import recurring_ical_events
from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.models import ExternalFeed
from coordinator.services.errors import Conflict, InvalidInput, NotFound
from coordinator.services.unit import Actor, unit_of_work

MAX_BYTES = 2_000_000
MAX_EVENTS = 2000
MAX_FEEDS = 10
TIMEOUT_SECONDS = 10
WINDOW = timedelta(days=760)  # the scheduling horizon and a little more


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(gettext("Give the calendar's address, starting with https://."),
                           field="url")
    return url


def _public_host(url: str) -> None:
    """Refuse addresses inside our own network (the service must not be a way to probe
    it), unless COORDINATOR_EXTERNAL_FEEDS_ALLOW_PRIVATE is set (tests, intranets)."""
    if current_app.config.get("EXTERNAL_FEEDS_ALLOW_PRIVATE"):
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise ValueError(f"the host {host!r} is unknown") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved \
                or ip.is_multicast or ip.is_unspecified:
            raise ValueError(f"the host {host!r} is not on the public internet")


def add_feed(account_id: int, name: str, url: str, *, now: datetime, actor: Actor
             ) -> ExternalFeed:
    ensure_aware(now, "now")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(gettext("Name the calendar (at most 100 characters)."),
                           field="name")
    url = url.strip().replace("webcal://", "https://", 1) if url else url
    url = _checked_url(url)
    with unit_of_work(actor, now) as unit:
        count = unit.session.scalar(select(db.func.count(ExternalFeed.id)).where(
            ExternalFeed.account_id == account_id))
        if count >= MAX_FEEDS:
            raise Conflict(gettext("You watch %(n)s calendars already; remove one first.",
                                   n=count), field="url")
        feed = ExternalFeed(account_id=account_id, name=name, url=url, events=[],
                            created_at=now)
        unit.session.add(feed)
        unit.session.flush()
        unit.record("external_feed.add", "external_feed", feed.id, url=url)
    return feed


def remove_feed(feed_id: int, account_id: int, *, now: datetime, actor: Actor) -> None:
    with unit_of_work(actor, now) as unit:
        feed = unit.session.get(ExternalFeed, feed_id)
        if feed is None or feed.account_id != account_id:
            raise NotFound(f"No calendar {feed_id}.")
        unit.session.delete(feed)
        unit.record("external_feed.remove", "external_feed", feed_id)


def busy_intervals(ics: bytes, since: datetime, until: datetime) -> list[list[str]]:
    """Every event occurrence between since and until, recurrences expanded, in UTC.
    Transparent (free) and cancelled events do not make anyone busy."""
    calendar = icalendar.Calendar.from_ical(ics)
    out: list[list[str]] = []
    for event in recurring_ical_events.of(calendar).between(since, until):
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT" or \
                str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start, end = event.decoded("DTSTART"), event.decoded("DTEND", None)
        if isinstance(start, date) and not isinstance(start, datetime):
            start = datetime(start.year, start.month, start.day, tzinfo=UTC)
            end = start + timedelta(days=1) if end is None else datetime(
                end.year, end.month, end.day, tzinfo=UTC)
        if start.tzinfo is None:  # floating time: read as UTC, the least surprising guess
            start = start.replace(tzinfo=UTC)
        if end is None:
            end = start + (event.decoded("DURATION", None) or timedelta(hours=1))
        elif end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        out.append([start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat(),
                    str(event.get("SUMMARY", ""))[:200]])
        if len(out) >= MAX_EVENTS:
            break
    return out


def refresh_feed(feed_id: int, *, now: datetime) -> ExternalFeed:
    """Fetch and expand one calendar; a failure is kept on the feed (its last good events
    stay) and shown to its owner, never raised into a scheduler tick."""
    ensure_aware(now, "now")
    feed = db.session.get(ExternalFeed, feed_id)
    if feed is None:
        raise NotFound(f"No calendar {feed_id}.")
    try:
        # The scheme was checked at entry (http/https only), and again here.
        _public_host(_checked_url(feed.url))
        request = urllib.request.Request(feed.url, headers={  # noqa: S310
            "User-Agent": "coordinator (clash warnings)", "Accept": "text/calendar"})
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            body = answer.read(MAX_BYTES + 1)
        if len(body) > MAX_BYTES:
            raise ValueError(f"the calendar is larger than {MAX_BYTES // 1_000_000} MB")
        try:
            events = busy_intervals(body, now - timedelta(days=1), now + WINDOW)
        except Exception as exc:  # any parser failure: the file is not usable iCalendar
            raise ValueError(f"not a readable iCalendar file ({exc})") from exc
    except (urllib.error.URLError, OSError, ValueError, InvalidInput) as exc:
        error = str(getattr(exc, "reason", exc))[:500]
        with unit_of_work(Actor.scheduler(), now):
            feed.last_error, feed.fetched_at = error, now
        return feed
    with unit_of_work(Actor.scheduler(), now):
        feed.events, feed.last_error, feed.fetched_at = events, None, now
    return feed


def refresh_all(*, now: datetime) -> int:
    ids = list(db.session.scalars(select(ExternalFeed.id)))
    for feed_id in ids:
        refresh_feed(feed_id, now=now)
    return len(ids)
