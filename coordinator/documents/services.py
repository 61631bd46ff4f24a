"""Attach, list, read and remove documents; who may download one.

Who sees a document (the rule, in one place, `is_public`): a document is public when its
own `public` flag is on and its subject is public: minutes once a version is published;
an agenda item once the meeting's latest published agenda lists it; a commitment always
(the tracker publishes every commitment). A proposal is a civil-society submission to a
committee, so its documents are never public. Anyone else who may download a document
manages its meeting (or, without a meeting, the commitment's country or committee, the
proposal's committee, or is the secretariat); to everyone else it does not exist (404).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime
from typing import BinaryIO, TypeVar

from sqlalchemy import select

from coordinator.accounts import permissions
from coordinator.cadence.errors import N_
from coordinator.cadence.zones import ensure_aware
from coordinator.documents import kinds
from coordinator.documents.models import Document
from coordinator.documents.store import store
from coordinator.errors import InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.models import Account, AgendaItem, Meeting, Proposal, Role
from coordinator.outcomes.models import Commitment, Minutes, MinutesVersion
from coordinator.unit import Actor, unit_of_work

MAX_BYTES = 20 * 1024 * 1024  # 20 MB a document
MAX_FILENAME = 200
READ_CHUNK = 64 * 1024
SUBJECTS = ("minutes", "agenda_item", "commitment", "proposal")
NEVER_PUBLIC = ("proposal",)
# Unicode categories removed from file names: controls, format characters (the bidi
# overrides that make "gpj.exe" look like "exe.jpg"), surrogates, private use, and
# line and paragraph separators.
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_Row = TypeVar("_Row", Minutes, AgendaItem, Commitment, Proposal)
TOO_LARGE = N_("A document may be at most %(mb)s MB.")


def too_large() -> InvalidInput:
    """The refusal of a document over the size limit (also a door's, for a request body
    refused before the service sees it)."""
    return InvalidInput(TOO_LARGE, field="document", mb=MAX_BYTES // (1024 * 1024))


def read_bounded(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """An upload's bytes, read by a door: refused as soon as one byte more than `limit`
    arrives, so a huge upload is never held whole."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(READ_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InvalidInput(TOO_LARGE, field="document", mb=limit // (1024 * 1024))


def clean_filename(filename: str) -> str:
    """The name a document is kept and served under: no folders, no control or invisible
    characters, at most 200 characters with its extension kept."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED)
    name = " ".join(name.split()).lstrip(". ")
    if "." not in name or not name.rsplit(".", 1)[0].strip():
        raise InvalidInput(N_("Give the document a file name that ends in its kind, such as "
                              ".pdf."), field="document")
    if len(name) > MAX_FILENAME:
        stem, extension = name.rsplit(".", 1)
        name = stem[:max(1, MAX_FILENAME - len(extension) - 1)].rstrip() + "." + extension
        name = name[:MAX_FILENAME]
    return name


def _subject_meeting(session: DbSession, subject: str, subject_id: int) -> int | None:
    """The meeting a subject belongs to (None: it has none); refused when it is missing."""
    if subject == "minutes":
        return _found(session.get(Minutes, subject_id), subject_id).meeting_id
    if subject == "agenda_item":
        return _found(session.get(AgendaItem, subject_id), subject_id).meeting_id
    if subject == "commitment":
        return _found(session.get(Commitment, subject_id), subject_id).made_at_id
    if subject == "proposal":
        return _found(session.get(Proposal, subject_id), subject_id).meeting_id
    raise InvalidInput(N_("Documents can be attached only to minutes, agenda items, "
                          "commitments and proposals."), field="subject")


def _found(row: _Row | None, subject_id: int) -> _Row:
    if row is None:
        raise NotFound(N_("Nothing to attach the document to: number %(id)s does not exist."),
                       field="subject", id=subject_id)
    return row


def attach(subject: str, subject_id: int, filename: str, data: bytes, *, now: datetime,
           actor: Actor, public: bool = True) -> Document:
    """Keep a checked document with its subject; its bytes go to the configured store in
    the same unit of work. Doors check the actor may manage the subject first."""
    ensure_aware(now, "now")
    if len(data) > MAX_BYTES:
        raise InvalidInput(TOO_LARGE, field="document", mb=MAX_BYTES // (1024 * 1024))
    if not data:
        raise InvalidInput(N_("The document is empty."), field="document")
    name = clean_filename(filename)
    kind = kinds.detect(data, name)
    with unit_of_work(actor, now) as unit:
        meeting_id = _subject_meeting(unit.session, subject, subject_id)
        key = secrets.token_hex(32)
        document = Document(
            subject=subject, subject_id=subject_id, meeting_id=meeting_id, filename=name,
            content_type=kind.content_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
            public=public and subject not in NEVER_PUBLIC, account_id=actor.account_id,
            uploaded_at=now)
        unit.session.add(document)
        store().put(key, data)
        unit.session.flush()
        unit.record("document.attach", subject, subject_id, document=document.id,
                    filename=name, content_type=kind.content_type, size=len(data),
                    sha256=document.sha256)
    return document


def document(document_id: int) -> Document:
    """One document's row (not its bytes)."""
    row = db.session.get(Document, document_id)
    if row is None:
        raise NotFound(N_("No document %(id)s."), id=document_id)
    return row


def documents_of(subject: str, subject_id: int) -> list[Document]:
    """A subject's documents, in the order they were attached."""
    return list(db.session.scalars(select(Document).where(
        Document.subject == subject, Document.subject_id == subject_id).order_by(Document.id)))


def remove(document_id: int, *, now: datetime, actor: Actor) -> None:
    """Delete a document and its bytes, audited on its subject."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        row = unit.session.get(Document, document_id)
        if row is None:
            raise NotFound(N_("No document %(id)s."), id=document_id)
        store().delete(row.storage_key)
        unit.session.delete(row)
        unit.record("document.remove", row.subject, row.subject_id, document=document_id,
                    filename=row.filename, sha256=row.sha256)


def is_public(row: Document) -> bool:
    """Whether anyone may download it (the rule in this module's docstring)."""
    if not row.public or row.subject in NEVER_PUBLIC:
        return False
    session = db.session
    if row.subject == "commitment":
        return True
    if row.subject == "minutes":
        return session.scalar(select(MinutesVersion.id).where(
            MinutesVersion.minutes_id == row.subject_id).limit(1)) is not None
    if row.subject == "agenda_item" and row.meeting_id is not None:
        meeting = session.get(Meeting, row.meeting_id)
        return meeting is not None and any(
            item.get("id") == row.subject_id for item in meeting.published_agenda or [])
    return False


def may_manage(account: Account | None, row: Document) -> bool:
    """Whether an account looks after the document's subject (sees it before it is
    public, and may attach or remove documents there)."""
    if account is None or not account.is_active:
        return False
    if permissions.is_secretariat(account):
        return True
    if row.subject == "commitment":  # its keepers, wherever it was made
        commitment = db.session.get(Commitment, row.subject_id)
        if commitment is None:
            return False
        if account.role == Role.SPECIAL_COORDINATOR:
            return commitment.country_id is not None and \
                commitment.country_id == account.country_id
        if account.role == Role.COMMITTEE_COORDINATOR:
            return commitment.committee_id is not None and \
                commitment.committee_id == account.committee_id
        return False
    if row.meeting_id is not None:
        meeting = db.session.get(Meeting, row.meeting_id)
        return meeting is not None and permissions.can_manage_meeting(account, meeting)
    if row.subject == "proposal":
        proposal = db.session.get(Proposal, row.subject_id)
        return proposal is not None and permissions.can_manage_committee(
            account, proposal.committee)
    return False


def may_attach(account: Account | None, subject: str, subject_id: int) -> bool:
    """Whether an account may attach a document to this subject (not to an unknown or
    missing one)."""
    try:
        meeting_id = _subject_meeting(db.session, subject, subject_id)
    except (InvalidInput, NotFound):
        return False
    return may_manage(account, Document(subject=subject, subject_id=subject_id,
                                        meeting_id=meeting_id))


def documents_for(subject: str, subject_ids: list[int]) -> dict[int, list[Document]]:
    """Every document of several subjects of one kind, in one query (a workspace page's),
    by subject id."""
    found: dict[int, list[Document]] = {}
    if subject_ids:
        for row in db.session.scalars(select(Document).where(
                Document.subject == subject, Document.subject_id.in_(subject_ids))
                .order_by(Document.id)):
            found.setdefault(row.subject_id, []).append(row)
    return found


def public_documents(subject: str, subject_ids: list[int]) -> dict[int, list[Document]]:
    """The documents anyone may download, of several subjects of one kind, in one query
    (a public page's), by subject id."""
    if not subject_ids:
        return {}
    found: dict[int, list[Document]] = {}
    for row in db.session.scalars(select(Document).where(
            Document.subject == subject, Document.subject_id.in_(subject_ids),
            Document.public.is_(True)).order_by(Document.id)):
        if subject == "commitment" or is_public(row):
            found.setdefault(row.subject_id, []).append(row)
    return found


def sweep(now: datetime) -> int:
    """Delete stored bytes no document names any more (documents deleted with their
    meeting by cascade leave them behind): the scheduler's daily "documents" job."""
    ensure_aware(now, "now")
    swept = store().sweep()
    db.session.commit()
    return swept


def download(document_id: int, filename: str,
             account: Account | None) -> tuple[Document, bytes, bool]:
    """A document, its bytes and whether it is public, for one reader; 404 when it is not
    theirs to see (or its name in the address is not its name)."""
    row = db.session.get(Document, document_id)
    if row is None or row.filename != filename:
        raise NotFound(N_("No document %(id)s."), id=document_id)
    public = is_public(row)
    if not public and not may_manage(account, row):
        raise NotFound(N_("No document %(id)s."), id=document_id)
    data = store().get(row.storage_key)
    if data is None:
        raise NotFound(N_("No document %(id)s."), id=document_id)
    return row, data, public
