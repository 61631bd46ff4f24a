"""Accounts of the secretariat and coordinators: creation, passwords, mailed set-up links."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from coordinator.accounts.messages import password_link_message
from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES, supported_language
from coordinator.links import PersonalLink, row
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import Outgoing, enqueue, stranger_may_trigger
from coordinator.models import Account, ApiToken, Committee, Country, Role
from coordinator.models.people import checked_email
from coordinator.unit import Actor, Unit, unit_of_work

MIN_PASSWORD = 12
MAX_PASSWORD = 1000  # argon2 takes any length; this only bounds the work per request
SETUP_LINK_SECONDS = 7 * 86400
RESET_LINK_SECONDS = 2 * 3600


@cache
def _hashing(parameters: tuple[tuple[str, Any], ...]) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(**dict(parameters))
    # Verifying against the second costs what a real check costs, so "no such account"
    # takes as long as "wrong password": the answer time tells nobody who has an account.
    return hasher, hasher.hash("not a password of anyone")


def _hasher() -> tuple[PasswordHasher, str]:
    """argon2 with the app's PASSWORD_HASH_PARAMETERS (argon2-cffi's defaults when empty),
    and a hash of nobody's password made with them."""
    return _hashing(tuple(sorted(current_app.config["PASSWORD_HASH_PARAMETERS"].items())))


def actor_for(account: Account) -> Actor:
    return Actor(f"account:{account.email}", account.id)


def _epoch(account: Account) -> int:
    return int(account.password_changed_at.timestamp()) if account.password_changed_at else 0


# The link that sets a password once: bound to the account and its password epoch, so it
# counts as replaced once any password is set; a reset link lives shorter than a first-time
# set-up link. A new one is asked for by address.
PASSWORD_LINK: PersonalLink[Account] = PersonalLink(
    "password", "/password/{token}", {"a": int, "e": int, "s": bool},
    bind=lambda payload: row(Account, payload["a"]),
    max_age=lambda payload: SETUP_LINK_SECONDS if payload["s"] else RESET_LINK_SECONDS,
    version=("e", _epoch),
    gone=lambda account, now: None if account.active else "inactive",
    ask="auth.forgot")


def password_link(account: Account, *, setup: bool) -> str:
    """A mailed link that sets the password once: it dies when the password changes."""
    return PASSWORD_LINK.url({"a": account.id, "e": _epoch(account), "s": setup})


def check_password_strength(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(Np_("Use at least %(num)s character.",
                               "Use at least %(num)s characters."),
                           field="password", num=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(Np_("Use at most %(num)s character.", "Use at most %(num)s characters."),
                           field="password", num=MAX_PASSWORD)
    if password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise InvalidInput(N_("Do not use your address as your password."),
                           field="password")


def set_password(account: Account, password: str, *, now: datetime) -> Account:
    """Set the password of the account a verified password link is for."""
    ensure_aware(now, "now")
    check_password_strength(password, account.email)
    with unit_of_work(actor_for(account), now) as unit:
        account.password_hash = _hasher()[0].hash(password)
        account.password_changed_at = now
        unit.record("account.password", "account", account.id)
    return account


def update_own_account(account: Account, *, name: str, language: str, zone: str,
                       now: datetime) -> Account:
    """An account holder's own name, language and time zone (mails and pages follow)."""
    ensure_aware(now, "now")
    name = " ".join((name or "").split())
    if not name or len(name) > 200 or any(unicodedata.category(c).startswith("C")
                                          for c in name):
        raise InvalidInput(Np_("Give a name of at most %(num)s character.",
                               "Give a name of at most %(num)s characters."), field="name", num=200)
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    try:
        get_zone(zone)
    except InvalidInput as exc:
        raise InvalidInput(N_("Choose a time zone from the list."), field="zone") from exc
    with unit_of_work(actor_for(account), now) as unit:
        changes = {field: [getattr(account, field), value]
                   for field, value in (("name", name), ("language", language), ("zone", zone))
                   if getattr(account, field) != value}
        for field, (_old, value) in changes.items():
            setattr(account, field, value)
        if changes:
            unit.record("account.edit", "account", account.id, changes=changes)
    return account


def change_password(account: Account, *, current: str, new: str, now: datetime) -> Account:
    """A new password for a logged-in account, only with the current one: a session left
    open on a shared computer cannot take the account over. Every other session ends."""
    ensure_aware(now, "now")
    stored = account.password_hash
    hasher, nobody = _hasher()
    try:
        hasher.verify(stored or nobody, (current or "")[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError) as exc:
        raise InvalidInput(N_("The current password is not right."),
                           field="current_password") from exc
    if stored is None:
        raise InvalidInput(N_("The current password is not right."), field="current_password")
    check_password_strength(new or "", account.email)
    return set_password(account, new, now=now)


def authenticate(email: str, password: str, *, now: datetime) -> Account | None:
    """The account if the password is right; None otherwise, in the same time either way."""
    address = (email or "").strip().lower()[:254]
    password = (password or "")[:MAX_PASSWORD]
    account = db.session.scalar(select(Account).where(func.lower(Account.email) == address))
    stored = account.password_hash if account is not None and account.active else None
    hasher, nobody = _hasher()
    try:
        hasher.verify(stored or nobody, password)
    except (VerificationError, InvalidHashError):
        return None
    if stored is None or account is None:
        return None
    with unit_of_work(actor_for(account), now) as unit:
        if hasher.check_needs_rehash(stored):
            account.password_hash = hasher.hash(password)
        account.last_login_at = now
        unit.record("account.login", "account", account.id)
    return account


def load_account(session_id: str) -> Account | None:
    """Flask-Login's loader: the id, the password epoch and the session version must all
    still match (a session from before a log-out or a password change is over)."""
    parts = (session_id or "").split(":")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    account_id, epoch, version = parts
    if int(account_id) >= 2**31:
        return None
    account = db.session.get(Account, int(account_id))
    if (account is None or not account.active or _epoch(account) != int(epoch)
            or (account.session_version or 0) != int(version)):
        return None
    return account


def end_sessions(account_id: int, *, now: datetime, actor: Actor) -> None:
    """Log out everywhere: every session and remember-me cookie of the account ends."""
    with unit_of_work(actor, now) as unit:
        account = unit.session.get(Account, account_id)
        if account is None:
            return
        account.session_version = (account.session_version or 0) + 1
        unit.record("account.log_out", "account", account.id)


def _compose_password_link(account: Account, now: datetime, *, setup: bool) -> Outgoing:
    hours = (SETUP_LINK_SECONDS if setup else RESET_LINK_SECONDS) // 3600
    return password_link_message(account, password_link(account, setup=setup), setup=setup,
                                 hours=hours, epoch=_epoch(account), now=now)


def _mail_password_link(unit: Unit, account: Account, *, setup: bool) -> bool:
    return enqueue(unit.session, _compose_password_link(account, unit.now, setup=setup),
                   unit.now)


def request_password_reset(email: str, *, now: datetime) -> bool:
    """Mail a reset link if the address has an active account. The page answers the same
    either way, so nobody learns who has an account."""
    ensure_aware(now, "now")
    address = (email or "").strip().lower()[:254]
    account = db.session.scalar(select(Account).where(func.lower(Account.email) == address,
                                                      Account.active.is_(True)))
    with unit_of_work(Actor("password-reset-request"), now) as unit:
        if account is None:
            # Compose a message all the same (and record the request), so the answer
            # takes as long and nobody can time which addresses have accounts.
            stand_in = Account(id=0, email="nobody@example.org", name="-", role=Role.SECRETARIAT,
                               language="en", zone="UTC")
            _compose_password_link(stand_in, now, setup=False)
            unit.record("account.reset_requested", "account", None)
            return False
        queued = (stranger_may_trigger(unit.session, account.email, MailKind.PASSWORD_LINK,
                                       now)
                  and _mail_password_link(unit, account, setup=False))
        unit.record("account.reset_requested", "account", account.id, mailed=queued)
    return queued


def create_account(*, email: str, name: str, role: Role | str, now: datetime, actor: Actor,
                   country: str | None = None, committee: str | None = None,
                   language: str = "en", zone: str = "UTC", phone: str | None = None) -> Account:
    """Create an account and mail its first-time set-up link in the same transaction."""
    ensure_aware(now, "now")
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput(N_("Choose a role."), field="role") from exc
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(Np_("Give a name of at most %(num)s character.",
                               "Give a name of at most %(num)s characters."), field="name", num=200)
    address = checked_email(email)
    get_zone(zone)
    if phone is not None and len(phone) > 40:
        raise InvalidInput(N_("The phone number is too long."), field="phone")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        if session.scalar(select(Account.id).where(func.lower(Account.email)
                                                   == address.lower())) is not None:
            raise Conflict(N_("An account with this address already exists."),
                           field="email")
        the_country = the_committee = None
        if role == Role.SPECIAL_COORDINATOR:
            the_country = session.scalar(select(Country).where(Country.iso
                                                               == (country or "").upper()))
            if the_country is None:
                raise InvalidInput(N_("A special coordinator needs a country."),
                                   field="country")
        if role == Role.COMMITTEE_COORDINATOR:
            the_committee = session.scalar(select(Committee).where(Committee.slug
                                                                   == (committee or "")))
            if the_committee is None:
                raise InvalidInput(N_("A committee coordinator needs a committee."),
                                   field="committee")
        account = Account(email=address, name=name, role=role, country=the_country,
                          committee=the_committee, language=supported_language(language),
                          zone=zone, phone=(phone or "").strip() or None, created_at=now)
        session.add(account)
        session.flush()
        _mail_password_link(unit, account, setup=True)
        unit.record("account.create", "account", account.id, role=role.value,
                    country=country, committee=committee)
    return account


def set_active(account_id: int, active: bool, *, now: datetime, actor: Actor) -> Account:
    with unit_of_work(actor, now) as unit:
        account = unit.session.get(Account, account_id)
        if account is None:
            raise NotFound(N_("No account %(id)s."), id=account_id)
        if account.id == actor.account_id and not active:
            raise Conflict(N_("You cannot close your own account."), field="active")
        account.active = active
        # Closing or reopening starts clean: no old session comes back, and the account's
        # API tokens are revoked (a reopened account makes new ones).
        account.session_version = (account.session_version or 0) + 1
        revoked = 0
        for token in unit.session.scalars(select(ApiToken).where(
                ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))):
            token.revoked_at = now
            revoked += 1
        unit.record("account.active", "account", account.id, active=active,
                    tokens_revoked=revoked)
    return account


def all_accounts() -> list[Account]:
    """Every account, by role and name (the secretariat's list)."""
    return list(db.session.scalars(select(Account).order_by(Account.role, Account.name)))
