"""Accounts: the link to choose a password (a new account) or to reset it."""

from __future__ import annotations

from datetime import datetime

from coordinator.links import absolute_url
from coordinator.mail.addressing import to_account
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account


def password_link_message(account: Account, link: str, *, setup: bool, hours: int,
                          epoch: int, now: datetime) -> Outgoing:
    """The set-up or reset link, once per request; `epoch` is the password's version the
    link is bound to."""
    key = outbox_key("password", account.id, epoch, at=now)
    return compose(MailKind.PASSWORD_LINK, key, "password_link", recipient=to_account(account),
                   now=now, context={"account": account, "link": link, "setup": setup,
                                     "hours": hours, "login": absolute_url("/login")},
                   account_id=account.id)
