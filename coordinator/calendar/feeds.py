"""Subscribed feeds: which meetings each shows, their validators, and a render cache.

A feed's bytes depend only on the data version, the day (the window moves daily), the
feed and its language; so the ETag is known before rendering, a revalidation costs one
primary-key lookup, and each body is rendered once per version, not per request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from coordinator.calendar.event import CalendarEvent, DayEvent
from coordinator.calendar.from_meeting import meeting_event, meeting_url
from coordinator.calendar.ics import feed_ics
from coordinator.content import services as content
from coordinator.extensions import DbSession, db
from coordinator.i18n import supported_language
from coordinator.links import absolute_url
from coordinator.models import (
    Committee,
    CommitteeMember,
    Contact,
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    Participant,
    Series,
)
from coordinator.outcomes.published import has_minutes
from coordinator.present import committee_name, country_name, series_title

# Bump when the rendering changes, so validators change with a deploy.
RENDER_REVISION = "1"
PAST = timedelta(days=365)
KEEP_CANCELLED = timedelta(days=90)
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class Feed:
    kind: str  # all, country, committee, series, private
    key: str
    language: str
    deadlines: bool
    name: str
    description: str
    path: str
    country_id: int | None = None
    committee_id: int | None = None
    series_id: int | None = None
    organisation_id: int | None = None

    @property
    def private(self) -> bool:
        return self.kind == "private"

    @property
    def cache_key(self) -> str:
        return f"{self.kind}:{self.key}:{self.language}:{int(self.deadlines)}"


def feed_description() -> str:
    return gettext("Meetings of governments with civil society under the Los Angeles "
                   "Declaration on Migration and Protection.")


def make_feed(kind: str, key: str, language: str, deadlines: bool, *, name: str, path: str,
              **ids: int | None) -> Feed:
    with force_locale(language):
        return Feed(kind, key, language, deadlines, name, feed_description(), path, **ids)


def all_feed(language: str, deadlines: bool) -> Feed:
    with force_locale(language):
        name = gettext("Los Angeles Declaration: meetings with civil society")
    return make_feed("all", "", language, deadlines, name=name, path="/feeds/all.ics")


def country_feed(country: Country, language: str | None, deadlines: bool) -> Feed:
    language = language or supported_language(country.first_language)
    with force_locale(language):
        name = gettext("Meetings with civil society – %(country)s",
                       country=country_name(country))
    return make_feed("country", country.iso, language, deadlines, name=name,
                     path=f"/feeds/country/{country.iso}.ics", country_id=country.id)


def committee_feed(committee: Committee, language: str, deadlines: bool) -> Feed:
    with force_locale(language):
        name = gettext("Committee briefings – %(committee)s",
                       committee=committee_name(committee))
    return make_feed("committee", committee.slug, language, deadlines, name=name,
                     path=f"/feeds/committee/{committee.slug}.ics", committee_id=committee.id)


def series_feed(series: Series, language: str, deadlines: bool) -> Feed:
    with force_locale(language):
        name = series_title(series)
    return make_feed("series", str(series.id), language, deadlines, name=name,
                     path=f"/feeds/series/{series.id}.ics", series_id=series.id)


def private_feed(organisation: Organisation, language: str, deadlines: bool,
                 token_hash: str) -> Feed:
    with force_locale(language):
        name = gettext("Private calendar – %(organisation)s", organisation=organisation.name)
    # The key is the token's hash: a rotated token never reuses a cached body.
    return make_feed("private", token_hash, language, deadlines, name=name,
                     path="/feeds/private/", organisation_id=organisation.id)


def meeting_calendar(meeting: Meeting, language: str) -> bytes:
    """One meeting as a file to add to a calendar: the same event, UID and SEQUENCE as in
    the feeds, so a calendar that also subscribes to a feed shows it once, and a later
    download of a moved meeting updates the copy instead of adding a second one."""
    with force_locale(language):
        name, description = series_title(meeting.series), feed_description()
    return feed_ics([meeting_event(meeting, language, private=False)], name=name,
                    description=description, language=language, refresh=REFRESH)


def window(today: date) -> tuple[datetime, datetime]:
    """The past 12 months up to the horizon, moving by whole days."""
    start = datetime.combine(today, time(0), tzinfo=UTC)
    months = int(current_app.config["HORIZON_MONTHS"])
    return start - PAST, start + timedelta(days=31 * months + 31)


def meetings_query(feed: Feed, today: date) -> Select[Meeting]:
    first, last = window(today)
    start = datetime.combine(today, time(0), tzinfo=UTC)
    in_window = (Meeting.start_at >= first) & (Meeting.start_at < last)
    # A cancelled meeting stays at least 90 days after its cancellation, so clients see it go.
    recently_cancelled = ((Meeting.status == MeetingStatus.CANCELLED)
                          & (Meeting.updated_at >= start - KEEP_CANCELLED))
    query = (select(Meeting).join(Meeting.series)
             .where(in_window | recently_cancelled)
             .options(joinedload(Meeting.series).joinedload(Series.country),
                      joinedload(Meeting.series).joinedload(Series.committee),
                      joinedload(Meeting.series).joinedload(Series.coordinator))
             .order_by(Meeting.start_at, Meeting.id))
    if feed.kind == "country":
        committees = select(CommitteeMember.committee_id).where(
            CommitteeMember.country_id == feed.country_id)
        query = query.where(or_(Series.country_id == feed.country_id,
                                Series.committee_id.in_(committees)))
    elif feed.kind == "committee":
        query = query.where(Series.committee_id == feed.committee_id)
    elif feed.kind == "series":
        query = query.where(Series.id == feed.series_id)
    elif feed.kind == "private":
        contacts = select(Contact.id).where(Contact.organisation_id == feed.organisation_id)
        mine = or_(Participant.organisation_id == feed.organisation_id,
                   Participant.contact_id.in_(contacts))
        series_ids = select(Participant.series_id).where(mine, Participant.series_id.is_not(None))
        meeting_ids = select(Participant.meeting_id).where(mine,
                                                           Participant.meeting_id.is_not(None))
        query = query.where(or_(Meeting.series_id.in_(series_ids), Meeting.id.in_(meeting_ids)))
    return query


def _deadline_markers(meeting: Meeting, language: str,
                      translations: content.Translations) -> list[DayEvent]:
    if meeting.cancelled:
        return []
    d = meeting.deadlines
    with force_locale(language):
        title = series_title(meeting.series, translations)
        markers = [
            ("suggestions-close", d.suggestions_close,
             gettext("Topic suggestions close: %(title)s", title=title)),
            ("agenda-due", d.agenda_due, gettext("Agenda due: %(title)s", title=title)),
        ]
    return [DayEvent(uid=f"{name}-{meeting.uid}", sequence=meeting.sequence,
                     last_modified=meeting.updated_at, created=meeting.created_at,
                     day=moment.date(), summary=summary, description=meeting_url(meeting),
                     url=meeting_url(meeting))
            for name, moment, summary in markers]


def render(feed: Feed, today: date, *, session: DbSession | None = None) -> bytes:
    """The feed's body for `today`'s window (the request's session unless one is given)."""
    session = session or db.session
    events: list[CalendarEvent | DayEvent] = []
    meetings = list(session.scalars(meetings_query(feed, today)).unique())
    translations = content.for_meetings(meetings, session=session)
    minuted = has_minutes([m.id for m in meetings], session=session)
    for meeting in meetings:
        events.append(meeting_event(meeting, feed.language, private=feed.private,
                                    translations=translations,
                                    minutes=meeting.id in minuted))
        if feed.deadlines:
            events.extend(_deadline_markers(meeting, feed.language, translations))
    url = None if feed.private else absolute_url(feed.path)
    return feed_ics(events, name=feed.name, description=feed.description,
                    language=feed.language, refresh=REFRESH, url=url)


def etag(feed: Feed, version: int, today: date) -> str:
    digest = hashlib.sha256(
        f"{RENDER_REVISION}|{feed.cache_key}|{version}|{today.isoformat()}".encode()
    ).hexdigest()[:32]
    return f'"{digest}"'


class RenderCache:
    """Rendered bodies by ETag, least recently used out first, bounded in bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()
        self.renders = 0  # how many bodies were rendered (tests and benchmarks read it)

    def get(self, key: str) -> bytes | None:
        with self.lock:
            body = self.entries.get(key)
            if body is not None:
                self.entries.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        with self.lock:
            self.renders += 1
            if key in self.entries or len(body) > self.max_bytes:
                return
            self.entries[key] = body
            self.size += len(body)
            while self.size > self.max_bytes:
                _, old = self.entries.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0
