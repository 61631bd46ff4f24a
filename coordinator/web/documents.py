"""Documents served as downloads: never shown inline, never sniffed into another type."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request
from flask_login import current_user

from coordinator.documents import services as documents

bp = Blueprint("documents", __name__)

# Defence in depth should a browser render it anyway: no script, no plugins, own origin.
SANDBOX = "default-src 'none'; sandbox"


def _disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, the exact name in `filename*`."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@bp.get("/documents/<int:document_id>/<name>")
def download(document_id: int, name: str) -> Response:
    account = current_user if current_user.is_authenticated else None
    row, data, public = documents.download(document_id, name, account)
    response = Response(data, mimetype=row.content_type)
    response.headers["Content-Disposition"] = _disposition(row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.set_etag(row.sha256)
    if public:
        response.headers["Cache-Control"] = "public, max-age=300"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    response.make_conditional(request)  # 304 to a revalidation with the same ETag
    return response
