"""Where a document's bytes are kept, behind one small interface.

`DatabaseStore` is the default (`DOCUMENT_STORE = "database"`): the bytes are written in
the same transaction as the document's row, so a refused or failed upload leaves nothing
behind, and every web process can serve them. An S3-compatible store plugs in here: a
class with the same three methods (put/get/delete on the bucket, keyed by the document's
`storage_key`), chosen in `store()` by another `DOCUMENT_STORE` value with its bucket and
credentials in further settings. Objects in such a store are written outside the
database transaction, so it would delete what it put when the unit of work rolls back,
and a periodic sweep would remove objects no document row names.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app
from sqlalchemy import delete, select

from coordinator.config import ConfigurationError
from coordinator.documents.models import Document, DocumentBlob
from coordinator.extensions import db

DEFAULT = "database"


class DocumentStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...

    def sweep(self) -> int: ...


class DatabaseStore:
    """Bytes in the `document_blobs` table, in the current session's transaction."""

    def put(self, key: str, data: bytes) -> None:
        db.session.add(DocumentBlob(key=key, data=data))

    def get(self, key: str) -> bytes | None:
        return db.session.scalar(select(DocumentBlob.data).where(DocumentBlob.key == key))

    def delete(self, key: str) -> None:
        db.session.execute(delete(DocumentBlob).where(DocumentBlob.key == key))

    def sweep(self) -> int:
        """Delete bytes no document names (a meeting's documents go with the meeting by
        cascade; their blobs have no foreign key to follow): a job may call it daily."""
        named = select(Document.storage_key)
        result = db.session.execute(delete(DocumentBlob).where(DocumentBlob.key.not_in(named)))
        return int(getattr(result, "rowcount", 0) or 0)


def store() -> DocumentStore:
    """The configured store (`DOCUMENT_STORE`, "database" unless set)."""
    name = current_app.config.get("DOCUMENT_STORE") or DEFAULT
    if name == DEFAULT:
        return DatabaseStore()
    raise ConfigurationError(f"DOCUMENT_STORE {name!r} is not known; use {DEFAULT!r}.")
