"""Series: list, create with a preview of every date, change the rule, invite participants."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.cadence.deadlines import deadlines_for
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import get_zone, utc_now
from coordinator.extensions import db
from coordinator.models import (
    Committee,
    Country,
    Meeting,
    Organisation,
    Participant,
    ParticipantRole,
    RegistrationState,
    Series,
)
from coordinator.present import KIND_LABELS, country_name, series_title
from coordinator.services import permissions
from coordinator.services.clashes import clashes_for
from coordinator.services.errors import InvalidInput
from coordinator.services.participants import add_participant, remove_participant
from coordinator.services.series import SeriesInput, change_rule, preview, schedule_series
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me
from coordinator.web.workspace.forms import rule_change, series_input

PREVIEW_MONTHS = 24
ROLE_LABELS = {
    ParticipantRole.INVITED: _l("Invited"),
    ParticipantRole.OBSERVER: _l("Observer"),
    ParticipantRole.REPRESENTATIVE: _l("Committee's CSO representative"),
}


def known_zones() -> list[str]:
    zones = {"UTC"}
    for country_zones in db.session.scalars(select(Country.zones)):
        zones.update(country_zones or [])
    return sorted(zones)


def _choices() -> dict:
    account = me()
    kinds = [k for k in SeriesKind if k in permissions.CREATABLE.get(account.role, ())]
    countries = db.session.scalars(select(Country).order_by(Country.name_en)).all()
    committees = db.session.scalars(select(Committee).order_by(Committee.pillar,
                                                               Committee.id)).all()
    if not account.is_secretariat:
        countries = [c for c in countries if c.id == account.country_id]
        committees = [c for c in committees if c.id == account.committee_id]
    return {"kinds": {k.value: KIND_LABELS[k] for k in kinds},
            "countries": [(c.iso, country_name(c)) for c in countries],
            "committees": [(c.slug, c.name_en) for c in committees],
            "zones": [(z, z) for z in known_zones()]}


def _preview_rows(data: SeriesInput, series_id: int | None = None) -> list[dict]:
    """The next meetings with their deadlines and what each clashes with (watched
    calendars, the coordinator's other meetings, meetings of the same organisations)."""
    planned = preview(db.session, data, now=utc_now(), horizon_months=PREVIEW_MONTHS,
                      new_series=series_id is None)[:12]
    clashes = clashes_for([(p.start_utc, p.end_utc) for p in planned], account=me(),
                          series_id=series_id)
    return [{"meeting": p, "deadlines": deadlines_for(p.start, data.offsets), "clashes": c}
            for p, c in zip(planned, clashes, strict=True)]


@bp.get("/series")
def series_list():
    counts = (select(Meeting.series_id, func.count(Meeting.id).label("n"))
              .group_by(Meeting.series_id).subquery())
    rows = db.session.execute(
        select(Series, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.series_id == Series.id)
        .where(permissions.series_scope(me()))
        .options(selectinload(Series.rules), selectinload(Series.country),
                 selectinload(Series.committee))
        .order_by(Series.kind, Series.id)).all()
    return render_template("workspace/series_list.html", series=rows,
                           series_title=series_title, kinds=KIND_LABELS)


@bp.route("/series/new", methods=["GET", "POST"])
def series_new():
    account = me()
    form = request.form if request.method == "POST" else {
        "kind": (permissions.CREATABLE.get(account.role) or (SeriesKind.NATIONAL,))[0].value,
        "country": account.country.iso if account.country else "",
        "committee": account.committee.slug if account.committee else "",
        "zone": account.country.capital_zone if account.country else account.zone,
        "start_time": "10:00", "duration": "90", "suggestions_open": "42",
        "suggestions_close": "21", "agenda_due": "14", "reminders": "7, 1",
        "first_date": (utc_now() + timedelta(days=60)).date().isoformat(),
        "holiday_country": "auto", "weekends": "auto",
    }
    rows, error, status = None, None, 200
    if request.method == "POST":
        try:
            data = series_input(request.form, coordinator_id=account.id)
            allowed(permissions.can_create(account, data.kind, data.country, data.committee))
            if request.form.get("action") == "save":
                series = schedule_series(data, now=utc_now(), actor=actor())
                return done(gettext("The series is scheduled: %(n)s meetings.",
                                    n=len(series.meetings)),
                            url_for("workspace.series_detail", series_id=series.id))
            rows = _preview_rows(data)
        except InvalidInput as exc:
            error, status = exc, 422
    template = ("workspace/_series_preview.html" if request.args.get("fragment")
                else "workspace/series_new.html")
    return render_template(template, form=form, rows=rows, error=error,
                           **_choices()), status


@bp.get("/series/<int:series_id>")
def series_detail(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    return _detail(series)


def _detail(series: Series, *, rule_form=None, rule_rows=None, error=None,
            participant_error=None, status: int = 200):
    rule = series.current_rule
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.registration_state == RegistrationState.APPROVED)
        .order_by(Organisation.name)).all()
    participants = db.session.scalars(select(Participant).where(
        Participant.series_id == series.id).order_by(Participant.id)).all()
    now = utc_now()
    return render_template(
        "workspace/series_detail.html", series=series, series_title=series_title,
        kinds=KIND_LABELS, rule=rule, organisations=organisations, participants=participants,
        roles=_role_choices(series), role_labels=ROLE_LABELS,
        zones=[(z, z) for z in known_zones()],
        upcoming=[m for m in series.meetings if m.end_at > now][:12],
        rule_form=rule_form or {
            "effective_from": now.astimezone(get_zone(rule.zone)).date().isoformat(),
            "start_time": rule.start_time
            .strftime("%H:%M"), "zone": rule.zone, "duration": str(rule.duration_minutes),
            "rrule": rule.rrule or "", "first_date": ""},
        rule_rows=rule_rows, error=error, participant_error=participant_error,
    ), status


def _role_choices(series: Series) -> list[ParticipantRole]:
    roles = [ParticipantRole.INVITED]
    if series.kind == SeriesKind.COORDINATORS:
        roles.append(ParticipantRole.OBSERVER)
    if series.kind == SeriesKind.COMMITTEE:
        roles.append(ParticipantRole.REPRESENTATIVE)
    return roles


@bp.post("/series/<int:series_id>/rule")
def series_rule(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        change = rule_change(request.form)
        if request.form.get("action") == "save":
            change_rule(series.id, change, now=utc_now(), actor=actor())
            return done(gettext("The new rule applies from %(date)s.",
                                date=change.effective_from.isoformat()),
                        url_for("workspace.series_detail", series_id=series.id))
        data = SeriesInput(kind=SeriesKind(series.kind),
                           first_date=change.first_date or change.effective_from,
                           start_time=change.start_time, zone=change.zone,
                           duration_minutes=change.duration_minutes, rrule=change.rrule,
                           country=series.country.iso if series.country else None,
                           committee=series.committee.slug if series.committee else None,
                           holiday_country=series.holiday_country or "",
                           allow_weekends=series.allow_weekends, held_by=series.held_by,
                           offsets=series.offsets,
                           short_notice_justification=series.short_notice_justification)
        rows = _preview_rows(data, series_id=series.id)
        return _detail(series, rule_form=request.form, rule_rows=rows)
    except InvalidInput as exc:
        db.session.rollback()
        return _detail(series, rule_form=request.form, error=exc, status=422)


@bp.post("/series/<int:series_id>/participants")
def series_participant(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        organisation_id = an_id(request.form.get("organisation"))
        if organisation_id is None:
            raise ValueError("no organisation")
        role = ParticipantRole(request.form.get("role") or "invited")
        if role not in _role_choices(series):
            raise InvalidInput(gettext("This role does not exist for this kind of meeting."),
                               field="role")
        add_participant(now=utc_now(), actor=actor(), series_id=series.id,
                        organisation_id=organisation_id, role=role)
    except ValueError as exc:  # InvalidInput is a ValueError too
        db.session.rollback()
        message = exc if isinstance(exc, InvalidInput) else InvalidInput(
            gettext("Choose an organisation from the list."), field="organisation")
        return _detail(series, participant_error=message, status=422)
    return done(gettext("Invited. Invitations for meetings already close were queued."),
                url_for("workspace.series_detail", series_id=series.id))


@bp.post("/series/<int:series_id>/participants/<int:participant_id>/remove")
def series_participant_remove(series_id: int, participant_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    participant = get_or_404(Participant, participant_id)
    if participant.series_id != series.id:
        abort(404)
    remove_participant(participant.id, now=utc_now(), actor=actor())
    return done(gettext("No longer invited; their future invitations are cancelled."),
                url_for("workspace.series_detail", series_id=series.id))
