"""Personal API tokens: created and revoked in the workspace, stored hashed, scoped like
their account."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import Account, ApiToken
from coordinator.unit import Actor, unit_of_work

PREFIX = "coord_"
MAX_TOKENS = 20
_SHAPE = re.compile(r"^coord_[A-Za-z0-9_-]{43}$")
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_token(account_id: int, name: str, *, now: datetime, actor: Actor) -> str:
    """A new token (returned once, never stored in clear)."""
    ensure_aware(now, "now")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(N_("Name the token (at most 100 characters), e.g. the tool "
                              "that will use it."), field="name")
    token = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work(actor, now) as unit:
        live = unit.session.scalar(select(db.func.count(ApiToken.id)).where(
            ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))) or 0
        if live >= MAX_TOKENS:
            raise Conflict(Np_("You have %(num)s live token; revoke it first.",
                               "You have %(num)s live tokens; revoke one first."),
                           field="name", num=live)
        row = ApiToken(account_id=account_id, name=name, token_hash=_digest(token),
                       prefix=token[:12], created_at=now)
        unit.session.add(row)
        unit.session.flush()
        unit.record("api_token.create", "api_token", row.id, name=name)
    return token


def revoke_token(token_id: int, account_id: int, *, now: datetime, actor: Actor) -> None:
    with unit_of_work(actor, now) as unit:
        row = unit.session.get(ApiToken, token_id)
        if row is None or row.account_id != account_id:
            raise NotFound(N_("No token %(id)s."), id=token_id)
        if row.revoked_at is None:
            row.revoked_at = now
            unit.record("api_token.revoke", "api_token", row.id)


def account_for_token(token: str, *, now: datetime) -> Account | None:
    """The live, active account behind a token, or None. The lookup is by SHA-256 digest
    (the token itself is never compared byte by byte), then checked with compare_digest."""
    if not _SHAPE.match(token or ""):
        return None
    digest = _digest(token)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or not hmac.compare_digest(row.token_hash, digest) \
            or row.revoked_at is not None or not row.account.active:
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        # Bookkeeping, not a change of anyone's data: its own short transaction, so it
        # never commits what the request's session holds.
        with db.engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == row.id)
                               .values(last_used_at=now))
    return row.account


def tokens_of(account_id: int) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.account_id == account_id)
                                   .order_by(ApiToken.revoked_at.is_not(None),
                                             ApiToken.created_at.desc())))
