"""External calendars a coordinator watches (another regional process's feed), fetched
and expanded into busy intervals for clash warnings."""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import time
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

log = logging.getLogger(__name__)
MAX_BYTES = 2_000_000
MAX_EVENTS = 2000
MAX_FEEDS = 10
TIMEOUT_SECONDS = 10  # per read
FETCH_SECONDS = 30  # for the whole download
WINDOW = timedelta(days=760)  # the scheduling horizon and a little more


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        scheme, host, _port = parts.scheme, parts.hostname, parts.port  # bad ports raise
    except ValueError:
        scheme, host = "", None
    if len(url) > 500 or scheme not in ("https", "http") or not host:
        raise InvalidInput(gettext("Give the calendar's address, starting with https://."),
                           field="url")
    return url


class FetchRefused(Exception):
    """A calendar that cannot be fetched or read; its message is shown to the owner."""


def _public_host(url: str) -> None:
    """Refuse addresses that are not on the public internet (the service must not be a way
    to probe its own network), unless COORDINATOR_EXTERNAL_FEEDS_ALLOW_PRIVATE is set."""
    if current_app.config.get("EXTERNAL_FEEDS_ALLOW_PRIVATE"):
        return
    host = urlsplit(url).hostname or ""
    try:
        # str(): the IP families getaddrinfo answers with put the address string first.
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise FetchRefused(f"the host {host!r} is unknown") from exc
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise FetchRefused(f"the host {host!r} is not on the public internet")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead inside our network after the host check: refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise FetchRefused(f"the address redirects (HTTP {code}); give the final address")


_opener = urllib.request.build_opener(_NoRedirects)


def _download(url: str) -> bytes:
    """At most MAX_BYTES within FETCH_SECONDS in all, however slowly the server sends."""
    _public_host(_checked_url(url))
    request = urllib.request.Request(url, headers={  # noqa: S310  (http/https checked)
        "User-Agent": "coordinator (clash warnings)", "Accept": "text/calendar"})
    deadline = time.monotonic() + FETCH_SECONDS
    chunks, size = [], 0
    with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
        while chunk := answer.read(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:
                raise FetchRefused(f"the calendar is larger than {MAX_BYTES // 1_000_000} MB")
            if time.monotonic() > deadline:
                raise FetchRefused(f"the server took more than {FETCH_SECONDS} s to send it")
    return b"".join(chunks)


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
            ExternalFeed.account_id == account_id)) or 0
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
    # Walk occurrences in order and stop at `until` or MAX_EVENTS: a rule repeating every
    # minute must not be expanded whole.
    for event in recurring_ical_events.of(calendar).after(since):
        if _as_utc(event.decoded("DTSTART")) >= until:
            break
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


def _as_utc(moment: date | datetime) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def refresh_feed(feed_id: int, *, now: datetime) -> ExternalFeed:
    """Fetch and expand one calendar; a failure is kept on the feed (its last good events
    stay) and shown to its owner, never raised into a scheduler tick."""
    ensure_aware(now, "now")
    feed = db.session.get(ExternalFeed, feed_id)
    if feed is None:
        raise NotFound(f"No calendar {feed_id}.")
    url = feed.url
    db.session.rollback()  # hold no transaction open across the network
    error: str | None
    try:
        body = _download(url)
        try:
            events = busy_intervals(body, now - timedelta(days=1), now + WINDOW)
        except Exception as exc:  # any parser failure: the file is not usable iCalendar
            # A fixed message: the parser's own would echo what the server sent.
            raise FetchRefused("not a readable iCalendar file") from exc
    except (FetchRefused, InvalidInput) as exc:
        error = str(exc)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        error = f"could not be fetched ({type(exc).__name__}: {getattr(exc, 'reason', '')})"
    else:
        error = None
    with unit_of_work(Actor.scheduler(), now):
        feed = db.session.get(ExternalFeed, feed_id)
        if feed is None:
            raise NotFound(f"No calendar {feed_id}.")
        if error is None:
            feed.events = events
        feed.last_error, feed.fetched_at = (error[:500] if error else None), now
    return feed


def refresh_all(*, now: datetime) -> int:
    """Every watched calendar; one that fails is recorded and never stops the others."""
    ids = list(db.session.scalars(select(ExternalFeed.id)))
    for feed_id in ids:
        try:
            refresh_feed(feed_id, now=now)
        except Exception:
            db.session.rollback()
            log.exception("calendar %s could not be refreshed", feed_id)
    return len(ids)
