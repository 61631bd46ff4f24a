"""ETags for cached reads: the data version (bumped by every change) and the question."""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_babel import get_locale
from werkzeug.http import unquote_etag

from coordinator.models import current_version


def etag_for(*parts: object) -> str:
    version, _ = current_version()
    # Titles are translated: the language is part of the answer, so of its tag.
    digest = hashlib.sha256(repr((request.path, sorted(request.args.items(multi=True)),
                                  str(get_locale()), parts)).encode()).hexdigest()[:16]
    return f'W/"{version}-{digest}"'


def not_modified(tag: str) -> Response | None:
    """304 when the client already holds this version (If-None-Match)."""
    if request.if_none_match.contains_weak(unquote_etag(tag)[0]):
        return Response(status=304, headers={"ETag": tag})
    return None
