"""Where messages go: an SMTP server through Flask-Mail, or `.eml` files when none is set."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import idna
from flask import current_app
from flask_mail import Message

from coordinator.extensions import mail


class TemporaryFailure(Exception):
    """Try again later (4xx, connection refused or dropped)."""

    def __init__(self, reason: str, *, connection_lost: bool = False) -> None:
        super().__init__(reason)
        self.connection_lost = connection_lost


class PermanentFailure(Exception):
    """The server refused this recipient or message for good (5xx): do not retry."""


@dataclass(frozen=True)
class Outgoing:
    recipient: str
    sender: str
    data: bytes
    name: str  # for files: the outbox id


class Channel(Protocol):
    def send(self, message: Outgoing) -> None: ...

    def recover(self) -> bool:
        """After an unexpected error: True when the channel can carry the next message."""
        ...


def envelope_address(recipient: str) -> tuple[str, bool]:
    """The address for RCPT TO, and whether it needs SMTPUTF8.

    An internationalised domain travels as its A-label (IDNA 2008 with UTS #46 mapping,
    RFC 5891), which every server accepts; a non-ASCII local part can only travel over
    SMTPUTF8 (RFC 6531). An address that is neither is refused for good.
    """
    local, at, domain = recipient.strip().rpartition("@")
    if not at or not local or not domain:
        raise PermanentFailure("not an e-mail address")
    if not domain.isascii():
        try:
            domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise PermanentFailure(f"the domain is not a valid domain name ({exc})") from exc
    return f"{local}@{domain}", not local.isascii()


class StoredMessage(Message):
    """A Flask-Mail message whose bytes were composed (and stored) at enqueue time."""

    def __init__(self, outgoing: Outgoing) -> None:
        super().__init__(recipients=[outgoing.recipient], sender=outgoing.sender)
        self._data = outgoing.data

    def as_bytes(self) -> bytes:
        return self._data

    def has_bad_headers(self) -> bool:
        return False  # headers were built by the email package, which refuses line breaks


class SmtpChannel:
    def __init__(self, connection) -> None:
        self.connection = connection

    def send(self, message: Outgoing) -> None:
        address, utf8 = envelope_address(message.recipient)
        try:
            host = self.connection.host
            if host is None:  # Flask-Mail's MAIL_SUPPRESS_SEND (testing): go through its API
                self.connection.send(StoredMessage(message))
            else:
                # Straight onto Flask-Mail's SMTP connection: building a flask_mail.Message
                # per stored message only to discard it cost a DNS lookup (make_msgid) each.
                options: list[str] = []
                if utf8:
                    host.ehlo_or_helo_if_needed()
                    if not host.has_extn("smtputf8"):
                        raise PermanentFailure(
                            "the address has non-ASCII characters before the @ and the mail "
                            "server does not offer SMTPUTF8 (RFC 6531)")
                    options = ["SMTPUTF8"]
                host.sendmail(message.sender, [address], message.data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            _raise_for(code, answer, connection_lost=False)
        except smtplib.SMTPResponseException as exc:
            _raise_for(exc.smtp_code, exc.smtp_error,
                       connection_lost=isinstance(exc, smtplib.SMTPServerDisconnected))
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"{exc.__class__.__name__}: {exc}",
                                   connection_lost=True) from exc


    def recover(self) -> bool:
        """Abort whatever transaction an error left open (RSET), so the next message
        starts clean; False when the connection is unusable."""
        host = self.connection.host
        if host is None:
            return True
        try:
            host.rset()
        except (smtplib.SMTPException, OSError):
            return False
        return True


def _raise_for(code: int, answer: bytes | str, *, connection_lost: bool) -> None:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    reason = f"{code} {text}".strip()
    if 500 <= code < 600:
        raise PermanentFailure(reason)
    raise TemporaryFailure(reason, connection_lost=connection_lost or code == 421)


class FolderChannel:
    """The embedded default: each message becomes `instance/mail/<id>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def recover(self) -> bool:
        return True

    def send(self, message: Outgoing) -> None:
        target = self.folder / f"{message.name}.eml"
        partial = target.with_suffix(".eml.partial")
        partial.write_bytes(message.data)
        os.replace(partial, target)


@contextmanager
def open_channel() -> Iterator[Channel]:
    """One SMTP connection for a whole batch; TemporaryFailure if the server is unreachable."""
    if not current_app.config.get("MAIL_SERVER"):
        yield FolderChannel(Path(current_app.config["MAIL_FOLDER"]))
        return
    try:
        connection = mail.connect()
        connection.__enter__()
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(f"cannot reach the mail server: {exc}",
                               connection_lost=True) from exc
    try:
        yield SmtpChannel(connection)
    finally:
        try:
            connection.__exit__(None, None, None)  # type: ignore[arg-type]  # Flask-Mail's hints omit None
        except (smtplib.SMTPException, OSError):
            pass  # the server went away; what was sent is already marked
