"""Committees: designating each one's CSO representative."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from coordinator.accounts import permissions
from coordinator.cadence.zones import utc_now
from coordinator.errors import N_, InvalidInput, status_of
from coordinator.models import Committee
from coordinator.people.committees import (
    committees_managed_by,
    designate_representative,
    representative_candidates,
)
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me


def _page(error: InvalidInput | None = None, status: int = 200):
    account = me()
    committees = committees_managed_by(account)
    contacts = representative_candidates()
    return render_template("workspace/committees.html", committees=committees,
                           contacts=contacts, error=error), status


@bp.get("/committees")
def committees():
    return _page()


@bp.post("/committees/<int:committee_id>/representative")
def representative(committee_id: int):
    committee = get_or_404(Committee, committee_id)
    allowed(permissions.can_manage_committee(me(), committee))
    contact = an_id(request.form.get("contact"))
    try:
        if contact is None:
            raise InvalidInput(N_("Choose a person from the list."), field="contact")
        designate_representative(committee.id, contact, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _page(exc, status_of(exc))
    return done(gettext("The representative is designated and informed."),
                url_for("workspace.committees"))
