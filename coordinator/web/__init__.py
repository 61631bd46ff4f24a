"""Blueprints by audience; views stay thin and call services."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from coordinator.web import (
        apply,
        auth,
        commitments,
        contribute,
        documents,
        errors,
        feeds,
        health,
        preferences,
        proposals,
        public,
        registration,
        rsvp,
        security,
        suggest,
        workspace,
    )
    from coordinator.web.i18n import install_template_helpers

    app.register_blueprint(public.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(rsvp.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(suggest.bp)
    app.register_blueprint(proposals.bp)
    app.register_blueprint(contribute.bp)
    app.register_blueprint(commitments.bp)
    app.register_blueprint(apply.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(preferences.bp)
    app.register_blueprint(documents.bp)
    workspace.register_views()
    app.register_blueprint(workspace.bp)
    from coordinator import api

    api.register(app)
    errors.register(app)
    security.install(app)
    install_template_helpers(app)
    from coordinator.web.workspace.documents import allow_uploads

    # First of all hooks: the CSRF check reads the body under the size limit.
    app.before_request_funcs.setdefault(None, []).insert(0, allow_uploads)
    app.wsgi_app = feeds.FeedFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
