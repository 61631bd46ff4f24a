"""Series: list, create with a preview of every date, change the rule, invite participants."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from coordinator.accounts import permissions
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import get_zone, utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.invitations.participants import add_participant, remove_participant, roles_for
from coordinator.meetings.clashes import PreviewRow, preview_with_clashes
from coordinator.meetings.reads import (
    approved_organisations,
    known_zones,
    participants_of,
    series_in_scope,
)
from coordinator.meetings.series import SeriesInput, change_rule, schedule_series
from coordinator.models import (
    Participant,
    ParticipantRole,
    Series,
)
from coordinator.present import KIND_LABELS, country_name, series_title
from coordinator.reference.services import all_countries, committees_in_order
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me
from coordinator.web.workspace.forms import rule_change, series_input

PREVIEW_ROWS = 12  # the page shows the next twelve meetings
ROLE_LABELS = {
    ParticipantRole.INVITED: _l("Invited"),
    ParticipantRole.OBSERVER: _l("Observer"),
    ParticipantRole.REPRESENTATIVE: _l("Committee's CSO representative"),
}


def _choices() -> dict:
    account = me()
    kinds = [k for k in SeriesKind if k in permissions.CREATABLE.get(account.role, ())]
    countries = sorted(all_countries(), key=country_name)
    committees = committees_in_order()
    if not account.is_secretariat:
        countries = [c for c in countries if c.id == account.country_id]
        committees = [c for c in committees if c.id == account.committee_id]
    return {"kinds": {k.value: KIND_LABELS[k] for k in kinds},
            "countries": [(c.iso, country_name(c)) for c in countries],
            "committees": [(c.slug, c.name_en) for c in committees],
            "zones": [(z, z) for z in known_zones()]}


def _preview_rows(data: SeriesInput, series_id: int | None = None) -> list[PreviewRow]:
    return preview_with_clashes(data, now=utc_now(), account=me(), series_id=series_id,
                                limit=PREVIEW_ROWS)


@bp.get("/series")
def series_list():
    rows = series_in_scope(me())
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
    organisations = approved_organisations()
    participants = participants_of(series.id)
    now = utc_now()
    return render_template(
        "workspace/series_detail.html", series=series, series_title=series_title,
        kinds=KIND_LABELS, rule=rule, organisations=organisations, participants=participants,
        roles=roles_for(series.kind), role_labels=ROLE_LABELS,
        zones=[(z, z) for z in known_zones()],
        upcoming=[m for m in series.meetings if m.end_at > now][:12],
        rule_form=rule_form or {
            "effective_from": now.astimezone(get_zone(rule.zone)).date().isoformat(),
            "start_time": rule.start_time
            .strftime("%H:%M"), "zone": rule.zone, "duration": str(rule.duration_minutes),
            "rrule": rule.rrule or "", "first_date": ""},
        rule_rows=rule_rows, error=error, participant_error=participant_error,
    ), status


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
        return _detail(series, rule_form=request.form, error=exc, status=status_of(exc))


@bp.post("/series/<int:series_id>/participants")
def series_participant(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        organisation_id = an_id(request.form.get("organisation"))
        if organisation_id is None:
            raise InvalidInput(gettext("Choose an organisation from the list."),
                               field="organisation")
        add_participant(now=utc_now(), actor=actor(), series_id=series.id,
                        organisation_id=organisation_id,
                        role=request.form.get("role") or ParticipantRole.INVITED)
    except InvalidInput as exc:
        return _detail(series, participant_error=exc, status=status_of(exc))
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
