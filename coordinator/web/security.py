"""Security headers on every answer, and limits on what a request may send."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

from flask import Flask, Response, request

from coordinator.errors import N_, InvalidInput

# Pages load only our own stylesheet and scripts: no inline code, no third parties.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


# C0 controls other than tab and line breaks, DEL, and the bidi controls that reorder what
# a reader sees ("Trojan Source"): nobody types them, and PostgreSQL refuses NUL outright.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Invisible in a name or a title, where they make look-alikes ("Red\u200bGT" vs "RedGT").
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
SHORT_TEXT = 300


def hidden_characters(value: str) -> bool:
    """Whether a typed value carries characters no person types on purpose."""
    return bool(CONTROLS.search(value)) or (
        len(value) <= SHORT_TEXT and "\n" not in value and bool(ZERO_WIDTH.search(value)))


def _strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every string in a JSON document with the name of the field holding it (a loop, not
    recursion: depth is the API parser's to limit)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            yield path, item
        elif isinstance(item, dict):
            for key, inner in item.items():
                yield str(key), str(key)
                stack.append((str(key), inner))
        elif isinstance(item, list):
            stack.extend((path, inner) for inner in item)


def refuse_hidden_characters() -> None:
    """One place for every door: query strings, forms and JSON bodies."""
    pairs: Iterator[tuple[str, str]] = chain(
        ((k, k) for k in request.args), request.args.items(multi=True),
        ((k, k) for k in request.form), request.form.items(multi=True))
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None  # nested too deep: the API's own parsing refuses it with a 400
        pairs = chain(pairs, _strings(body))
    for field, value in pairs:
        if hidden_characters(value):
            raise InvalidInput(N_(
                "This contains invisible control characters (perhaps pasted from another "
                "program). Type the text again without them."), field=field or None)


def install(app: Flask) -> None:
    app.before_request(refuse_hidden_characters)

    @app.after_request
    def headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        # Personal links carry their token in the path: never send it to other sites.
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["BASE_URL"].startswith("https://"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.blueprint in ("workspace", "auth") or request.path.startswith("/password"):
            h.setdefault("Cache-Control", "no-store")  # private pages stay off shared caches
        return response
