"""Attaching documents to minutes, agenda items, commitments and proposals, and removing
them: one form for every subject (templates/workspace/_documents.html), which comes back
to the page it was sent from."""

from __future__ import annotations

from flask import request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from coordinator.cadence.zones import utc_now
from coordinator.documents import services as documents
from coordinator.errors import N_, InvalidInput
from coordinator.web.workspace import actor, allowed, an_id, bp, done, me

# The whole request may hold one document of the largest size, and the form around it.
UPLOAD_BYTES = documents.MAX_BYTES + 64 * 1024


def allow_uploads() -> None:
    """Raise the request size limit for the upload form alone, before anything (the CSRF
    check) reads the body: every other form keeps the small default."""
    if request.method == "POST" and request.endpoint == "workspace.document_attach":
        request.max_content_length = UPLOAD_BYTES


def too_large_message() -> str | None:
    """What a 413 says on the upload form: the documents' limit."""
    if request.endpoint == "workspace.document_attach":
        return documents.too_large().message
    return None


def _back() -> str:
    """Where the form came from: a workspace page of this site (checked before anything
    is done: an altered address refuses the whole form)."""
    target = request.form.get("next") or "/workspace/"
    if (not target.startswith("/workspace/") or not target.isprintable() or "//" in target
            or "\\" in target or len(target) > 500):
        raise InvalidInput(N_("The form was changed on its way: reload the page and send it "
                              "again."), field="next")
    return target


@bp.post("/documents")
def document_attach():
    try:
        request.files  # noqa: B018  (reads the form, within the limit)
    except RequestEntityTooLarge as exc:
        raise documents.too_large() from exc
    subject = request.form.get("subject") or ""
    subject_id = an_id(request.form.get("subject_id"))
    allowed(subject_id is not None and documents.may_attach(me(), subject, subject_id))
    back = _back()
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        raise InvalidInput(N_("Choose a document to attach."), field="document")
    data = documents.read_bounded(upload.stream)
    row = documents.attach(subject, subject_id, upload.filename, data, now=utc_now(),
                           actor=actor())
    return done(gettext("Attached %(name)s.", name=row.filename), back)


@bp.post("/documents/<int:document_id>/remove")
def document_remove(document_id: int):
    row = documents.document(document_id)
    allowed(documents.may_manage(me(), row))
    back = _back()
    name = row.filename
    documents.remove(document_id, now=utc_now(), actor=actor())
    return done(gettext("Removed %(name)s.", name=name), back)
