"""The audit history of a meeting, a series, an organisation or an account (token)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from pydantic import AwareDatetime, BaseModel, Field

from coordinator.api import bp, registry
from coordinator.api.access import required
from coordinator.api.problems import Problem
from coordinator.api.schemas import Query
from coordinator.api.spec import json_response
from coordinator.tracking.history import OutsideScope, history_of


class HistoryQuery(Query):
    page: int = Field(1, ge=1, le=1_000_000)


class HistoryLineOut(BaseModel):
    id: int
    at: AwareDatetime
    when: str  # `at` in the token account's zone and the request's language
    actor: str  # as recorded: "cli", "scheduler", "account:<address>", "api:<address>"
    by: str  # the actor in the request's language
    action: str
    entity: str
    entity_id: int | None
    sentence: str  # what happened, in the request's language (Accept-Language)
    details: dict[str, Any]


class HistoryOut(BaseModel):
    entity: str
    entity_id: int
    title: str
    zone: str
    items: list[HistoryLineOut]
    total: int
    page: int
    pages: int


def _history(entity: str, entity_id: int, query: HistoryQuery):
    account = required()
    try:
        found = history_of(entity, entity_id, account, page=query.page)
    except OutsideScope as exc:
        raise Problem(403, detail=gettext("Outside your account's scope.")) from exc
    return json_response(HistoryOut(
        entity=found.entity, entity_id=found.entity_id, title=found.title, zone=found.zone,
        items=[HistoryLineOut(id=line.id, at=line.at, when=line.when, actor=line.actor,
                              by=line.by, action=line.action, entity=line.entity,
                              entity_id=line.entity_id, sentence=line.sentence,
                              details=line.details) for line in found.lines],
        total=found.total, page=found.page, pages=found.pages))


@registry.operation(bp, "GET", "/history/meeting/{meeting_id}", summary="A meeting's history",
                    tag="history", query=HistoryQuery, response=HistoryOut, token=True)
def meeting_history(meeting_id: int, query: HistoryQuery):
    """Newest first, 50 a page, each entry with a sentence in the request's language and
    its time in the token account's zone. A meeting's history includes its agenda items,
    invitations and suggested topics; readable by whoever may manage the meeting."""
    return _history("meeting", meeting_id, query)


@registry.operation(bp, "GET", "/history/series/{series_id}", summary="A series' history",
                    tag="history", query=HistoryQuery, response=HistoryOut, token=True)
def series_history(series_id: int, query: HistoryQuery):
    """Newest first, 50 a page; readable by whoever may manage the series."""
    return _history("series", series_id, query)


@registry.operation(bp, "GET", "/history/organisation/{organisation_id}",
                    summary="An organisation's history", tag="history", query=HistoryQuery,
                    response=HistoryOut, token=True)
def organisation_history(organisation_id: int, query: HistoryQuery):
    """Its registration, contacts and private feed, newest first; readable by the
    secretariat and the special coordinators of its countries."""
    return _history("organisation", organisation_id, query)


@registry.operation(bp, "GET", "/history/account/{account_id}",
                    summary="An account's history", tag="history", query=HistoryQuery,
                    response=HistoryOut, token=True)
def account_history(account_id: int, query: HistoryQuery):
    """Its creation, log-ins, password and API tokens, newest first; readable by the
    account itself and the secretariat."""
    return _history("account", account_id, query)
