"""Who calls the API: anonymous (public reads) or an account through its personal token."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext

from coordinator.accounts.api_tokens import account_for_token
from coordinator.api.problems import Problem
from coordinator.cadence.zones import utc_now
from coordinator.models import Account
from coordinator.unit import Actor

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="coordinator"'}


def caller() -> Account | None:
    """The token's account, or None without a token. A token that is sent but unknown or
    revoked is refused (401), never quietly treated as anonymous."""
    if "api_account" in g:
        return g.api_account
    header = request.headers.get("Authorization", "")
    account = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise Problem(401, detail=gettext("Use 'Authorization: Bearer <token>'."))
        account = account_for_token(token.strip(), now=utc_now())
        if account is None:
            raise Problem(401, detail=gettext("Unknown or revoked token."))
    g.api_account = account
    return account


def required() -> Account:
    account = caller()
    if account is None:
        raise Problem(401, detail=gettext(
            "This needs a personal API token (workspace → API tokens)."))
    return account


def api_actor(account: Account) -> Actor:
    """Changes made through the API are recorded as such, with the account behind them."""
    return Actor(f"api:{account.email}", account.id)


def allowed(permitted: bool) -> None:
    if not permitted:
        raise Problem(403, detail=gettext("Outside your account's scope."))
