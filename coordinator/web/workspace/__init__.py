"""The coordinators' workspace: everything here needs a log-in, and changes stay in scope.

Each module adds its views to the one blueprint; `guard` refuses anonymous visitors before
any view runs, and views ask `coordinator.accounts.permissions` about the record itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, request
from flask_login import current_user

from coordinator.accounts import permissions
from coordinator.accounts.permissions import is_secretariat
from coordinator.accounts.services import actor_for
from coordinator.extensions import login_manager
from coordinator.links import row
from coordinator.models import Account, Meeting
from coordinator.unit import Actor

bp = Blueprint("workspace", __name__, url_prefix="/workspace")


@bp.before_request
def guard():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def me() -> Account:
    return current_user._get_current_object()


def actor() -> Actor:
    return actor_for(me())


def allowed(permitted: bool) -> None:
    """403 for what is outside the account's scope (the record exists, the right does not)."""
    if not permitted:
        abort(403)


def secretariat_only(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        allowed(is_secretariat(me()))
        return view(*args, **kwargs)

    return wrapper


def get_or_404(model: type, ident: int) -> Any:
    found = row(model, ident)
    if found is None:
        abort(404)
    return found


def managed_meeting(meeting_id: int) -> Meeting:
    """The meeting, if the logged-in account may manage it (404 / 403 otherwise)."""
    meeting = get_or_404(Meeting, meeting_id)
    allowed(permissions.can_manage_meeting(me(), meeting))
    return meeting


def an_id(value: str | None) -> int | None:
    """A database id from a form or query value, or None: never a 500 on '²' or 10**30."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdecimal() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number < 2**31 else None


def done(message: str, target: str):
    """After a change: say what happened and go back (post/redirect/get)."""
    flash(message)
    return redirect(target)


def form_text(name: str, limit: int = 5000) -> str:
    """A form field as text; over-long input is kept whole so the service can refuse it."""
    return (request.form.get(name) or "").strip()[: limit + 1]


def register_views() -> None:
    from coordinator.web.workspace import (  # noqa: F401  (each module adds its routes)
        accounts,
        attendance,
        commitments,
        committees,
        dashboard,
        documents,
        exports,
        history,
        integrations,
        meetings,
        outbox,
        outcomes,
        people,
        proposals,
        registrations,
        rsvps,
        series,
        translations,
    )
