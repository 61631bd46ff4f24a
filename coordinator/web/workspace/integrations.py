"""Connections to other tools: personal API tokens and external calendars to watch."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext

from coordinator.accounts import api_tokens
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.integrations import external_feeds
from coordinator.models import ExternalFeed
from coordinator.web.workspace import actor, bp, done, get_or_404, me
from coordinator.web.workspace.forms import text


def _page(*, new_token: str | None = None, error: InvalidInput | None = None,
          form=None, status: int = 200):
    account = me()
    feeds = external_feeds.feeds_of(account.id)
    return render_template("workspace/integrations.html", tokens=api_tokens.tokens_of(
        account.id), feeds=feeds, feed_errors={f.id: external_feeds.fetch_error(f.last_error)
                                               for f in feeds},
        new_token=new_token, error=error, form=form or {}), status


@bp.get("/integrations")
def integrations():
    return _page()


@bp.post("/integrations/tokens")
def token_create():
    try:
        token = api_tokens.create_token(me().id, text(request.form, "name", 100) or "",
                                        now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _page(error=exc, form=request.form, status=status_of(exc))
    # Shown once, on this answer only; the database keeps its SHA-256.
    response = _page(new_token=token)
    return response[0], 201, {"Cache-Control": "no-store"}


@bp.post("/integrations/tokens/<int:token_id>/revoke")
def token_revoke(token_id: int):
    api_tokens.revoke_token(token_id, me().id, now=utc_now(), actor=actor())
    return done(gettext("The token no longer works."), url_for("workspace.integrations"))


@bp.post("/integrations/calendars")
def calendar_add():
    try:
        external_feeds.add_feed(me().id, text(request.form, "name", 100) or "",
                                text(request.form, "url", 500) or "", now=utc_now(),
                                actor=actor())
    except InvalidInput as exc:
        return _page(error=exc, form=request.form, status=status_of(exc))
    # Fetched by the scheduler, never here: a slow server must not hold a web worker.
    return done(gettext("The calendar is watched. It will be fetched within a minute or so; "
                        "scheduling then warns about clashes with it."),
                url_for("workspace.integrations"))


def _own_feed(feed_id: int) -> ExternalFeed:
    feed = get_or_404(ExternalFeed, feed_id)
    if feed.account_id != me().id:
        abort(404)
    return feed


@bp.post("/integrations/calendars/<int:feed_id>/refresh")
def calendar_refresh(feed_id: int):
    external_feeds.request_refresh(_own_feed(feed_id).id, me().id, now=utc_now(),
                                   actor=actor())
    return done(gettext("Queued: the calendar will be fetched again within a minute or so."),
                url_for("workspace.integrations"))


@bp.post("/integrations/calendars/<int:feed_id>/remove")
def calendar_remove(feed_id: int):
    external_feeds.remove_feed(_own_feed(feed_id).id, me().id, now=utc_now(), actor=actor())
    return done(gettext("The calendar is no longer watched."), url_for("workspace.integrations"))
