"""Attaching documents: checked, bounded, kept in the configured store with the row, and
audited; removing one takes its bytes too."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from coordinator.documents import kinds, services
from coordinator.documents.models import Document, DocumentBlob
from coordinator.documents.store import DatabaseStore, store
from coordinator.errors import InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import AuditEntry, Committee, Contact, Proposal
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.documents.samples import SAMPLES

PDF = SAMPLES["pdf"]


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("extension", ["pdf", "docx", "ods", "xls", "webp"])
def test_a_document_is_kept_with_its_kind_size_and_digest(place, extension) -> None:
    data = SAMPLES[extension]
    document = services.attach("minutes", place.minutes.id, f"acta.{extension}", data,
                               now=NOW, actor=Actor.cli())
    assert document.content_type == kinds.EXTENSIONS[extension]
    assert document.size == len(data) and len(document.sha256) == 64
    assert document.meeting_id == place.meeting.id and document.public
    assert store().get(document.storage_key) == data
    assert [d.id for d in services.documents_of("minutes", place.minutes.id)] == [document.id]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document.attach"))
    assert entry.entity == "minutes" and entry.details["document"] == document.id


def test_each_subject_scopes_its_document_to_its_meeting(place) -> None:
    actor = Actor.cli()
    item = services.attach("agenda_item", place.item.id, "plan.pdf", PDF, now=NOW, actor=actor)
    commitment = services.attach("commitment", place.commitment.id, "plan.pdf", PDF, now=NOW,
                                 actor=actor)
    assert item.meeting_id == place.meeting.id
    assert commitment.meeting_id is None  # made at no meeting


def test_a_document_larger_than_20_mb_is_refused_and_nothing_is_written(place) -> None:
    data = PDF + bytes(services.MAX_BYTES + 1 - len(PDF))
    with pytest.raises(InvalidInput, match="at most 20 MB"):
        services.attach("minutes", place.minutes.id, "acta.pdf", data, now=NOW,
                        actor=Actor.cli())
    assert _count(Document) == 0 and _count(DocumentBlob) == 0


def test_exactly_20_mb_is_accepted(place) -> None:
    data = PDF + bytes(services.MAX_BYTES - len(PDF))
    document = services.attach("minutes", place.minutes.id, "acta.pdf", data, now=NOW,
                               actor=Actor.cli())
    db.session.expire_all()
    assert len(store().get(document.storage_key) or b"") == services.MAX_BYTES


class Endless(io.RawIOBase):
    """An upload that never ends, counting what was read of it."""

    def __init__(self) -> None:
        self.read_so_far = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        self.read_so_far += size
        return b"\0" * size


def test_the_door_stops_reading_one_byte_past_the_limit() -> None:
    stream = Endless()
    with pytest.raises(InvalidInput):
        services.read_bounded(stream, limit=1000)  # type: ignore[arg-type]
    assert stream.read_so_far == 1001
    assert services.read_bounded(io.BytesIO(b"x" * 1000), limit=1000) == b"x" * 1000


def test_a_renamed_program_is_refused_and_nothing_is_written(place) -> None:
    with pytest.raises(InvalidInput, match="not accepted"):
        services.attach("minutes", place.minutes.id, "acta.pdf", b"MZ" + bytes(100), now=NOW,
                        actor=Actor.cli())
    assert _count(Document) == 0 and _count(DocumentBlob) == 0


def test_the_name_is_cleaned_before_it_is_kept(place) -> None:
    document = services.attach("minutes", place.minutes.id, "../../tmp/ac\x00ta\x1b.pdf", PDF,
                               now=NOW, actor=Actor.cli())
    assert document.filename == "acta.pdf"


def test_an_unknown_subject_or_a_missing_one_is_refused(place) -> None:
    with pytest.raises(InvalidInput):
        services.attach("meeting", place.meeting.id, "a.pdf", PDF, now=NOW, actor=Actor.cli())
    with pytest.raises(NotFound):
        services.attach("minutes", 999, "a.pdf", PDF, now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput, match="empty"):
        services.attach("minutes", place.minutes.id, "a.pdf", b"", now=NOW, actor=Actor.cli())


def test_a_proposal_document_is_never_public(place) -> None:
    proposal = _proposal(place)
    document = services.attach("proposal", proposal.id, "propuesta.pdf", PDF, now=NOW,
                               actor=Actor.cli(), public=True)
    assert not document.public and not services.is_public(document)


def _proposal(place):  # type: ignore[no-untyped-def]
    committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
    contact = db.session.scalars(select(Contact).order_by(Contact.id)).first()
    proposal = Proposal(committee_id=committee.id, contact_id=contact.id, form_key="k1",
                        title="Propuesta", body="Texto.", language="es", created_at=NOW,
                        updated_at=NOW)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def test_removing_a_document_removes_its_bytes(place) -> None:
    document = services.attach("minutes", place.minutes.id, "acta.pdf", PDF, now=NOW,
                               actor=Actor.cli())
    services.remove(document.id, now=NOW, actor=Actor.cli())
    assert _count(Document) == 0 and _count(DocumentBlob) == 0
    with pytest.raises(NotFound):
        services.document(document.id)


def test_bytes_no_document_names_are_swept(place) -> None:
    DatabaseStore().put("orphan", b"left behind")
    kept = services.attach("minutes", place.minutes.id, "acta.pdf", PDF, now=NOW,
                           actor=Actor.cli())
    db.session.commit()
    assert DatabaseStore().sweep() == 1
    db.session.commit()
    assert store().get("orphan") is None and store().get(kept.storage_key) == PDF


def test_an_unknown_store_is_a_configuration_error(app) -> None:
    from coordinator.config import ConfigurationError

    app.config["DOCUMENT_STORE"] = "s3"
    with pytest.raises(ConfigurationError):
        store()
