"""Personal API tokens and the external calendars coordinators watch for clashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.people import Account
from coordinator.models.types import UTCDateTime


class ApiToken(Model):
    """A personal API token: it acts as its account, in the account's scope.

    Only the SHA-256 of the token is kept; the token itself is shown once, at creation.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()


class ExternalFeed(Model):
    """Another process's iCalendar feed (e.g. the Regional Conference on Migration), fetched
    periodically so scheduling can warn about clashes with its events."""

    __tablename__ = "external_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    # Busy intervals of the next months, as [[start ISO, end ISO, summary], ...] in UTC.
    events: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A code from integrations.external_feeds.FETCH_ERRORS, translated when shown.
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the calendar is added or its owner asks for a fetch; the calendars job
    # fetches these first and clears it. Pages never fetch.
    refresh_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()
