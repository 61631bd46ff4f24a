"""Private feed addresses of organisations: created, rotated and revoked by their contacts."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any, cast

from flask_babel import force_locale, gettext
from sqlalchemy import CursorResult, select, update

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.i18n import supported_language
from coordinator.links import absolute_url, sign_timed
from coordinator.mail.compose import Recipient, Sender, build_message
from coordinator.mail.outbox import Envelope, enqueue, stranger_may_trigger
from coordinator.models import Contact, FeedToken, Organisation
from coordinator.services.contacts import registered_contacts
from coordinator.services.errors import NotFound
from coordinator.services.unit import Actor, unit_of_work

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
            raise NotFound(f"No organisation {organisation_id}.")
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
    db.session.info["feeds_changed"] = True  # a Core UPDATE is invisible to the flush hook
    # An UPDATE's result is a CursorResult, which has the rowcount; execute() types it Result.
    result = cast(CursorResult[Any], db.session.execute(
        update(FeedToken)
        .where(FeedToken.organisation_id == organisation_id, FeedToken.revoked_at.is_(None))
        .values(revoked_at=now)))
    return result.rowcount or 0


def manage_link(contact: Contact) -> str:
    token = sign_timed("feed-manage", {"c": contact.id, "o": contact.organisation_id})
    return absolute_url(f"/feeds/private/manage/{token}")


def request_feed_link(address: str, *, now: datetime) -> int:
    """Mail the private-feed link to this address if it is a contact of an approved
    organisation. The caller answers the same either way, so nobody learns who is registered."""
    ensure_aware(now, "now")
    contacts = registered_contacts(address)
    queued = 0
    with unit_of_work(Actor("feed-link-request"), now) as unit:
        for contact in contacts:
            if not stranger_may_trigger(unit.session, contact.email, "feed-link", now):
                continue
            language = supported_language(contact.language)
            recipient = Recipient(contact.name, contact.email, language, contact.zone)
            with force_locale(language):
                subject = gettext("Your organisation's private calendar address")
            key = f"feed-link:contact:{contact.id}:at:{now.isoformat()}"
            message = build_message(
                key=key, template="feed_link", subject=subject, recipient=recipient,
                sender=Sender("", None), now=now,
                context={"organisation": contact.organisation, "link": manage_link(contact),
                         "days": MANAGE_LINK_SECONDS // 86400})
            queued += enqueue(unit.session, Envelope(key, "feed-link", contact.email, language,
                                                     contact_id=contact.id), message, now)
        unit.record("feed_link.request", "contact", contacts[0].id if contacts else None,
                    matched=len(contacts))
    return queued
