"""Committees: designating each one's CSO representative."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.models import Committee, Contact, Organisation, RegistrationState
from coordinator.services import permissions
from coordinator.services.committees import designate_representative
from coordinator.services.errors import InvalidInput
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me


def _page(error: InvalidInput | None = None, status: int = 200):
    account = me()
    committees = [c for c in db.session.scalars(
        select(Committee).options(selectinload(Committee.representative)
                                  .selectinload(Contact.organisation))
        .order_by(Committee.pillar, Committee.id))
        if permissions.can_manage_committee(account, c)]
    contacts = db.session.scalars(
        select(Contact).join(Contact.organisation)
        .where(Organisation.registration_state == RegistrationState.APPROVED,
               Contact.active.is_(True))
        .options(contains_eager(Contact.organisation))
        .order_by(Organisation.name, Contact.name)).all()
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
            raise InvalidInput(gettext("Choose a person from the list."), field="contact")
        designate_representative(committee.id, contact, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        db.session.rollback()
        return _page(exc, 422)
    return done(gettext("The representative is designated and informed."),
                url_for("workspace.committees"))
