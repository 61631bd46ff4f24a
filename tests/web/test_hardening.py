"""Hardening: headers, size limits, rate limits on every public POST, watched calendars."""

from __future__ import annotations

import http.server
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from coordinator.extensions import db
from coordinator.integrations.external_feeds import Unusable, busy_intervals, refresh_requested
from coordinator.models import ExternalFeed, Role
from tests.web.people import csrf_of, log_in, make_account
from tests.web.test_route_guards import PUBLIC
from tests.web.test_workspace import gt_series, post

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def test_pages_carry_security_headers(seeded, client) -> None:
    for path in ("/", "/login", "/api/v1/countries", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Strict-Transport-Security"].startswith("max-age=")  # BASE_URL https
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_no_page_needs_inline_script_or_style(seeded, client) -> None:
    """The CSP forbids inline code: a page relying on it would break silently."""
    for path in ("/", "/tracker", "/register", "/login", "/feeds/", "/proposals",
                 "/committees/representatives", "/api/v1/docs"):
        page = client.get(path).get_data(as_text=True)
        assert "style=" not in page and "<script>" not in page and "onclick" not in page, path


def test_oversized_bodies_are_refused_before_parsing(seeded, client) -> None:
    big = "x" * (600 * 1024)
    page = client.post("/register", data={"name": big})
    assert page.status_code == 413 and "too large" in page.get_data(as_text=True)
    api = client.post("/api/v1/series", data=big, content_type="application/json")
    assert api.status_code == 413 and api.mimetype == "application/problem+json"


@time_machine.travel(NOW, tick=False)
def test_every_public_post_is_rate_limited(seeded) -> None:
    """Each public form or personal-link POST answers 429 within a bounded flood."""
    rules = [r for r in seeded.url_map.iter_rules()
             if "POST" in r.methods and r.endpoint in PUBLIC and r.endpoint != "auth.logout"]
    assert len(rules) >= 10
    for rule in rules:
        client = seeded.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{len(rule.endpoint)}"
        url = rule.build({arg: "tok" for arg in rule.arguments}, append_unknown=False)[1]
        form = {"csrf_token": csrf_of(client)}  # a real form, so the limit is what stops it
        codes = [client.post(url, data=form).status_code for _ in range(40)]
        assert 429 in codes, (rule.endpoint, sorted(set(codes)))


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//RCM//EN\r
BEGIN:VEVENT\r
UID:rcm-1@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20270104T150000Z\r
DTEND:20270104T190000Z\r
SUMMARY:Regional Conference on Migration plenary\r
RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=4\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:rcm-2@example.org\r
DTSTAMP:20261101T000000Z\r
DTSTART:20270105T150000Z\r
DTEND:20270105T190000Z\r
TRANSP:TRANSPARENT\r
SUMMARY:Free time, not busy\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def calendar_server():  # type: ignore[no-untyped-def]
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = ICS if self.path == "/rcm.ics" else b"this is not a calendar"
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_external_calendar_expands_recurrences_and_skips_free_time() -> None:
    busy = busy_intervals(ICS, datetime(2026, 12, 1, tzinfo=UTC),
                          datetime(2028, 1, 1, tzinfo=UTC))
    assert [b[0][:10] for b in busy] == ["2027-01-04", "2027-04-04", "2027-07-04",
                                         "2027-10-04"]


@time_machine.travel(NOW, tick=False)
def test_watched_calendar_warns_in_the_preview(seeded, calendar_server) -> None:
    seeded.config["EXTERNAL_FEEDS_ALLOW_PRIVATE"] = True  # the test server is on 127.0.0.1
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    added = post(client, "/workspace/integrations/calendars", name="RCM",
                 url=calendar_server + "/rcm.ics")
    assert added.status_code == 302
    refresh_requested(now=NOW)  # the scheduler's work: the page only queued it
    feed = db.session.scalar(sa.select(ExternalFeed))
    assert feed.last_error is None and len(feed.events) == 4
    # 4 January 2027 (New Year's shift), 10:00 in Guatemala = 16:00 UTC: inside the plenary.
    preview = post(client, "/workspace/series/new", kind="national", country="GT",
                   first_date="2027-01-01", start_time="10:00", zone="America/Guatemala",
                   duration="90", action="preview").get_data(as_text=True)
    assert preview.count('class="state state-late clash"') == 1
    assert "Regional Conference on Migration plenary" in preview
    broken = post(client, "/workspace/integrations/calendars", name="Broken",
                  url=calendar_server + "/other.ics")
    assert broken.status_code == 302
    refresh_requested(now=NOW)
    page = client.get("/workspace/integrations").get_data(as_text=True)
    assert "does not give a readable iCalendar file" in page


@time_machine.travel(NOW, tick=False)
def test_calendars_inside_our_network_are_refused_by_default(seeded, calendar_server) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    post(client, "/workspace/integrations/calendars", name="Probe",
         url=calendar_server + "/rcm.ics")
    refresh_requested(now=NOW)
    feed = db.session.scalar(sa.select(ExternalFeed))
    assert feed.events == [] and feed.last_error == "unreachable"
    for bad in ("file:///etc/passwd", "gopher://x", "javascript:alert(1)", "not a url"):
        assert post(client, "/workspace/integrations/calendars", name="Bad",
                    url=bad).status_code == 422


@time_machine.travel(NOW, tick=False)
def test_api_token_is_shown_once_and_stored_hashed(seeded) -> None:
    gt_series()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    made = post(client, "/workspace/integrations/tokens", name="Regional tool")
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = made.get_data(as_text=True).split('id="new-token"')[0].rsplit('value="', 1)[1]
    token = token.split('"')[0]
    assert token.startswith("coord_")
    assert token not in client.get("/workspace/integrations").get_data(as_text=True)
    api = seeded.test_client().get("/api/v1/outbox",
                                   headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200


@pytest.fixture
def odd_server():  # type: ignore[no-untyped-def]
    """A server that redirects inside our network, and one that does not speak HTTP."""
    import socket

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/secret")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    redirecting = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=redirecting.serve_forever, daemon=True).start()
    raw = socket.socket()
    raw.bind(("127.0.0.1", 0))
    raw.listen(5)

    def babble() -> None:
        while True:
            try:
                conn, _ = raw.accept()
            except OSError:
                return
            conn.recv(1024)
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
            conn.close()

    threading.Thread(target=babble, daemon=True).start()
    yield (f"http://127.0.0.1:{redirecting.server_port}/x.ics",
           f"http://127.0.0.1:{raw.getsockname()[1]}/x.ics")
    redirecting.shutdown()
    raw.close()


@time_machine.travel(NOW, tick=False)
def test_calendar_fetch_refuses_redirects_and_survives_odd_servers(seeded, odd_server,
                                                                   calendar_server) -> None:
    from coordinator.integrations.external_feeds import refresh_all

    seeded.config["EXTERNAL_FEEDS_ALLOW_PRIVATE"] = True
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    redirecting, babbling = odd_server
    for name, url in (("Redirect", redirecting), ("Babble", babbling),
                      ("Good", calendar_server + "/rcm.ics")):
        assert post(client, "/workspace/integrations/calendars", name=name,
                    url=url).status_code == 302
    assert post(client, "/workspace/integrations/calendars", name="Bad port",
                url="http://example.com:abc/x.ics").status_code == 422
    refresh_all(now=NOW)  # one bad calendar never stops the others
    db.session.expire_all()
    feeds = {f.name: f for f in db.session.scalars(sa.select(ExternalFeed))}
    assert feeds["Redirect"].last_error == "redirect" and feeds["Redirect"].events == []
    assert feeds["Babble"].last_error == "unreachable"
    assert feeds["Good"].last_error is None and len(feeds["Good"].events) == 4


def test_a_minutely_rule_is_not_expanded_whole() -> None:
    import time

    minutely = ICS.replace(b"RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=4", b"RRULE:FREQ=MINUTELY")
    started = time.monotonic()
    with pytest.raises(Unusable) as refused:
        busy_intervals(minutely, datetime(2027, 1, 1, tzinfo=UTC),
                       datetime(2029, 1, 1, tzinfo=UTC))
    assert refused.value.code == "too_frequent"  # refused before any expansion
    assert time.monotonic() - started < 2
