"""Following personal links found in real mails, as a participant would."""

from __future__ import annotations

import email
import email.policy
import re

from tests.smtp import Received

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def plain_text(received: Received) -> str:
    return received.message.get_body(("plain",)).get_content()


def html_text(received: Received) -> str:
    return received.message.get_body(("html",)).get_content()


def link_in(text: str, path: str) -> str:
    """The path of the first link to `path` in a mail, without the `lang=` every mailed
    link carries (tests add their own query strings; tests/web/test_language_negotiation.py
    covers the language)."""
    found = re.search(r"https://coordinator\.test(" + re.escape(path) + r"[^\s\"<]+)", text)
    assert found is not None, text[:500]
    return re.sub(r"[?&]lang=[\w-]+$", "", found.group(1))


def stored_text(body: str) -> str:
    return email.message_from_string(body, policy=email.policy.default).get_body(
        ("plain",)).get_content()


def submit(client, path: str, **fields: str):  # type: ignore[no-untyped-def]
    """GET the topic page, then POST the form with its CSRF token and one-time key."""
    page = client.get(path).get_data(as_text=True)
    data = {"csrf_token": CSRF.search(page).group(1), "action": "submit",
            "form_key": FORM_KEY.search(page).group(1), "language": "es", "minutes": "10",
            **fields}
    return client.post(path, data=data)
