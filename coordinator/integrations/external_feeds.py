"""External calendars a coordinator watches (another regional process's feed), fetched
and expanded into busy intervals for clash warnings.

Fetching happens in the scheduler's calendars job only: a page that adds a calendar or asks
for a fresh copy sets `refresh_requested_at`, and the job (on a thread of its own) fetches
requested calendars first. A slow or hostile server can then hold neither a web worker nor
the job that sends mail.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from coordinator.cadence.errors import N_, Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.calendar.busy import EXPAND_SECONDS, MAX_EVENTS, Unusable, busy_intervals
from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import ExternalFeed
from coordinator.unit import Actor, unit_of_work

__all__ = ["FETCH_ERRORS", "MAX_EVENTS", "Unusable", "add_feed", "busy_intervals",
           "fetch_error", "refresh_all", "refresh_feed", "refresh_requested", "remove_feed",
           "request_refresh"]

log = logging.getLogger(__name__)
MAX_BYTES = 2_000_000
MAX_FEEDS = 10
FETCH_SECONDS = 30  # the whole download, from DNS to the last byte (EXTERNAL_FEEDS_FETCH_SECONDS)
WINDOW = timedelta(days=760)  # the scheduling horizon and a little more

# What the owner is told, by the code stored in ExternalFeed.last_error. Every failure to
# reach the server (unknown host, address inside our network, refused, timed out, TLS,
# an HTTP error, not HTTP at all) is the same "unreachable": telling them apart would let
# anyone with an account map hosts and ports from inside our network. The detail goes to
# the log. The other codes need a public HTTP server's answer.
FETCH_ERRORS: dict[str, str] = {
    "unreachable": N_("The calendar could not be fetched. Check its address; it will be "
                      "tried again at the next refresh."),
    "redirect": N_("The address redirects elsewhere: give the calendar's final address."),
    "too_large": N_("The calendar is larger than 2 MB."),
    "unreadable": N_("The address does not give a readable iCalendar file."),
    "too_frequent": N_("The calendar has events that repeat more often than once a day; "
                       "such a calendar cannot be checked for clashes."),
    "too_complex": N_("The calendar has more events or repetitions than can be checked "
                      "for clashes."),
}


def fetch_error(code: str | None) -> str | None:
    """A stored fetch error in the reader's language (texts stored by earlier versions,
    which may name hosts, read as "unreachable")."""
    if not code:
        return None
    return gettext(FETCH_ERRORS.get(code, FETCH_ERRORS["unreachable"]))


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        scheme, host, _port = parts.scheme, parts.hostname, parts.port  # bad ports raise
    except ValueError:
        scheme, host = "", None
    if len(url) > 500 or scheme not in ("https", "http") or not host:
        raise InvalidInput(N_("Give the calendar's address, starting with https://."),
                           field="url")
    return url


def _unreachable(url: str, why: str, *args: object) -> Unusable:
    # The host only: a feed's address may carry its owner's secret token.
    log.info("a calendar at %s could not be fetched: " + why, urlsplit(url).hostname, *args)
    return Unusable("unreachable")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the download's deadline passed")
    return left


Address = tuple[int, Any]  # (socket family, socket address), as getaddrinfo answers


def _checked_addresses(url: str, host: str, port: int, deadline: float) -> list[Address]:
    """The host's addresses, resolved once, all on the public internet (the service must
    not be a way to probe its own network) unless EXTERNAL_FEEDS_ALLOW_PRIVATE is set.
    The connection then goes to one of these addresses and never resolves the name again,
    so a name that answers differently the second time (DNS rebinding) cannot lead inside."""
    answers: list[Any] = []

    def lookup() -> None:
        try:
            answers.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
            answers.append(exc)

    # A resolver can take longer than the whole download may: wait for it in a thread.
    resolver = threading.Thread(target=lookup, daemon=True, name="calendar-dns")
    resolver.start()
    resolver.join(max(0.0, deadline - time.monotonic()))
    if resolver.is_alive():
        raise _unreachable(url, "no DNS answer in time")
    if not answers or isinstance(answers[0], Exception):
        raise _unreachable(url, "unknown host (%s)", answers[0] if answers else "no address")
    addresses: list[Address] = []
    for family, _type, _proto, _name, sockaddr in answers:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if not ip.is_global and not current_app.config.get("EXTERNAL_FEEDS_ALLOW_PRIVATE"):
            raise _unreachable(url, "%s resolves to %s, not on the public internet", host, ip)
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to addresses checked beforehand; the Host header still names the host.

    The standard library rather than urllib3 or requests: http.client already leaves the
    socket to `connect()`, so pinning is this one method plus TLS with the host's name for
    SNI and the certificate check, and no dependency is added (urllib3 reaches us only
    through the test tools)."""

    def __init__(self, host: str, port: int, addresses: list[Address], deadline: float
                 ) -> None:
        super().__init__(host, port)
        self.addresses, self.deadline = addresses, deadline
        # Kept for the watchdog: http.client drops self.sock once the answer has started.
        self.pinned: socket.socket | None = None

    def _open(self) -> socket.socket:
        failure: OSError = ConnectionError("no address")
        for family, sockaddr in self.addresses:
            pinned = socket.socket(family, socket.SOCK_STREAM)
            try:
                pinned.settimeout(_remaining(self.deadline))
                pinned.connect(sockaddr)
            except OSError as exc:
                pinned.close()
                failure = exc
                continue
            self.pinned = pinned
            return pinned
        raise failure

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        # The handshake runs after the socket is kept, so the deadline's watchdog can cut it.
        tls = _tls_context().wrap_socket(self._open(), server_hostname=self.host,
                                         do_handshake_on_connect=False)
        self.sock = self.pinned = tls
        tls.do_handshake()


def _tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's authorities and the URL's host name."""
    return ssl.create_default_context()


def _download(url: str, *, seconds: float) -> bytes:
    """At most MAX_BYTES within `seconds` in all, from DNS to the last byte, however slowly
    the server sends: a watchdog shuts the socket at the deadline, which ends any read,
    including one that receives a byte now and then and so never times out by itself."""
    deadline = time.monotonic() + seconds
    parts = urlsplit(_checked_url(url))
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (http.client.HTTPS_PORT if https else http.client.HTTP_PORT)
    try:
        addresses = _checked_addresses(url, host, port, deadline)
        kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = kind(host, port, addresses, deadline)
    except ValueError as exc:  # an address or port Python cannot use
        raise _unreachable(url, "%s", exc) from exc
    cut = threading.Event()

    def watchdog() -> None:
        cut.set()
        sock = connection.pinned
        if sock is not None:
            try:  # the plain socket's shutdown: an SSL socket's would race its reader
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), watchdog)
    timer.daemon = True
    timer.start()
    answer: http.client.HTTPResponse | None = None
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={
            "User-Agent": "coordinator (clash warnings)", "Accept": "text/calendar"})
        answer = connection.getresponse()
        if 300 <= answer.status < 400:
            # A redirect could lead inside our network after the address check.
            raise Unusable("redirect")
        if answer.status != 200:
            raise _unreachable(url, "HTTP %s", answer.status)
        if (answer.length or 0) > MAX_BYTES:
            raise Unusable("too_large")
        chunks, size = [], 0
        while chunk := answer.read(16 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BYTES:
                raise Unusable("too_large")
        if cut.is_set():  # the watchdog's shutdown looks like the end of the body
            raise _unreachable(url, "not sent within %s s", seconds)
        return b"".join(chunks)
    except (http.client.HTTPException, OSError, ValueError) as exc:
        if cut.is_set():
            raise _unreachable(url, "not sent within %s s", seconds) from exc
        raise _unreachable(url, "%s: %s", type(exc).__name__, exc) from exc
    finally:
        timer.cancel()
        if answer is not None:  # it holds the socket once http.client has handed it over
            answer.close()
        connection.close()


def add_feed(account_id: int, name: str, url: str, *, now: datetime, actor: Actor
             ) -> ExternalFeed:
    """Watch a calendar; the calendars job fetches it soon (a page never waits for it)."""
    ensure_aware(now, "now")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(N_("Name the calendar (at most 100 characters)."),
                           field="name")
    url = url.strip().replace("webcal://", "https://", 1) if url else url
    url = _checked_url(url)
    with unit_of_work(actor, now) as unit:
        count = unit.session.scalar(select(db.func.count(ExternalFeed.id)).where(
            ExternalFeed.account_id == account_id)) or 0
        if count >= MAX_FEEDS:
            raise Conflict(Np_("You watch %(num)s calendar already; remove it first.",
                               "You watch %(num)s calendars already; remove one first."),
                           field="url", num=count)
        feed = ExternalFeed(account_id=account_id, name=name, url=url, events=[],
                            created_at=now, refresh_requested_at=now)
        unit.session.add(feed)
        unit.session.flush()
        unit.record("external_feed.add", "external_feed", feed.id, url=url)
    return feed


def request_refresh(feed_id: int, account_id: int, *, now: datetime, actor: Actor
                    ) -> ExternalFeed:
    """Ask the calendars job to fetch this calendar again soon; asking twice before it
    does changes nothing, so pressing the button adds no work."""
    with unit_of_work(actor, now) as unit:
        feed = _own_feed(feed_id, account_id)
        if feed.refresh_requested_at is None:
            feed.refresh_requested_at = now
            unit.record("external_feed.refresh_request", "external_feed", feed_id)
    return feed


def remove_feed(feed_id: int, account_id: int, *, now: datetime, actor: Actor) -> None:
    with unit_of_work(actor, now) as unit:
        unit.session.delete(_own_feed(feed_id, account_id))
        unit.record("external_feed.remove", "external_feed", feed_id)


def _own_feed(feed_id: int, account_id: int) -> ExternalFeed:
    feed = db.session.get(ExternalFeed, feed_id)
    if feed is None or feed.account_id != account_id:
        raise NotFound(N_("No calendar %(id)s."), id=feed_id)
    return feed


def refresh_feed(feed_id: int, *, now: datetime) -> ExternalFeed:
    """Fetch and expand one calendar; a failure is kept on the feed as a code (its last
    good events stay) and shown to its owner, never raised into a scheduler tick."""
    ensure_aware(now, "now")
    feed = db.session.get(ExternalFeed, feed_id)
    if feed is None:
        raise NotFound(N_("No calendar %(id)s."), id=feed_id)
    url, requested = feed.url, feed.refresh_requested_at
    db.session.rollback()  # hold no transaction open across the network
    config = current_app.config
    error: str | None = None
    try:
        body = _download(url, seconds=float(config.get("EXTERNAL_FEEDS_FETCH_SECONDS",
                                                       FETCH_SECONDS)))
        events = busy_intervals(body, now - timedelta(days=1), now + WINDOW, seconds=float(
            config.get("EXTERNAL_FEEDS_EXPAND_SECONDS", EXPAND_SECONDS)))
    except Unusable as exc:
        error = exc.code
    with unit_of_work(Actor.scheduler(), now):
        feed = db.session.get(ExternalFeed, feed_id)
        if feed is None:  # removed while it was being fetched
            raise NotFound(N_("No calendar %(id)s."), id=feed_id)
        if error is None:
            feed.events = events
        feed.last_error, feed.fetched_at = error, now
        if feed.refresh_requested_at == requested:  # not asked again meanwhile
            feed.refresh_requested_at = None
    return feed


def refresh_requested(*, now: datetime) -> int:
    """Calendars just added or whose owner asked for a fetch, oldest request first."""
    done: set[int] = set()
    _refresh_requested(done, now=now)
    return len(done)


def refresh_all(*, now: datetime) -> int:
    """Every watched calendar; one that fails is recorded and never stops the others.
    Calendars requested meanwhile go before the next one, so a long run keeps the
    page's promise that a requested calendar is fetched soon."""
    ids = list(db.session.scalars(select(ExternalFeed.id).order_by(ExternalFeed.id)))
    db.session.rollback()
    done: set[int] = set()
    for feed_id in ids:
        _refresh_requested(done, now=now)
        if feed_id not in done:
            _refresh_safely(feed_id, done, now=now)
    return len(done)


def _refresh_requested(done: set[int], *, now: datetime) -> None:
    # Each calendar at most once per run (`done`), so the loop ends even when a request
    # cannot be cleared.
    while (feed_id := db.session.scalar(
            select(ExternalFeed.id).where(ExternalFeed.refresh_requested_at.is_not(None),
                                          ExternalFeed.id.not_in(done))
            .order_by(ExternalFeed.refresh_requested_at, ExternalFeed.id).limit(1))
           ) is not None:
        _refresh_safely(feed_id, done, now=now)
    db.session.rollback()


def _refresh_safely(feed_id: int, done: set[int], *, now: datetime) -> None:
    done.add(feed_id)
    try:
        refresh_feed(feed_id, now=now)
    except Exception:
        db.session.rollback()
        log.exception("calendar %s could not be refreshed", feed_id)


def feeds_of(account_id: int) -> list[ExternalFeed]:
    """The calendars an account watches, in the order they were added."""
    return list(db.session.scalars(select(ExternalFeed).where(
        ExternalFeed.account_id == account_id).order_by(ExternalFeed.id)))
