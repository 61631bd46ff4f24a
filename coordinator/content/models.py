"""A translation of one field of one row: the original stays in its own column."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime


class ContentTranslation(Model):
    """One text in one language, for (subject, subject_id, field).

    `original_digest` is the digest of the original text the translation was made from:
    when the original is edited the translation is outdated, and readers see the original
    (marked with its language) rather than a translation that no longer says the same.
    `meeting_id`/`series_id` scope the row for loading a meeting's texts at once and for
    deleting them with it.
    """

    __tablename__ = "content_translations"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "field", "language"),
        Index("ix_content_translations_meeting", "meeting_id"),
        Index("ix_content_translations_series", "series_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    original_digest: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
