"""iCalendar feeds and the page to subscribe to them.

Every feed answers with a strong ETag and Last-Modified known before rendering, so a
calendar client's revalidation is a 304 after one primary-key lookup.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import get_locale, gettext
from werkzeug.http import http_date, parse_date, parse_etags

from coordinator.cadence.zones import utc_now
from coordinator.calendar.feeds import (
    Feed,
    RenderCache,
    all_feed,
    committee_feed,
    country_feed,
    etag,
    private_feed,
    render,
    series_feed,
)
from coordinator.extensions import limiter
from coordinator.feeds.tokens import (
    MANAGE_LINK,
    organisation_for_token,
    revoke_feed_tokens,
    rotate_feed_token,
)
from coordinator.i18n import language_of
from coordinator.link_requests.models import LinkKind
from coordinator.link_requests.services import ask_for_link
from coordinator.links import absolute_url, row
from coordinator.models import Contact, Series
from coordinator.models.feeds import version_memo
from coordinator.present import committee_name, country_name
from coordinator.reference.services import (
    all_countries,
    committees_in_order,
    find_committee,
    find_country,
)
from coordinator.unit import Actor
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
MAX_QUERY = 200  # bytes of query string a feed accepts


def cache() -> RenderCache:
    return current_app.extensions.setdefault("feed_cache", RenderCache())


def _options() -> tuple[str | None, bool]:
    """?lang= and ?deadlines=, checked: a clear 400 rather than a guess."""
    if len(request.query_string) > MAX_QUERY:
        abort(400, gettext("The query string is too long."))
    asked = request.args.get("lang") or None
    language = language_of(asked, current_app.config["LANGUAGES"])
    if asked is not None and language is None:
        abort(400, gettext("Unknown language; use one of: %(languages)s.",
                           languages=", ".join(current_app.config["LANGUAGES"])))
    deadlines = request.args.get("deadlines", "0")
    if deadlines not in ("0", "1"):
        abort(400, gettext("deadlines must be 0 or 1."))
    return language, deadlines == "1"


class FeedLookups:
    """Which Feed a request names, per data version: a revalidation then costs one query."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, Feed | None] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Feed | None]) -> Feed | None:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        feed = make()
        with self.lock:
            self.entries[key] = feed
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return feed


def lookups() -> FeedLookups:
    return current_app.extensions.setdefault("feed_lookups", FeedLookups())


def _serve(make: Callable[[str | None, bool], Feed | None], *, private: bool = False):
    language, deadlines = _options()
    version, changed_at = version_memo().get()
    # Countries, committees, series and tokens only change with the data version.
    feed = lookups().get((request.path, language, deadlines, version),
                         lambda: make(language, deadlines))
    if feed is None:
        abort(404)
    today = utc_now().date()
    tag = etag(feed, version, today)
    # The window moves at midnight UTC: the body may change then without any data change.
    last_modified = max(changed_at, datetime.combine(today, time(0), tzinfo=UTC)).replace(
        microsecond=0)
    headers = {
        "ETag": tag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": ("private" if private else "public") + ", no-cache",
        "Vary": "Accept-Encoding",
    }
    if request.if_none_match:
        if request.if_none_match.contains(tag.strip('"')):
            return Response(status=304, headers=headers)
    elif request.if_modified_since and last_modified <= request.if_modified_since:
        return Response(status=304, headers=headers)
    body = cache().get(tag)
    if body is None:
        body = render(feed, today)
        cache().put(tag, body)
    headers["Content-Type"] = "text/calendar; charset=utf-8"
    if not private:
        fast_index().put((request.path, request.query_string, version, today),
                         FastEntry(tag, last_modified, headers, body))
    return Response(body, headers=headers)


@dataclass(frozen=True)
class FastEntry:
    etag: str
    last_modified: datetime
    headers: dict[str, str]
    body: bytes


class FastIndex:
    """Public feed responses by (path, query, data version, day), bounded."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, FastEntry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> FastEntry | None:
        with self.lock:
            return self.entries.get(key)

    def put(self, key: tuple, entry: FastEntry) -> None:
        with self.lock:
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def fast_index() -> FastIndex:
    return current_app.extensions.setdefault("feed_fast_index", FastIndex())


class FeedFastPath:
    """WSGI layer in front of Flask answering repeat polls of public feeds.

    Calendar clients poll the same addresses over and over; when this process knows the
    current data version (read less than a second ago, or forgotten at its own commits)
    and already served that feed for that version and day, it answers 200 with the same
    bytes, or 304 to a matching validator, without entering Flask. Everything else, and
    every first request, goes through the view.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if (method in ("GET", "HEAD") and path.startswith("/feeds/") and path.endswith(".ics")
                and not path.startswith("/feeds/private/")):
            known = version_memo(self.app).peek()
            if known is not None:
                query = environ.get("QUERY_STRING", "").encode("latin-1")
                index = self.app.extensions.get("feed_fast_index")
                entry = index.get((path, query, known[0], utc_now().date())) if index else None
                if entry is not None:
                    return self._answer(entry, environ, method, start_response)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _answer(entry: FastEntry, environ: dict, method: str, start_response: Callable):
        matches = environ.get("HTTP_IF_NONE_MATCH")
        if matches is not None:
            not_modified = parse_etags(matches).contains(entry.etag.strip('"'))
        else:
            since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
            not_modified = since is not None and entry.last_modified <= since
        headers = [(k, v) for k, v in entry.headers.items() if k != "Content-Type"
                   or not not_modified]
        if not_modified:
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        headers.append(("Content-Length", str(len(entry.body))))
        start_response("200 OK", headers)
        return [b"" if method == "HEAD" else entry.body]


@bp.get("/all.ics")
def all_meetings():
    return _serve(lambda lang, dl: all_feed(lang or "en", dl))


@bp.get("/country/<iso>.ics")
def country(iso: str):
    def make(lang: str | None, dl: bool) -> Feed | None:
        found = find_country(iso)
        return country_feed(found, lang, dl) if found else None
    return _serve(make)


@bp.get("/committee/<slug>.ics")
def committee(slug: str):
    def make(lang: str | None, dl: bool) -> Feed | None:
        found = find_committee(slug)
        return committee_feed(found, lang or "en", dl) if found else None
    return _serve(make)


@bp.get("/series/<int:series_id>.ics")
def series(series_id: int):
    def make(lang: str | None, dl: bool) -> Feed | None:
        found = row(Series, series_id)
        return series_feed(found, lang or "en", dl) if found else None
    return _serve(make)


@bp.get("/private/<token>.ics")
def private(token: str):
    def make(lang: str | None, dl: bool) -> Feed | None:
        found = organisation_for_token(token)
        if found is None:
            return None  # unknown and revoked look the same: 404, nothing more
        organisation, digest = found
        return private_feed(organisation, lang or "en", dl, digest)
    return _serve(make, private=True)


def subscribe_links(path: str, name: str, language: str) -> dict[str, str]:
    """The ways to subscribe to one feed: webcal for desktop clients, Google, Outlook."""
    https = absolute_url(path) + "?" + urlencode({"lang": language})
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "name": name,
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/render?" + urlencode({"cid": webcal}),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?"
                   + urlencode({"url": https, "name": name}, quote_via=quote),
        "office": "https://outlook.office.com/calendar/0/addfromweb?"
                  + urlencode({"url": https, "name": name}, quote_via=quote),
    }


@bp.get("")
@bp.get("/")
def subscribe():
    language = str(get_locale() or "en")
    feeds = [subscribe_links("/feeds/all.ics", all_feed(language, False).name, language)]
    countries = sorted(all_countries(), key=country_name)
    country_links = [subscribe_links(f"/feeds/country/{c.iso}.ics", country_name(c),
                                      language) for c in countries]
    committees = committees_in_order()
    committee_links = [subscribe_links(f"/feeds/committee/{c.slug}.ics", committee_name(c),
                                        language)
                       for c in committees]
    return render_template("feeds.html", feeds=feeds, countries=country_links,
                           committees=committee_links)


@bp.post("/private/request")
@limiter.limit("5/minute;50/day")
def request_private():
    ask_for_link(LinkKind.FEED, request.form.get("email") or "", now=utc_now())
    # The same answer whether or not the address is known.
    return render_template("feed_requested.html")


@bp.route("/private/manage/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;100/day", key_func=per_link, methods=["POST"])
@personal_link(MANAGE_LINK)
def manage_private(contact: Contact, token: str):
    organisation = contact.organisation
    new_feed = None
    revoked = confirm_revoke = False
    if request.method == "POST":
        actor = Actor(contact.email)
        if request.form.get("action") == "revoke" and request.form.get("confirmed") != "yes":
            confirm_revoke = True  # stopping cannot be undone: ask once more, change nothing
        elif request.form.get("action") == "revoke":
            revoke_feed_tokens(organisation.id, now=utc_now(), actor=actor)
            revoked = True
        else:
            fresh = rotate_feed_token(organisation.id, now=utc_now(), actor=actor)
            new_feed = subscribe_links(f"/feeds/private/{fresh}.ics",
                                        organisation.name, str(get_locale() or "en"))
    return render_template("feed_manage.html", organisation=organisation, new_feed=new_feed,
                           revoked=revoked, confirm_revoke=confirm_revoke)
