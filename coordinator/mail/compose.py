"""Building one RFC 5322 message from a pair of templates, in the recipient's language.

A message's templates are `emails/<name>.txt` and `emails/<name>.html`. The text template
extends `emails/_layout.txt` and holds the Subject in `{% block subject %}` (rendered alone,
in the recipient's language, as Indico's email templates do); the HTML one extends
`emails/_layout.html`.

Each message is one function in its domain's `messages.py` (`coordinator/<domain>/
messages.py`, as Indico's modules and Warehouse's `email/` keep theirs). A messages module
imports only lower layers (models, mail, calendar, links, present), never its domain's
services, so a service can call it without a circle; what the services know (a signed
link, a state's label) is passed in. Each function takes the domain objects it needs and
`now`, and returns an `Outgoing` for `coordinator.mail.outbox.enqueue`, naming in that one
place the template pair, the outbox kind (a `MailKind`) and the idempotency key
(`outbox_key`), which names the version of what it announces (the meeting's SEQUENCE, the
proposal's state and instant), so each version is mailed once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from coordinator.calendar.ics import clean_text
from coordinator.mail.kinds import MailKind


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str
    zone: str
    # A contact's own preferences page (language, zone, non-essential mail), shown in
    # every mail's footer; accounts change theirs in the workspace.
    preferences_url: str | None = None


@dataclass(frozen=True)
class Sender:
    """On whose behalf we write: the message comes From our address, Reply-To theirs (DMARC)."""

    name: str
    email: str | None


NO_SENDER = Sender("", None)


@dataclass(frozen=True)
class Envelope:
    """Who a message is for and what it is about, besides the message itself."""

    key: str
    kind: MailKind
    recipient: str
    language: str
    meeting_id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """What a message function returns and the outbox stores: the envelope and the mail."""

    envelope: Envelope
    message: EmailMessage


KeyPart = str | int | date | Enum | None


def outbox_key(*parts: KeyPart, **named: KeyPart) -> str:
    """The idempotency key: `kind:part:...:name:value:...`, instants in ISO 8601.

    A notification that can be sent again for a new state (a moved meeting, a corrected
    answer) names that version (`seq`, the state and its instant), so each version has a
    key of its own while a retried transaction still stores one row.
    """
    def text(value: KeyPart) -> str:
        if isinstance(value, date):  # datetime too
            return value.isoformat()
        if isinstance(value, Enum):
            return str(value.value)
        return str(value)
    return ":".join([text(p) for p in parts]
                    + [f"{name}:{text(value)}" for name, value in named.items()])


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


def subject_of(template: str, values: Mapping[str, Any]) -> str:
    """The `subject` block of `emails/<template>.txt`, rendered alone with these values."""
    name = f"emails/{template}.txt"
    source = current_app.jinja_env.get_template(name)
    block = source.blocks.get("subject")
    if block is None:
        raise LookupError(f"{name} has no {{% block subject %}}")
    context = dict(values)
    current_app.update_template_context(context)
    return one_line("".join(block(source.new_context(context))))


def render(template: str, recipient: Recipient, sender: Sender,
           context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML of a message, in the recipient's language."""
    with force_locale(recipient.language):
        values = {"recipient": recipient, "sender": sender,
                  "preferences_url": recipient.preferences_url, **context}
        subject = subject_of(template, values)
        text = render_template(f"emails/{template}.txt", **values)
        html = render_template(f"emails/{template}.html", subject=subject, **values)
    return (subject, with_language(text, recipient.language),
            with_language(html, recipient.language, html=True))


def with_language(body: str, language: str, *, html: bool = False) -> str:
    """Every link to the service in a mail carries the recipient's language (`lang=`), so
    a Kreyòl reader whose browser says French still lands on Kreyòl pages.

    Done once over the rendered body rather than at each of the places that build a link
    (personal links, meeting pages, feeds, the tracker): a link added later cannot forget it.
    A link that already names a language keeps it.
    """
    pattern = re.compile(re.escape(current_app.config["BASE_URL"].rstrip("/"))
                         + r"(?:/[^\s\"'<>#)\]]*)?(?:#[^\s\"'<>)\]]*)?")
    amp = "&amp;" if html else "&"

    def add(match: re.Match[str]) -> str:
        found = match.group(0)
        link = found.rstrip(".,;:!?")  # the sentence's full stop is not the link's
        tail = found[len(link):]
        address, hash_, fragment = link.partition("#")
        if re.search(r"[?&;]lang=", address):
            return found
        joiner = amp if "?" in address else "?"
        return f"{address}{joiner}lang={language}{hash_}{fragment}{tail}"

    return pattern.sub(add, body)


def build_message(
    *,
    key: str,
    template: str,
    recipient: Recipient,
    sender: Sender,
    now: datetime,
    context: Mapping[str, Any],
    calendar: tuple[bytes, str] | None = None,
) -> EmailMessage:
    """Subject, text and HTML from `emails/<template>.txt|.html`, plus an iMIP part when
    given.

    `calendar` is (ICS bytes, METHOD); RFC 6047 wants the part as
    `text/calendar; method=...; charset=utf-8`, and Gmail only removes a cancelled event
    when `method=` is there.
    """
    subject, text, html = render(template, recipient, sender, context)
    service = current_app.config["MAIL_DEFAULT_SENDER"]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
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


def compose(kind: MailKind, key: str, template: str, *, recipient: Recipient, now: datetime,
            context: Mapping[str, Any], sender: Sender = NO_SENDER,
            calendar: tuple[bytes, str] | None = None, meeting_id: int | None = None,
            contact_id: int | None = None, account_id: int | None = None) -> Outgoing:
    """One message to one recipient, with the envelope the outbox files it under."""
    message = build_message(key=key, template=template, recipient=recipient, sender=sender,
                            now=now, context=context, calendar=calendar)
    return Outgoing(Envelope(key, kind, recipient.email, recipient.language, meeting_id,
                             contact_id, account_id), message)


_QUOTED_METHOD = re.compile(r'(Content-Type: text/calendar;[^\r\n]*method=)"(\w+)"')


def serialise(message: EmailMessage) -> str:
    """The message as sent. `method=REQUEST` is written unquoted, as in RFC 6047's
    examples, since the email package always quotes and some clients match the bare form."""
    return _QUOTED_METHOD.sub(r"\1\2", message.as_string())
