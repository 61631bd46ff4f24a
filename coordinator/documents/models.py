"""A document attached to something, and its bytes when the database stores them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime


class Document(Model):
    """One file attached to minutes, an agenda item, a commitment or a proposal.

    `meeting_id` scopes it (who may see a document not yet public, deleting it with its
    meeting). `public` is whether it may be shown to anyone once its subject is public;
    see `services.is_public` for the whole rule. The bytes live in the configured store
    under `storage_key`.
    """

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_subject", "subject", "subject_id"),
                      Index("ix_documents_meeting", "meeting_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    public: Mapped[bool]
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DocumentBlob(Model):
    """The bytes of a document, for `DatabaseStore` (the default): every web process
    reads them from the one database, with no shared disk."""

    __tablename__ = "document_blobs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
