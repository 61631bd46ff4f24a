"""Personal links: signed, bound to one purpose and one record, revocable by version."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer


class BadLink(Exception):
    """The link was tampered with or belongs to another purpose."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"coordinator:{purpose}")


def sign(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str) -> dict[str, Any]:
    """The payload of a genuine token (itsdangerous compares signatures in constant time)."""
    if not token or len(token) > 500:
        raise BadLink("empty or over-long token")
    try:
        payload = _serializer(purpose).loads(token)
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc
    if not isinstance(payload, dict):
        raise BadLink("unexpected payload")
    return payload


class ExpiredLink(BadLink):
    """A genuine link past its lifetime: the page offers to send a new one."""


def sign_timed(purpose: str, payload: dict[str, Any]) -> str:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"coordinator:{purpose}").dumps(payload)


def unsign_timed(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a genuine token younger than `max_age` seconds."""
    if not token or len(token) > 500:
        raise BadLink("empty or over-long token")
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                        salt=f"coordinator:{purpose}")
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ExpiredLink(str(exc)) from exc
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc
    if not isinstance(payload, dict):
        raise BadLink("unexpected payload")
    return payload


def absolute_url(path: str) -> str:
    """An address for mails and feeds, on the configured public base URL."""
    return current_app.config["BASE_URL"] + path
