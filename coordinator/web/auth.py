"""Log-in, log-out, and passwords chosen through mailed links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from coordinator.accounts import services as accounts
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput
from coordinator.extensions import limiter, login_manager
from coordinator.link_requests.models import LinkKind
from coordinator.link_requests.services import ask_for_link
from coordinator.models import Account
from coordinator.web.personal_links import personal_link

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load(session_id: str):
    return accounts.load_account(session_id)


login_manager.login_message = None  # the log-in page says why on its own


def _email_key() -> str:
    # Per client and address: a stranger's wrong guesses cannot lock the owner out.
    return (f"login:{get_remote_address()}:"
            + (request.form.get("email") or "").strip().lower()[:254])


def safe_next(target: str | None) -> str:
    """Only a path on this site: a crafted ?next= must not send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("workspace.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@limiter.limit("20/hour", key_func=_email_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    error = None
    if request.method == "POST":
        account = accounts.authenticate(request.form.get("email", ""),
                                        request.form.get("password", ""), now=utc_now())
        if account is not None:
            login_user(account, remember=bool(request.form.get("remember")))
            return redirect(safe_next(request.form.get("next") or request.args.get("next")))
        # The same words whether the address or the password was wrong.
        error = gettext("That address and password do not match an account.")
    status = 401 if error else 200
    return render_template("auth/login.html", error=error,
                           email=request.form.get("email", "")[:254],
                           next=request.values.get("next", "")), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.end_sessions(current_user.id, now=utc_now(),
                              actor=accounts.actor_for(current_user))
    logout_user()
    flash(gettext("You are logged out."))
    return redirect(url_for("public.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5/minute;30/day", methods=["POST"])
def forgot():
    sent = False
    if request.method == "POST":
        ask_for_link(LinkKind.PASSWORD, request.form.get("email") or "", now=utc_now())
        sent = True  # the same answer whether or not the address has an account
    return render_template("auth/forgot.html", sent=sent)


@bp.route("/password/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
@personal_link(accounts.PASSWORD_LINK)
def choose(account: Account, token: str):
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("confirm", ""):
            error = gettext("The two passwords differ.")
        else:
            try:
                account = accounts.set_password(account, password, now=utc_now())
            except InvalidInput as exc:
                error = exc.message
            else:
                login_user(account)
                flash(gettext("Your password is saved."))
                return redirect(url_for("workspace.dashboard"))
    return render_template("auth/choose.html", account=account, error=error,
                           minimum=accounts.MIN_PASSWORD), 422 if error else 200
