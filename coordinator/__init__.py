"""The `coordinator` service: the civil-society meeting cadence of the Los Angeles Declaration."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from coordinator import config as settings
from coordinator import extensions as ext

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, environment (COORDINATOR_*), extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("COORDINATOR_INSTANCE_PATH",
                                     str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    if test_config is None:
        app.config.from_prefixed_env("COORDINATOR")
    else:
        app.config.from_mapping(test_config)
    settings.check(app.config, debug=app.debug, testing=app.testing,
                   instance_path=app.instance_path,
                   server=os.environ.get("SERVER_SOFTWARE", ""))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from coordinator import models  # noqa: F401  (registers every table)
    from coordinator.agendas import suggestions  # noqa: F401  (connects its signal receivers)
    from coordinator.link_requests import models as _requests  # noqa: F401  (a domain's table)
    from coordinator.selection import models as _selection  # noqa: F401  (a domain's tables)
    from coordinator.web.i18n import select_locale, select_timezone

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=str(PROJECT_ROOT / "migrations"),
                         render_as_batch=True, compare_type=True)
    ext.babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                       default_translation_directories=str(PROJECT_ROOT / "translations"))
    # (the `coordinator.mail` package would shadow a bare `mail` name here)
    ext.mail.init_app(app)
    ext.csrf.init_app(app)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)

    from coordinator.cadence.errors import Refusal
    from coordinator.i18n import translate_refusal
    from coordinator.web import register_blueprints

    Refusal.translator = translate_refusal
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only as many hops as there are proxies: a client cannot forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    register_blueprints(app)
    return app
