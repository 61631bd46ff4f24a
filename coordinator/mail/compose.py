"""Building one RFC 5322 message from a pair of templates, in the recipient's language."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from coordinator.calendar.ics import clean_text


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str
    zone: str


@dataclass(frozen=True)
class Sender:
    """On whose behalf we write: the message comes From our address, Reply-To theirs (DMARC)."""

    name: str
    email: str | None


def message_id(key: str) -> str:
    """A Message-ID derived from the idempotency key: a resend keeps it, clients drop the twin."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "coordinator.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{host}>"


def one_line(value: str) -> str:
    """Header text: no control characters or line breaks (they would inject headers)."""
    # Only ASCII blanks fold: French typography's no-break spaces stay.
    return re.sub(r"[ \t\n]+", " ", clean_text(value)).strip()


def _address(name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def build_message(
    *,
    key: str,
    template: str,
    subject: str,
    recipient: Recipient,
    sender: Sender,
    now: datetime,
    context: dict[str, Any],
    calendar: tuple[bytes, str] | None = None,
) -> EmailMessage:
    """Text and HTML from `emails/<template>.txt|.html`, plus an iMIP part when given.

    `calendar` is (ICS bytes, METHOD); RFC 6047 wants the part as
    `text/calendar; method=...; charset=utf-8`, and Gmail only removes a cancelled event
    when `method=` is there.
    """
    with force_locale(recipient.language):
        values = {"recipient": recipient, "sender": sender, **context}
        text = render_template(f"emails/{template}.txt", **values)
        html = render_template(f"emails/{template}.html", subject=subject, **values)
    service = current_app.config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = one_line(subject)
    message["From"] = _address(f"{sender.name} (via coordinator)" if sender.name
                               else "coordinator", service)
    if sender.email:
        message["Reply-To"] = _address(sender.name, sender.email)
    message["To"] = _address(recipient.name, recipient.email)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to us
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if calendar is not None:
        ics, method = calendar
        message.add_alternative(ics.decode("utf-8"), subtype="calendar",
                                params={"method": method})
    # Last: set_content and add_alternative move Content-* headers into the parts.
    message["Content-Language"] = recipient.language
    return message


_QUOTED_METHOD = re.compile(r'(Content-Type: text/calendar;[^\r\n]*method=)"(\w+)"')


def serialise(message: EmailMessage) -> str:
    """The message as sent. `method=REQUEST` is written unquoted, as in RFC 6047's
    examples, since the email package always quotes and some clients match the bare form."""
    return _QUOTED_METHOD.sub(r"\1\2", message.as_string())
