"""Attaching and removing documents from the workspace: one form for every subject, for
whoever looks after the subject; bad files refused with the reason, nothing stored; the
public meeting and commitment pages list what is public; the daily sweep removes bytes no
document names."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from coordinator.documents import services
from coordinator.documents.models import Document, DocumentBlob
from coordinator.extensions import db
from coordinator.outcomes.minutes import publish_minutes
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.documents.conftest import COORDINATOR, OUTSIDER
from tests.documents.samples import SAMPLES
from tests.web.people import csrf_of, log_in

PDF = SAMPLES["pdf"]


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _attach(client, subject: str, subject_id: int, name: str, data: bytes, next_: str):  # type: ignore[no-untyped-def]
    import io
    return client.post("/workspace/documents", data={
        "csrf_token": csrf_of(client, next_), "subject": subject,
        "subject_id": str(subject_id), "next": next_,
        "document": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_meetings_coordinator_attaches_a_document_to_the_minutes(place, app) -> None:
    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    back = f"/workspace/meetings/{place.meeting.id}/minutes"
    page = coordinator.get(back).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page  # the form is on the minutes page
    response = _attach(coordinator, "minutes", place.minutes.id, "acta firmada.pdf", PDF, back)
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    row = db.session.scalar(select(Document))
    assert (row.subject, row.subject_id, row.filename) == ("minutes", place.minutes.id,
                                                           "acta firmada.pdf")
    assert "acta firmada.pdf" in coordinator.get(back).get_data(as_text=True)
    # Not on the public page until the minutes are published; then listed there.
    public = app.test_client()
    assert "acta firmada.pdf" not in public.get(
        f"/meetings/{place.meeting.id}").get_data(as_text=True)
    publish_minutes(place.meeting.id, now=place.after_meeting, actor=Actor.cli())
    page = public.get(f"/meetings/{place.meeting.id}?lang=en").get_data(as_text=True)
    assert re.search(r'href="/documents/\d+/acta%20firmada.pdf"', page)


def test_someone_else_cannot_attach_or_remove(place, app) -> None:
    outsider = app.test_client()
    log_in(outsider, OUTSIDER)
    back = "/workspace/"
    assert _attach(outsider, "minutes", place.minutes.id, "a.pdf", PDF, back).status_code == 403
    assert _attach(outsider, "commitment", place.commitment.id, "a.pdf", PDF,
                   back).status_code == 403
    assert _count(Document) == 0 and _count(DocumentBlob) == 0
    kept = services.attach("commitment", place.commitment.id, "plan.pdf", PDF, now=NOW,
                           actor=Actor.cli())
    response = outsider.post(f"/workspace/documents/{kept.id}/remove",
                             data={"csrf_token": csrf_of(outsider, back), "next": back})
    assert response.status_code == 403 and _count(Document) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("acta.pdf", b"<html><script>alert(1)</script></html>", "This kind of file is not accepted"),
    ("acta.pdf", b"", "The document is empty."),
    ("sin-extension", PDF, "Give the document a file name"),
])
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_kept(place, app, name, data,
                                                                   message) -> None:
    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    response = _attach(coordinator, "commitment", place.commitment.id, name, data,
                       "/workspace/")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Document) == 0 and _count(DocumentBlob) == 0


def test_a_document_over_twenty_megabytes_is_refused(place, app) -> None:
    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    big = PDF + b"0" * (services.MAX_BYTES + 1)
    response = _attach(coordinator, "commitment", place.commitment.id, "big.pdf", big,
                       "/workspace/")
    assert response.status_code in (413, 422)
    assert "20 MB" in response.get_data(as_text=True)
    assert _count(Document) == 0


def test_the_keeper_removes_a_document_and_the_public_page_follows(place, app) -> None:
    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    public = app.test_client()
    _attach(coordinator, "commitment", place.commitment.id, "informe.pdf", PDF, "/workspace/")
    page = f"/commitments/{place.commitment.id}?lang=en"
    assert "informe.pdf" in public.get(page).get_data(as_text=True)
    row = db.session.scalar(select(Document))
    altered = coordinator.post(f"/workspace/documents/{row.id}/remove", data={
        "csrf_token": csrf_of(coordinator, "/workspace/"), "next": "//evil.example/"})
    assert altered.status_code == 422 and _count(Document) == 1  # never off the site
    response = coordinator.post(f"/workspace/documents/{row.id}/remove", data={
        "csrf_token": csrf_of(coordinator, "/workspace/"), "next": "/workspace/"})
    assert response.status_code == 302
    assert _count(Document) == 0 and _count(DocumentBlob) == 0
    assert "informe.pdf" not in public.get(page).get_data(as_text=True)


def test_the_sweep_removes_bytes_no_document_names(place) -> None:
    kept = services.attach("commitment", place.commitment.id, "a.pdf", PDF, now=NOW,
                           actor=Actor.cli())
    gone = services.attach("commitment", place.commitment.id, "b.pdf", PDF, now=NOW,
                           actor=Actor.cli())
    db.session.execute(delete(Document).where(Document.id == gone.id))  # as a cascade does
    db.session.commit()
    assert _count(DocumentBlob) == 2
    assert services.sweep(NOW) == 1
    assert db.session.scalars(select(DocumentBlob.key)).all() == [kept.storage_key]


def test_the_command_line_attaches_lists_and_removes(place, app, tmp_path) -> None:
    from coordinator.cli import main

    def run(*args: str):  # type: ignore[no-untyped-def]
        return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)

    good, bad = tmp_path / "informe final.pdf", tmp_path / "informe.pdf"
    good.write_bytes(PDF)
    bad.write_bytes(b"<html><script>alert(1)</script></html>")
    refused = run("documents", "attach", "commitment", str(place.commitment.id), str(bad))
    assert refused.exit_code == 2 and "not accepted" in refused.output
    assert _count(Document) == 0
    done = run("documents", "attach", "commitment", str(place.commitment.id), str(good))
    assert done.exit_code == 0, done.output
    row = db.session.scalar(select(Document))
    assert row.filename == "informe final.pdf" and row.public
    listed = run("documents", "list", "commitment", str(place.commitment.id))
    assert f"{row.id}\tinforme final.pdf\tapplication/pdf" in listed.output
    assert run("documents", "remove", str(row.id)).exit_code == 0
    assert _count(Document) == 0 and _count(DocumentBlob) == 0
    assert run("documents", "remove", str(row.id)).exit_code == 2


def test_an_agenda_items_document_is_attached_in_the_workspace_and_shown_with_the_agenda(
        place, app) -> None:
    from coordinator.agendas.services import publish_agenda

    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    back = f"/workspace/meetings/{place.meeting.id}"
    page = coordinator.get(back).get_data(as_text=True)
    assert f'name="subject_id" value="{place.item.id}"' in page  # the item's own form
    response = _attach(coordinator, "agenda_item", place.item.id, "nota técnica.pdf", PDF, back)
    assert response.status_code == 302
    agenda = f"/meetings/{place.meeting.id}/agenda?lang=en"
    public = app.test_client()
    assert "nota técnica.pdf" not in public.get(agenda).get_data(as_text=True)
    publish_agenda(place.meeting.id, now=NOW, actor=Actor.cli())
    assert "nota técnica.pdf" in public.get(agenda).get_data(as_text=True)


def test_a_proposals_document_stays_with_the_committees_coordinators(place, app) -> None:
    from tests.documents.test_services import _proposal

    proposal = _proposal(place)
    secretariat = app.test_client()
    from coordinator.models import Role
    from tests.web.people import make_account

    make_account(Role.SECRETARIAT, email="sec.docs@example.org")
    log_in(secretariat, "sec.docs@example.org")
    page = secretariat.get("/workspace/proposals").get_data(as_text=True)
    assert f'name="subject_id" value="{proposal.id}"' in page
    response = _attach(secretariat, "proposal", proposal.id, "anexo.pdf", PDF,
                       "/workspace/proposals")
    assert response.status_code == 302
    row = db.session.scalar(select(Document))
    assert not row.public
    assert "anexo.pdf" in secretariat.get("/workspace/proposals").get_data(as_text=True)
    assert app.test_client().get(f"/documents/{row.id}/anexo.pdf").status_code == 404
