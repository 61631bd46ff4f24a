"""Which language and zone a visitor sees: their choice, then the browser's, then English."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import format_date
from werkzeug.routing import BuildError

from coordinator.cadence.zones import is_known_zone
from coordinator.i18n import (
    LANGUAGE_NAMES,
    language_of,
    local_time,
    negotiate,
    written_in_note,
)
from coordinator.period_names import duration_words
from coordinator.present import (
    ITEM_KIND_LABELS,
    NAME_HELPERS,
    cancel_reason,
    moved_note,
    translated,
)

LANG_COOKIE = "lang"
ZONE_COOKIE = "tz"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"  # jobs and commands choose each recipient's language with force_locale
    for asked in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        chosen = language_of(asked, languages)
        if chosen:
            return chosen
    return negotiate(request.accept_languages, languages) or "en"


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    zone = request.args.get("tz") or request.cookies.get(ZONE_COOKIE)
    return zone if zone and is_known_zone(zone) else None


def language_url(code: str) -> str:
    """This page in another language: the same address and filters, another `lang`.

    Only plain query arguments are carried over: url_for's own (`_external`, `_method`)
    and names that clash with the route's variables would change or break the link.
    """
    view_args = request.view_args or {}
    # Typed Any for url_for, whose own `_external` etc. are typed: the filter drops those.
    # url_for's own parameter names ("endpoint", "_external"...) are not the page's.
    args: dict[str, Any] = {k: v for k, v in request.args.items()
                            if k not in ("lang", "endpoint") and not k.startswith("_")
                            and k not in view_args}
    if request.endpoint is None or request.method != "GET":
        return f"?lang={code}"
    try:
        return url_for(request.endpoint, **view_args, **args, lang=code)
    except BuildError:
        return f"?lang={code}"


def install_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, local_time=local_time,
                                 current_locale=select_locale, item_kinds=ITEM_KIND_LABELS,
                                 language_url=language_url, moved_note=moved_note,
                                 format_date=format_date, cancel_reason=cancel_reason,
                                 translated=translated, written_in_note=written_in_note)
    app.jinja_env.globals.update(NAME_HELPERS)  # committees, countries, places, zones
    app.jinja_env.globals.update(duration_words=duration_words)  # "7 days", not "168 hours"

    @app.after_request
    def remember_language(response):
        if request.blueprint == "feeds" and request.path.endswith(".ics"):
            return response  # calendar clients: no cookie, and the same bytes for everyone
        asked = language_of(request.args.get("lang"), app.config["LANGUAGES"])
        if asked:
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="Lax",
                                httponly=True)
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response
