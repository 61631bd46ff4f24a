"""Downloads: always an attachment under its own name, never sniffed, cached privately
unless public; a document not yet public exists only for those who manage its meeting."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from coordinator.agendas.services import publish_agenda
from coordinator.documents import services
from coordinator.outcomes.minutes import publish_minutes
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.documents.conftest import COORDINATOR, OUTSIDER
from tests.documents.samples import SAMPLES
from tests.web.people import log_in

PDF = SAMPLES["pdf"]


def _url(document) -> str:  # type: ignore[no-untyped-def]
    return f"/documents/{document.id}/{quote(document.filename)}"


def test_a_public_document_downloads_as_an_attachment_with_its_checked_type(place,
                                                                           client) -> None:
    document = services.attach("commitment", place.commitment.id, "Plan de acción ñ.pdf",
                               PDF, now=NOW, actor=Actor.cli())
    response = client.get(_url(document))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Plan de acci_n _.pdf\"; "
        "filename*=UTF-8''Plan%20de%20acci%C3%B3n%20%C3%B1.pdf")
    assert response.headers["Cache-Control"].startswith("public")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    again = client.get(_url(document), headers={"If-None-Match": f'"{document.sha256}"'})
    assert again.status_code == 304


def test_an_image_is_served_with_its_own_type_as_a_download(place, client) -> None:
    document = services.attach("commitment", place.commitment.id, "foto.png", SAMPLES["png"],
                               now=NOW, actor=Actor.cli())
    response = client.get(_url(document))
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_draft_minutes_documents_are_only_for_who_manages_the_meeting(place, app) -> None:
    document = services.attach("minutes", place.minutes.id, "acta.pdf", PDF, now=NOW,
                               actor=Actor.cli())
    assert app.test_client().get(_url(document)).status_code == 404
    outsider = app.test_client()
    log_in(outsider, OUTSIDER)
    assert outsider.get(_url(document)).status_code == 404
    coordinator = app.test_client()
    log_in(coordinator, COORDINATOR)
    response = coordinator.get(_url(document))
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Cache-Control"].startswith("private")
    assert "Cookie" in response.headers["Vary"]


def test_minutes_documents_become_public_when_the_minutes_are_published(place,
                                                                      client) -> None:
    document = services.attach("minutes", place.minutes.id, "acta.pdf", PDF, now=NOW,
                               actor=Actor.cli())
    assert client.get(_url(document)).status_code == 404
    publish_minutes(place.meeting.id, now=place.after_meeting, actor=Actor.cli())
    assert client.get(_url(document)).status_code == 200


def test_agenda_item_documents_become_public_with_the_published_agenda(place,
                                                                     client) -> None:
    document = services.attach("agenda_item", place.item.id, "nota.pdf", PDF, now=NOW,
                               actor=Actor.cli())
    assert client.get(_url(document)).status_code == 404
    publish_agenda(place.meeting.id, now=NOW, actor=Actor.cli())
    assert client.get(_url(document)).status_code == 200


def test_a_document_kept_private_stays_private_on_a_public_subject(place, client) -> None:
    document = services.attach("commitment", place.commitment.id, "borrador.pdf", PDF,
                               now=NOW, actor=Actor.cli(), public=False)
    assert client.get(_url(document)).status_code == 404


@pytest.mark.parametrize("path", ["/documents/999/acta.pdf", "/documents/{id}/otro.pdf"])
def test_an_unknown_document_or_a_wrong_name_is_not_found(place, client, path) -> None:
    document = services.attach("commitment", place.commitment.id, "acta.pdf", PDF, now=NOW,
                               actor=Actor.cli())
    assert client.get(path.format(id=document.id)).status_code == 404
