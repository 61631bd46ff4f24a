"""A contact's own preferences, through the personal link in the footer of every mail:
language, time zone, and whether reminders and digests come. No account needed.

GET only shows the form (mail scanners follow links); the POST of its button saves, and
the page answers in the language just chosen.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import force_locale

from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES, supported_language
from coordinator.links import PREFERENCES_LINK
from coordinator.models import Contact
from coordinator.people.editing import update_preferences, zone_choices
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link
from coordinator.web.zone_choices import zone_groups

bp = Blueprint("preferences", __name__, url_prefix="/preferences")


def _page(contact: Contact, token: str, *, form: dict[str, str] | None = None,
          error: InvalidInput | None = None, status: int = 200):
    asked = request.args.get("lang")
    language = asked if asked in LANGUAGE_NAMES else supported_language(contact.language)
    values = form or {"language": supported_language(contact.language), "zone": contact.zone,
                      "non_essential_mail": "yes" if contact.non_essential_mail else ""}
    with force_locale(language):
        return render_template(
            "preferences.html", token=token, contact=contact, form=values, error=error,
            languages=list(LANGUAGE_NAMES.items()), zones=zone_groups(zone_choices()),
            saved=request.args.get("saved") == "1"), status


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute;200/day", key_func=per_link, methods=["POST"])
@personal_link(PREFERENCES_LINK)
def page(contact: Contact, token: str):
    if request.method == "GET":
        return _page(contact, token)
    form = {"language": request.form.get("language", ""), "zone": request.form.get("zone", ""),
            "non_essential_mail": "yes" if request.form.get("non_essential_mail") else ""}
    try:
        update_preferences(contact, language=form["language"], zone=form["zone"],
                           non_essential_mail=bool(form["non_essential_mail"]), now=utc_now())
    except InvalidInput as exc:
        return _page(contact, token, form=form, error=exc, status=status_of(exc))
    # Post/redirect/get, in the language just chosen.
    return redirect(url_for("preferences.page", token=token, saved=1, lang=form["language"]),
                    code=303)
