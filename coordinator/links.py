"""Personal links: signed, bound to one purpose and one record, revocable by version.

People without an account (contacts of organisations, someone choosing a password) act
through links mailed to them. Each kind of link is one `PersonalLink`, declared beside the
use case it opens: its purpose (the signing salt), its maximum age, the record it binds to,
the version that revokes it, and whether that record still accepts it. `verify` is the
only place a token is checked, and every refusal is one of four outcomes with one answer
for every kind (`STATUS`, and one page in `coordinator/web/personal_links.py`):

- forged: not signed by us, for another purpose, or malformed. 404, as if nothing were
  there: a prober learns nothing, and the page says to check the copied address.
- expired: genuine but older than the kind's maximum age. 410.
- replaced: genuine, but a newer link for the same record exists (its version moved on,
  or a password link was used). 410.
- gone: genuine, but what it points to no longer exists or no longer accepts it (the
  meeting is cancelled or over, the suggestion window is closed, the contact left). 410.

410 Gone says "for good": a crawler drops the address, a person reads why on the page,
which offers to mail a fresh link (a POST) where the kind allows it. Verification changes
nothing: a GET through any personal link only reads (mail scanners open links).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.models import Contact, Invitation, MeetingStatus

T = TypeVar("T")
Payload = Mapping[str, Any]

MAX_TOKEN = 500  # characters: every genuine token is far shorter
MAX_ID = 2**31  # ids are 32-bit integers in the database


class Outcome(StrEnum):
    """Why a personal link was refused."""

    FORGED = "forged"
    EXPIRED = "expired"
    REPLACED = "replaced"
    GONE = "gone"


# The one status policy for every kind of personal link (see the module's docstring).
STATUS: Mapping[Outcome, int] = {Outcome.FORGED: 404, Outcome.EXPIRED: 410,
                                 Outcome.REPLACED: 410, Outcome.GONE: 410}
# A fresh link is offered only for a genuine link that merely aged or was superseded.
RENEWABLE = frozenset({Outcome.EXPIRED, Outcome.REPLACED})


class LinkRefused(Exception):
    """A personal link that does not open its page, and which of the four outcomes it is.

    `reason` narrows "gone" for the page (cancelled, over, closed); `subject` is the record
    of a genuine link that may still be exchanged for a fresh one (None past the kind's
    renewal age), so the page can tell whether to offer one.
    """

    def __init__(self, link: PersonalLink[Any], outcome: Outcome, *, reason: str | None = None,
                 subject: object = None) -> None:
        super().__init__(f"{link.purpose}: {outcome.value}" + (f" ({reason})" if reason else ""))
        self.link, self.outcome, self.reason, self.subject = link, outcome, reason, subject

    @property
    def status(self) -> int:
        return STATUS[self.outcome]


def _accepts(subject: Any, now: datetime) -> str | None:
    return None


@dataclass(frozen=True)
class Renewal:
    """A kind whose expired or replaced link may be exchanged, by a POST, for a fresh one
    mailed to the same person."""

    endpoint: str  # the view that takes the old token and mails the new link
    max_age: int | None = None  # a timed link may still ask this long after it was signed
    offered: Callable[[Any, datetime], bool] = lambda subject, now: True


@dataclass(frozen=True, eq=False)
class PersonalLink(Generic[T]):
    """One kind of personal link: how it is signed, what it binds to, when it stops.

    `fields` are the payload's keys and types (the token format of links already mailed:
    never change it). `bind` finds the record (None: gone). `version` names the payload
    key and the record's current version (a mismatch: replaced). `gone` returns why the
    record no longer accepts the link (None: it does); `closed` likewise, for changes only
    (a page may still be read after it stops taking answers). `max_age` is seconds, or a
    function of the payload; None means the token carries no time at all.
    """

    purpose: str
    path: str  # the page's address, "/suggest/{token}"
    fields: Mapping[str, type]
    bind: Callable[[Payload], T | None]
    max_age: int | Callable[[Payload], int] | None = None
    version: tuple[str, Callable[[T], int]] | None = None
    gone: Callable[[T, datetime], str | None] = _accepts
    closed: Callable[[T, datetime], str | None] = _accepts
    renewal: Renewal | None = None
    ask: str | None = None  # the page where a new link can be asked for by address

    def __post_init__(self) -> None:
        if self.purpose in KINDS:
            raise ValueError(f"a personal link for {self.purpose!r} is declared twice")
        KINDS[self.purpose] = self

    def _signer(self) -> URLSafeSerializer | URLSafeTimedSerializer:
        cls = URLSafeSerializer if self.max_age is None else URLSafeTimedSerializer
        return cls(current_app.config["SECRET_KEY"], salt=f"coordinator:{self.purpose}")

    def token(self, payload: Payload) -> str:
        """A signed token for this payload (timed kinds carry the signing time)."""
        return self._signer().dumps(dict(payload))

    def url(self, payload: Payload) -> str:
        """The absolute address of this link's page, for a mail."""
        return absolute_url(self.path.format(token=self.token(payload)))

    def _payload(self, token: str) -> tuple[Payload, int | None]:
        """The checked payload and the signing time (seconds), or LinkRefused(FORGED)."""
        if not token or len(token) > MAX_TOKEN:
            raise LinkRefused(self, Outcome.FORGED)
        signer = self._signer()
        try:
            if isinstance(signer, URLSafeTimedSerializer):
                payload, signed = signer.loads(token, return_timestamp=True)
                signed_at: int | None = int(signed.timestamp())
            else:
                payload, signed_at = signer.loads(token), None
        except BadSignature as exc:
            raise LinkRefused(self, Outcome.FORGED) from exc
        if not isinstance(payload, dict) or not all(
                _typed(payload.get(key), kind) for key, kind in self.fields.items()):
            raise LinkRefused(self, Outcome.FORGED)
        return payload, signed_at

    def _age_limit(self, payload: Payload, renewing: bool) -> int | None:
        if renewing and self.renewal is not None and self.renewal.max_age is not None:
            return self.renewal.max_age
        if callable(self.max_age):
            return self.max_age(payload)
        return self.max_age


def _typed(value: Any, kind: type) -> bool:
    if kind is int:  # a JSON true is not a number here
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53
    return isinstance(value, kind)


KINDS: dict[str, PersonalLink[Any]] = {}


def verify(link: PersonalLink[T], token: str, now: datetime, *, writing: bool = False,
           renewing: bool = False) -> T:
    """The record a genuine, live link is for, or LinkRefused with one of four outcomes.

    `writing`: the request would change something (the kind's `closed` applies).
    `renewing`: the link is offered in exchange for a fresh one, so an expired link (within
    the renewal's age) or a replaced one is accepted too.
    """
    ensure_aware(now, "now")
    payload, signed_at = link._payload(token)
    subject = link.bind(payload)
    if subject is None:
        raise LinkRefused(link, Outcome.GONE)
    limit = link._age_limit(payload, renewing)
    if signed_at is not None and limit is not None:
        age = int(now.timestamp()) - signed_at
        if age < 0 or age > limit:  # as itsdangerous: a time from the future is not trusted
            renewal = link.renewal
            late = renewal is not None and renewal.max_age is not None and age > renewal.max_age
            raise LinkRefused(link, Outcome.EXPIRED, subject=None if late else subject)
    reason = link.gone(subject, now)
    if reason is not None:
        raise LinkRefused(link, Outcome.GONE, reason=reason, subject=subject)
    if link.version is not None and not renewing:
        key, current = link.version
        if payload[key] != current(subject):
            raise LinkRefused(link, Outcome.REPLACED, subject=subject)
    if writing:
        reason = link.closed(subject, now)
        if reason is not None:
            raise LinkRefused(link, Outcome.GONE, reason=reason, subject=subject)
    return subject


def renewal_offered(refused: LinkRefused, now: datetime) -> bool:
    """Whether the page for this refusal offers to mail a fresh link by POST."""
    renewal = refused.link.renewal
    return (renewal is not None and refused.outcome in RENEWABLE
            and refused.subject is not None and renewal.offered(refused.subject, now))


def row(model: type[T], value: Any) -> T | None:
    """The row with this id, or None for an id no row can have (no database error)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < MAX_ID:
        return None
    return db.session.get(model, value)


def absolute_url(path: str) -> str:
    """An address for mails and feeds, on the configured public base URL."""
    return current_app.config["BASE_URL"] + path


def invitation_cancelled(invitation: Invitation, now: datetime) -> str | None:
    """"cancelled" when the meeting is, "withdrawn" when only this person's invitation is
    (the meeting goes on, and the page must not say otherwise): its links are gone."""
    if invitation.meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    if invitation.cancelled:
        return "withdrawn"
    return None


def _answerable(invitation: Invitation, now: datetime) -> str | None:
    """Why an invitation no longer takes answers (None: it does)."""
    if invitation.meeting.end_at <= now:
        return invitation_cancelled(invitation, now) or "over"
    return invitation_cancelled(invitation, now)


# The answer link in each invitation mail: bound to the invitation, revoked when a newer
# version of the invitation is mailed, working until the meeting ends; it carries no time.
# Declared here rather than beside its use case (invitations/rsvp.py) because the invitation
# message, below the services, signs it.
RSVP_LINK: PersonalLink[Invitation] = PersonalLink(
    "rsvp", "/rsvp/{token}", {"i": int, "v": int},
    bind=lambda payload: row(Invitation, payload["i"]),
    version=("v", lambda invitation: invitation.token_version),
    gone=_answerable)


# The contact's preferences page (language, time zone, non-essential mail), linked from
# the footer of every mail to a contact: bound to the contact, carrying no time (a footer
# in an old mail still works), revoked by raising the contact's preferences_version.
# Declared here because compose's addressing, below the people domain, signs it.
PREFERENCES_LINK: PersonalLink[Contact] = PersonalLink(
    "preferences", "/preferences/{token}", {"c": int, "v": int},
    bind=lambda payload: row(Contact, payload["c"]),
    version=("v", lambda contact: contact.preferences_version or 0),
    gone=lambda contact, now: None if contact.active else "inactive")


def preferences_url(contact: Contact) -> str | None:
    """The contact's preferences link for a mail's footer; None before the row exists."""
    if contact.id is None:
        return None
    return PREFERENCES_LINK.url({"c": contact.id, "v": contact.preferences_version or 0})
