"""Accounts (secretariat): opening one mails its set-up link; closing one ends its sessions.
And every account holder's own page: name, language, time zone, password."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext
from flask_login import login_user

from coordinator.accounts import services as service
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.meetings.reads import known_zones
from coordinator.models import Account, Role
from coordinator.present import committee_name, country_name
from coordinator.reference.services import all_countries, committees_in_order
from coordinator.web.workspace import actor, bp, done, get_or_404, me, secretariat_only
from coordinator.web.workspace.forms import text
from coordinator.web.zone_choices import zone_groups


def _page(form=None, error: InvalidInput | None = None, status: int = 200):
    countries = sorted(all_countries(), key=country_name)
    committees = committees_in_order()
    roles = [(Role.SPECIAL_COORDINATOR.value, gettext("Special coordinator (a country)")),
             (Role.COMMITTEE_COORDINATOR.value, gettext("Committee coordinator")),
             (Role.SECRETARIAT.value, gettext("Secretariat"))]
    return render_template(
        "workspace/accounts.html", role_names=dict(roles), roles=roles,
        accounts=service.all_accounts(),
        form=form or {"language": "es", "zone": "UTC"}, error=error,
        countries=[(c.iso, country_name(c)) for c in countries],
        committees=[(c.slug, committee_name(c)) for c in committees],
        languages=list(LANGUAGE_NAMES.items()), zones=zone_groups(known_zones()),
    ), status


@bp.get("/accounts")
@secretariat_only
def accounts():
    return _page()


@bp.post("/accounts")
@secretariat_only
def account_create():
    form = request.form
    try:
        created = service.create_account(
            email=text(form, "email", 254) or "", name=text(form, "name", 200) or "",
            role=form.get("role", ""), country=text(form, "country", 2),
            committee=text(form, "committee", 80), language=form.get("language", "en"),
            zone=text(form, "zone", 64) or "UTC", phone=text(form, "phone", 40),
            now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _page(form, exc, status_of(exc))
    return done(gettext("Account opened; %(email)s received a link to choose a password.",
                        email=created.email), url_for("workspace.accounts"))


@bp.post("/accounts/<int:account_id>/active")
@secretariat_only
def account_active(account_id: int):
    account = get_or_404(Account, account_id)
    active = request.form.get("active") == "1"
    try:
        service.set_active(account.id, active, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return done(exc.message, url_for("workspace.accounts"))
    return done(gettext("Account reopened.") if active else gettext("Account closed."),
                url_for("workspace.accounts"))


# The account holder's own page: name, language, time zone, password.

def _own_page(form=None, error: InvalidInput | None = None, status: int = 200,
              password_error: InvalidInput | None = None):
    account = me()
    return render_template(
        "workspace/account.html", account=account,
        form=form or {"name": account.name, "language": account.language,
                      "zone": account.zone},
        error=error, password_error=password_error,
        languages=list(LANGUAGE_NAMES.items()), zones=zone_groups(known_zones()),
    ), status


@bp.get("/account")
def own_account():
    return _own_page()


@bp.post("/account")
def own_account_save():
    form = request.form
    values = {"name": form.get("name", ""), "language": form.get("language", ""),
              "zone": form.get("zone", "")}
    try:
        service.update_own_account(me(), name=text(form, "name", 300) or "",
                                   language=values["language"], zone=values["zone"],
                                   now=utc_now())
    except InvalidInput as exc:
        return _own_page(values, exc, status_of(exc))
    return done(gettext("Saved."), url_for("workspace.own_account"))


@bp.post("/account/password")
def own_account_password():
    form = request.form
    account = me()
    try:
        service.change_password(account, current=form.get("current_password", ""),
                                new=form.get("password", ""), now=utc_now())
    except InvalidInput as exc:
        return _own_page(password_error=exc, status=status_of(exc))
    # The new password ended every session opened before it, this one included: open a
    # fresh one here, so only the other devices are logged out.
    login_user(account)
    return done(gettext("Password changed. Other devices are logged out."),
                url_for("workspace.own_account"))
