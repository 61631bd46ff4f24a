"""Public answers rendered once per data version, language and period, then served from
memory with a strong ETag and 304s: the feeds' approach (web/feeds.py) for pages, exports
and the tracker's Atom feed.

An answer that depends only on the database, the reader's language and the day is keyed
by (path, query, language, versions of the data it reads, period). The versions come from
the `data_versions` rows, bumped by every commit that changes what the answer reads
(models/feeds.py), and read at most once a second per process (VersionMemo), so a repeat
visit costs no query. Visitors with something of their own on the page (logged in: the
header carries a form with their CSRF token; a message waiting to be shown) get a fresh
render, never stored.

The store is cachetools' LRU bounded by bytes (`PAGE_CACHE_BYTES`): a tracker of 500
commitments is a few hundred KiB, and the least recently read answer goes first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cachetools import LRUCache
from flask import Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import http_date

from coordinator.cadence.zones import utc_now
from coordinator.models.feeds import FEEDS, OUTCOMES, version_memo

DEFAULT_BYTES = 32 * 1024 * 1024
# How long an answer may stand without any data change: a day for what only dates say,
# half an hour for what is overdue (every zone of the Americas is a whole or half hour
# from UTC, so an item's due day ends on a half hour).
DAY, HALF_HOUR = timedelta(days=1), timedelta(minutes=30)


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str  # strong: a digest of the body
    content_type: str
    last_modified: datetime


def _size(page: Page) -> int:
    return len(page.body) + 256


class PageCache:
    """Rendered answers by key, the least recently read dropped first, bounded by bytes."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.entries: LRUCache[tuple, Page] = LRUCache(maxsize=max_bytes, getsizeof=_size)
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Page | None:
        with self.lock:
            return self.entries.get(key)

    def put(self, key: tuple, page: Page) -> None:
        if _size(page) > self.entries.maxsize:
            return  # larger than the whole cache: served, not kept
        with self.lock:
            self.entries[key] = page

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def page_cache(app: Any = None) -> PageCache:
    """This app's cache (one per app: tests run several, on different databases)."""
    app = app or current_app
    found = app.extensions.get("page_cache")
    if found is None:
        found = app.extensions.setdefault(
            "page_cache", PageCache(int(app.config.get("PAGE_CACHE_BYTES", DEFAULT_BYTES))))
    return found


def period_start(now: datetime, period: timedelta) -> datetime:
    """The start of the day or half hour `now` is in (UTC)."""
    seconds = int(period.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, UTC)


def personal() -> bool:
    """Whether this visitor's page carries something of their own."""
    return bool(current_user.is_authenticated or session.get("_flashes"))


def cached(render: Callable[[], str | bytes], *, content_type: str = "text/html; charset=utf-8",
           scopes: Sequence[int] = (FEEDS, OUTCOMES), period: timedelta = DAY,
           headers: dict[str, str] | None = None) -> Response:
    """Answer from the cache, or render once and keep it; 304 to a matching validator."""
    now = utc_now()
    start = period_start(now, period)
    versions = [version_memo(scope=scope).get() for scope in scopes]
    extra = dict(headers or {})
    if personal():
        body = render()
        response = Response(body, content_type=content_type, headers=extra)
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    key = (request.path, request.query_string, str(get_locale()),
           tuple(v for v, _ in versions), start)
    cache = page_cache()
    page = cache.get(key)
    if page is None:
        made = render()
        body = made.encode("utf-8") if isinstance(made, str) else made
        last_modified = max([start, *(changed for _, changed in versions)])
        page = Page(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', content_type,
                    last_modified.replace(microsecond=0))
        cache.put(key, page)
    extra.update({
        "ETag": page.etag,
        "Last-Modified": http_date(page.last_modified),
        "Cache-Control": "public, no-cache",
        # The language comes from ?lang=, the language cookie or Accept-Language.
        "Vary": "Accept-Language, Cookie",
    })
    if request.if_none_match:
        if request.if_none_match.contains(page.etag.strip('"')):
            return Response(status=304, headers=extra)
    elif request.if_modified_since and page.last_modified <= request.if_modified_since:
        return Response(status=304, headers=extra)
    return Response(page.body, content_type=page.content_type, headers=extra)
