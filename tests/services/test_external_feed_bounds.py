"""Watched calendars cost bounded time and work, whatever the server or the file does, and
tell their owner nothing about our network."""

from __future__ import annotations

import resource
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import current_app, has_app_context

from coordinator.extensions import db
from coordinator.integrations import external_feeds
from coordinator.integrations.external_feeds import (
    FETCH_ERRORS,
    Unusable,
    add_feed,
    busy_intervals,
    refresh_feed,
    refresh_requested,
)
from coordinator.models import ExternalFeed, Role
from coordinator.unit import Actor
from tests.support.calendar_servers import calendar, closed_port, event, serving
from tests.web.people import make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
SINCE, UNTIL = NOW - timedelta(days=1), NOW + timedelta(days=760)
DEADLINE = 2.0  # EXTERNAL_FEEDS_FETCH_SECONDS in these tests
SLACK = 1.5
GOOD = calendar(event("plenary", NOW + timedelta(days=30)))


def _within(seconds: float, work: Callable[[], Any]) -> Any:
    """work(), which must end within `seconds`; the test fails (it does not hang) otherwise.
    It runs in a thread of its own, in an app context of its own when there is an app."""
    outcome: list[Any] = []
    app = current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]

    def run() -> None:
        try:
            if app is None:
                outcome.append(("done", work()))
            else:
                with app.app_context():
                    outcome.append(("done", work()))
        except BaseException as exc:  # handed to the test thread
            outcome.append(("raised", exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"still running after {seconds} s"
    kind, value = outcome[0]
    if kind == "raised":
        raise value
    return value


def _feed(url: str) -> int:
    account = make_account(Role.SECRETARIAT, email=f"sec{time.monotonic_ns()}@example.org")
    return add_feed(account.id, "Watched", url, now=NOW, actor=Actor.cli()).id


def _error_of(feed_id: int) -> str | None:
    db.session.expire_all()
    feed = db.session.get(ExternalFeed, feed_id)
    assert feed is not None
    return feed.last_error


@pytest.fixture
def bounded(app):  # type: ignore[no-untyped-def]
    app.config.update(EXTERNAL_FEEDS_ALLOW_PRIVATE=True,  # the servers are on 127.0.0.1
                      EXTERNAL_FEEDS_FETCH_SECONDS=DEADLINE, EXTERNAL_FEEDS_EXPAND_SECONDS=2)
    return app


# -- a server that trickles is cut at the deadline -------------------------------------------

@pytest.mark.parametrize("answer", ["trickle", "trickle-body"])
@time_machine.travel(NOW, tick=False)
def test_a_calendar_sent_a_byte_at_a_time_is_cut_at_the_deadline(bounded, answer) -> None:
    with serving(answer, GOOD, pause=0.5, limit=10) as server:
        feed_id = _feed(server.url())
        started = time.monotonic()
        _within(DEADLINE + 10, lambda: refresh_feed(feed_id, now=NOW))
        took = time.monotonic() - started
        assert server.closed.wait(3)  # we hung up; the server did not finish
    print(f"cut after {took:.2f} s")
    assert took < DEADLINE + SLACK, f"{took:.1f} s"
    assert _error_of(feed_id) == "unreachable"


# -- every failure to reach a server reads the same -------------------------------------------

@time_machine.travel(NOW, tick=False)
def test_refused_timed_out_unknown_and_private_hosts_store_the_same_error(
        bounded, monkeypatch) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "nowhere.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with serving("silent", limit=10) as silent:
        feeds = {"refused": _feed(f"http://127.0.0.1:{closed_port()}/c.ics"),
                 "timed out": _feed(silent.url()),
                 "unknown host": _feed("http://nowhere.example/c.ics")}
        for feed_id in feeds.values():
            _within(DEADLINE + 10, partial(refresh_feed, feed_id, now=NOW))
        bounded.config["EXTERNAL_FEEDS_ALLOW_PRIVATE"] = False
        feeds["inside our network"] = _feed(silent.url())
        refresh_feed(feeds["inside our network"], now=NOW)
    stored = {why: _error_of(feed_id) for why, feed_id in feeds.items()}
    assert set(stored.values()) == {"unreachable"}, stored


@time_machine.travel(NOW, tick=False)
def test_the_owner_reads_the_generic_error_in_their_language(bounded) -> None:
    from coordinator.integrations.external_feeds import fetch_error

    with bounded.test_request_context(headers={"Accept-Language": "es"}):
        assert fetch_error("unreachable") == fetch_error("something a past version stored")
        assert fetch_error(None) is None
    assert set(FETCH_ERRORS) >= {"unreachable", "redirect", "too_large", "unreadable",
                                 "too_frequent", "too_complex"}


# -- the connection goes to the address that was checked -------------------------------------

class _Resolver:
    """A DNS that answers `first` the first time and `later` afterwards (rebinding)."""

    def __init__(self, first: str, later: str) -> None:
        self.answers = [first, later]
        self.asked = 0
        self.real = socket.getaddrinfo

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "calendar.example":
            return self.real(host, port, *args, **kwargs)
        address = self.answers[min(self.asked, 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                 (address, int(port or 80)))]


def _guard_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record every outgoing connection; refuse (without sending a packet) any that is not
    to 127.0.0.1, so a test can name a public address and no traffic ever leaves."""
    tried: list[Any] = []

    class Guarded(socket.socket):
        def connect(self, address: Any) -> None:
            tried.append(address)
            if address[0] != "127.0.0.1":
                raise ConnectionRefusedError("the test lets nothing leave this machine")
            super().connect(address)

    monkeypatch.setattr(socket, "socket", Guarded)
    return tried


@time_machine.travel(NOW, tick=False)
def test_a_name_that_answers_differently_the_second_time_cannot_lead_inside(
        app, monkeypatch) -> None:
    """The private check is on. The name first resolves to a public address (checked, and
    allowed); asked again, it answers 127.0.0.1. The fetch must go to the public address it
    checked (which the guard refuses here), never to the server inside."""
    app.config["EXTERNAL_FEEDS_FETCH_SECONDS"] = DEADLINE
    public = "93.184.215.14"  # never reached: the guard refuses it before any packet
    with serving("calendar", GOOD) as inside:
        resolver = _Resolver(first=public, later="127.0.0.1")
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        tried = _guard_connections(monkeypatch)
        feed_id = _feed(f"http://calendar.example:{inside.port}/c.ics")
        _within(DEADLINE + 10, lambda: refresh_feed(feed_id, now=NOW))
        monkeypatch.undo()
    assert inside.requests == []
    assert tried == [(public, inside.port)] and resolver.asked == 1
    assert _error_of(feed_id) == "unreachable"


@time_machine.travel(NOW, tick=False)
def test_the_pinned_connection_still_names_the_host(bounded, monkeypatch) -> None:
    with serving("calendar", GOOD) as server:
        resolver = _Resolver(first="127.0.0.1", later="127.0.0.2")
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        tried = _guard_connections(monkeypatch)
        feed_id = _feed(f"http://calendar.example:{server.port}/c.ics")
        refresh_feed(feed_id, now=NOW)
        monkeypatch.undo()
    assert _error_of(feed_id) is None and resolver.asked == 1
    assert tried == [("127.0.0.1", server.port)]
    assert f"Host: calendar.example:{server.port}".encode() in server.requests[0]


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return key, cert


@pytest.mark.parametrize(("certified", "fetched"), [("calendar.example", True),
                                                    ("other.example", False)])
@time_machine.travel(NOW, tick=False)
def test_https_to_the_pinned_address_checks_the_certificate_for_the_host(
        bounded, monkeypatch, tmp_path, certified, fetched) -> None:
    import ssl

    key, cert = _certificate(tmp_path, certified)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    monkeypatch.setattr(external_feeds, "_tls_context",
                        lambda: ssl.create_default_context(cafile=str(cert)))
    with serving("calendar", GOOD, tls=tls) as server:
        monkeypatch.setattr(socket, "getaddrinfo", _Resolver("127.0.0.1", "127.0.0.2"))
        feed_id = _feed(f"https://calendar.example:{server.port}/c.ics")
        _within(DEADLINE + 10, lambda: refresh_feed(feed_id, now=NOW))
        monkeypatch.undo()
    assert _error_of(feed_id) == (None if fetched else "unreachable")


# -- hostile rules cost bounded work -----------------------------------------------------------

def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("transparency", ["TRANSPARENT", "OPAQUE"])
def test_a_rule_repeating_every_second_is_refused_with_little_work(transparency) -> None:
    every_second = calendar(event("tick", NOW - timedelta(days=400), hours=0,
                                  extra=f"TRANSP:{transparency}\r\nRRULE:FREQ=SECONDLY"))
    cpu, started = _child_cpu(), time.monotonic()
    with pytest.raises(Unusable) as refused:
        _within(10, lambda: busy_intervals(every_second, SINCE, UNTIL))
    assert refused.value.code == "too_frequent"
    assert time.monotonic() - started < 1 + SLACK and _child_cpu() - cpu < 1


def test_free_and_cancelled_occurrences_count_against_the_walk() -> None:
    """Forty daily events, all free or cancelled: 30,000 occurrences, none busy."""
    quiet = calendar(*(event(f"free-{n}", NOW + timedelta(hours=n), extra=(
        "TRANSP:TRANSPARENT" if n % 2 else "STATUS:CANCELLED") + "\r\nRRULE:FREQ=DAILY")
        for n in range(40)))
    started = time.monotonic()
    with pytest.raises(Unusable) as refused:
        _within(10, lambda: busy_intervals(quiet, SINCE, UNTIL, seconds=5))
    assert refused.value.code == "too_complex"
    assert time.monotonic() - started < 3 + SLACK


@pytest.mark.parametrize("rule", [
    "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # never happens: searched to year 9999
    "RRULE:FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30",
])
def test_rules_that_make_the_expander_spin_are_stopped_at_their_cpu_limit(rule) -> None:
    """The search for a day that never comes is bounded: either it is cut at its CPU
    second ("too_complex"), or, on a fast CPU, it reaches year 9999 within that second and
    finds nothing beyond DTSTART (which RFC 5545 counts as the first instance whatever the
    rule says). Either way it answers within the bound."""
    spinning = calendar(event("never", NOW, extra=rule))
    started = time.monotonic()
    try:
        found = _within(10, lambda: busy_intervals(spinning, SINCE, UNTIL, seconds=1))
    except Unusable as refused:
        assert refused.code == "too_complex"
    else:
        assert len(found) <= 1 and all(busy[2] == "never" for busy in found), found
    assert time.monotonic() - started < 1 + SLACK


def test_a_rule_that_started_in_year_one_is_stopped_at_its_cpu_limit() -> None:
    ancient = calendar("UID:old\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:00010101T100000Z\r\n"
                       "DTEND:00010101T110000Z\r\nRRULE:FREQ=DAILY")
    started = time.monotonic()
    with pytest.raises(Unusable):
        _within(10, lambda: busy_intervals(ancient, SINCE, UNTIL, seconds=1))
    assert time.monotonic() - started < 1 + SLACK


def test_an_ordinary_calendar_still_reads_whole() -> None:
    weekly = calendar(event("weekly", NOW + timedelta(days=3), extra="RRULE:FREQ=WEEKLY"),
                      event("free", NOW + timedelta(days=4), extra="TRANSP:TRANSPARENT"))
    busy = busy_intervals(weekly, SINCE, UNTIL)
    assert len(busy) == 109 and busy == sorted(busy)
    assert busy[0][0] == (NOW + timedelta(days=3)).isoformat()


# -- the page queues, the job fetches ----------------------------------------------------------

@time_machine.travel(NOW, tick=False)
def test_adding_a_calendar_queues_it_and_the_job_fetches_it(bounded) -> None:
    with serving("calendar", GOOD) as server:
        feed_id = _feed(server.url())
        assert server.requests == []  # adding fetched nothing
        assert refresh_requested(now=NOW) == 1
        assert refresh_requested(now=NOW) == 0  # the request was served and cleared
    feed = db.session.scalar(sa.select(ExternalFeed).where(ExternalFeed.id == feed_id))
    assert feed is not None and feed.refresh_requested_at is None
    assert feed.last_error is None and len(feed.events) == 1 and feed.fetched_at == NOW
