"""Private feed addresses of organisations: created, rotated and revoked by their contacts."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.feeds.messages import feed_link_message
from coordinator.links import PersonalLink, row
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import enqueue, stranger_may_trigger
from coordinator.models import Contact, FeedToken, Organisation
from coordinator.models.feeds import mark_changed
from coordinator.people.contacts import no_longer_registered, registered_contacts
from coordinator.unit import Actor, unit_of_work

MANAGE_LINK_SECONDS = 7 * 86400
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def organisation_for_token(token: str) -> tuple[Organisation, str] | None:
    """The organisation behind a live private feed token, or None (unknown or revoked)."""
    if not _TOKEN.match(token or ""):
        return None
    digest = token_hash(token)
    row = db.session.scalars(select(FeedToken).where(
        FeedToken.token_hash == digest, FeedToken.revoked_at.is_(None))).first()
    return (row.organisation, digest) if row is not None else None


def rotate_feed_token(organisation_id: int, *, now: datetime, actor: Actor) -> str:
    """A new private address (256 random bits); earlier ones stop working at once."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        organisation = unit.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
        revoked = _revoke(organisation_id, now)
        token = secrets.token_urlsafe(32)
        unit.session.add(FeedToken(organisation=organisation, token_hash=token_hash(token),
                                   created_at=now))
        unit.record("feed_token.rotate", "organisation", organisation_id, revoked=revoked)
    return token


def revoke_feed_tokens(organisation_id: int, *, now: datetime, actor: Actor) -> int:
    with unit_of_work(actor, now) as unit:
        revoked = _revoke(organisation_id, now)
        unit.record("feed_token.revoke", "organisation", organisation_id, revoked=revoked)
    return revoked


def _revoke(organisation_id: int, now: datetime) -> int:
    mark_changed(db.session())  # a Core UPDATE is invisible to the flush hook
    # An UPDATE's result is a CursorResult, which has the rowcount; execute() types it Result.
    result = cast(CursorResult[Any], db.session.execute(
        update(FeedToken)
        .where(FeedToken.organisation_id == organisation_id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=now)))
    return result.rowcount or 0


def _manager(payload: Mapping[str, Any]) -> Contact | None:
    contact = row(Contact, payload["c"])
    return contact if contact is not None and contact.organisation_id == payload["o"] else None


# The link to manage an organisation's private feed: bound to a contact of that
# organisation, 7 days, working while the contact is registered; a new one is asked by
# address on the calendars page.
MANAGE_LINK: PersonalLink[Contact] = PersonalLink(
    "feed-manage", "/feeds/private/manage/{token}", {"c": int, "o": int}, bind=_manager,
    max_age=MANAGE_LINK_SECONDS, gone=no_longer_registered, ask="feeds.subscribe")


def manage_link(contact: Contact) -> str:
    return MANAGE_LINK.url({"c": contact.id, "o": contact.organisation_id})


def request_feed_link(address: str, *, now: datetime) -> int:
    """Mail the private-feed link to this address if it is a contact of an approved
    organisation. The caller answers the same either way, so nobody learns who is registered."""
    ensure_aware(now, "now")
    contacts = registered_contacts(address)
    queued = 0
    with unit_of_work(Actor("feed-link-request"), now) as unit:
        for contact in contacts:
            if not stranger_may_trigger(unit.session, contact.email, MailKind.FEED_LINK, now):
                continue
            queued += enqueue(unit.session, feed_link_message(
                contact, manage_link(contact), days=MANAGE_LINK_SECONDS // 86400, now=now), now)
        unit.record("feed_link.request", "contact", contacts[0].id if contacts else None,
                    matched=len(contacts))
    return queued
