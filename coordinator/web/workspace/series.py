"""Series: list, create with a preview of every date, change the rule, invite participants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from coordinator.accounts import permissions
from coordinator.cadence.kinds import KIND_RULES, SeriesKind
from coordinator.cadence.picker import MONTH_STEPS, NTHS, WEEKDAYS, DayChoice, Picker, picker_of
from coordinator.cadence.zones import get_zone, utc_now
from coordinator.errors import N_, InvalidInput, status_of
from coordinator.invitations.participants import (
    Whom,
    add_participant,
    invite_all,
    invite_host_observers,
    organisations_to_invite,
    remove_participant,
    roles_for,
)
from coordinator.meetings.clashes import PreviewRow, preview_with_clashes
from coordinator.meetings.hosts import set_host_country
from coordinator.meetings.reads import (
    approved_organisations,
    government_coordinators,
    known_zones,
    meeting_participants,
    participants_of,
    series_in_scope,
)
from coordinator.meetings.series import (
    RuleChange,
    SeriesInput,
    change_effects,
    change_rule,
    coordinator_choices,
    schedule_series,
    set_coordinator,
)
from coordinator.models import (
    Meeting,
    Participant,
    ParticipantRole,
    Series,
)
from coordinator.present import KIND_LABELS, committee_name, country_name, series_title
from coordinator.reference.services import (
    all_countries,
    committees_in_order,
    find_committee,
    find_country,
)
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me
from coordinator.web.workspace.forms import rule_change, series_input
from coordinator.web.zone_choices import zone_groups

PREVIEW_ROWS = 12  # the page shows the next twelve meetings
ROLE_LABELS = {
    ParticipantRole.INVITED: _l("Invited"),
    ParticipantRole.OBSERVER: _l("Observer"),
    ParticipantRole.REPRESENTATIVE: _l("Committee's CSO representative"),
}
# The recurrence picker's choices, in plain words.
MONTH_LABELS = {1: _l("Every month"), 2: _l("Every 2 months"), 3: _l("Every 3 months"),
                4: _l("Every 4 months"), 6: _l("Every 6 months"),
                12: _l("Every 12 months (once a year)")}
ON_LABELS = {DayChoice.SAME_DAY: _l("On the first meeting's day of the month"),
             DayChoice.MONTH_DAY: _l("On a day of the month"),
             DayChoice.WEEKDAY: _l("On a weekday of the month")}
NTH_LABELS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"),
              -1: _l("last")}
WEEKDAY_LABELS = {"MO": _l("Monday"), "TU": _l("Tuesday"), "WE": _l("Wednesday"),
                  "TH": _l("Thursday"), "FR": _l("Friday"), "SA": _l("Saturday"),
                  "SU": _l("Sunday")}


def _picker_choices() -> dict:
    """The picker's select fields, as (value, label) pairs for the templates."""
    return {"picker_months": [(str(m), MONTH_LABELS[m]) for m in MONTH_STEPS],
            "picker_on": [(k, v) for k, v in ON_LABELS.items()],
            "picker_days": [(str(d), str(d)) for d in range(1, 32)],
            "picker_nths": [(str(n), NTH_LABELS[n]) for n in NTHS],
            "picker_weekdays": [(d, WEEKDAY_LABELS[d]) for d in WEEKDAYS]}


def _picker(form: Mapping[str, str], usual: str | None = None) -> Picker | None:
    """The picker's choices from a form; None when neither an interval nor a day is chosen
    (the kind's usual rule, or the typed one). A day chosen without an interval keeps the
    kind's usual interval (`usual`, its default rule)."""
    months = (form.get("every_months") or "").strip()
    if not months:
        default = picker_of(usual)
        if default is None or (form.get("on") or DayChoice.SAME_DAY) == DayChoice.SAME_DAY:
            return None
        months = str(default.months)
        form = {**form, "every_months": months}

    def number(name: str) -> int | None:
        value = (form.get(name) or "").strip()
        try:
            return int(value) if value else None
        except ValueError as exc:
            raise InvalidInput(N_("Give a whole number."), field=name) from exc

    return Picker(months=number("every_months") or 0,
                  on=(form.get("on") or DayChoice.SAME_DAY).strip(),
                  day=number("month_day"), nth=number("nth"),
                  weekday=(form.get("weekday") or "").strip().upper() or None).validated()


def _picker_form(rule: str | None) -> dict[str, str]:
    """The picker's fields for an existing rule; a rule beyond plain words stays typed."""
    chosen = picker_of(rule)
    if chosen is None:
        return {"every_months": "", "rrule": rule or ""}
    return {"every_months": str(chosen.months), "on": chosen.on,
            "month_day": str(chosen.day or 15), "nth": str(chosen.nth or 2),
            "weekday": chosen.weekday or "TU", "rrule": ""}


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
            "committees": [(c.slug, committee_name(c)) for c in committees],
            "zones": zone_groups(known_zones()), **_picker_choices()}


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
        "every_months": "", "on": DayChoice.SAME_DAY, "month_day": "15", "nth": "2",
        "weekday": "TU",
    }
    rows, error, status = None, None, 200
    if request.method == "POST":
        try:
            data = series_input(request.form, coordinator_id=account.id)
            data = replace(data, picker=_picker(request.form,
                                                KIND_RULES[data.kind].default_rrule))
            allowed(permissions.can_create(account, data.kind, data.country, data.committee))
            if request.form.get("action") == "save":
                series = schedule_series(data, now=utc_now(), actor=actor())
                return done(ngettext("The series is scheduled: %(num)s meeting.",
                                     "The series is scheduled: %(num)s meetings.",
                                     len(series.meetings)),
                            url_for("workspace.series_detail", series_id=series.id))
            rows = _preview_rows(data)
        except InvalidInput as exc:
            error, status = exc, status_of(exc)
    template = ("workspace/_series_preview.html" if request.args.get("fragment")
                else "workspace/series_new.html")
    return render_template(template, form=form, rows=rows, error=error,
                           **_choices()), status


@bp.get("/series/<int:series_id>")
def series_detail(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    return _detail(series)


def _detail(series: Series, *, rule_form=None, rule_rows=None, effects=None, error=None,
            participant_error=None, coordinator_error=None, host_error=None,
            status: int = 200):
    rule = series.current_rule
    organisations = approved_organisations()
    participants = participants_of(series.id)
    now = utc_now()
    upcoming = [m for m in series.meetings if m.end_at > now][:12]
    return render_template(
        "workspace/series_detail.html", series=series, series_title=series_title,
        kinds=KIND_LABELS, rule=rule, organisations=organisations, participants=participants,
        roles=roles_for(series.kind), role_labels=ROLE_LABELS,
        zones=zone_groups(known_zones()),
        upcoming=upcoming,
        own_participants=meeting_participants([m.id for m in upcoming])
        if series.kind == SeriesKind.COORDINATORS else {},
        rule_form=rule_form or {
            "effective_from": now.astimezone(get_zone(rule.zone)).date().isoformat(),
            "start_time": rule.start_time
            .strftime("%H:%M"), "zone": rule.zone, "duration": str(rule.duration_minutes),
            "first_date": "", **_picker_form(rule.rrule)},
        rule_rows=rule_rows, effects=effects, error=error,
        participant_error=participant_error,
        coordinators=[(str(a.id), a.name) for a in coordinator_choices(series)],
        coordinator_error=coordinator_error, **_picker_choices(),
        special=series.kind == SeriesKind.COORDINATORS,
        government=[(str(a.id), a.name + (f" ({country_name(a.country)})" if a.country else ""))
                    for a in government_coordinators()]
        if series.kind == SeriesKind.COORDINATORS else [],
        countries=[(c.iso, country_name(c)) for c in sorted(all_countries(), key=country_name)]
        if series.kind == SeriesKind.COORDINATORS else [],
        host_error=host_error, country_name=country_name,
        all_countries=[(c.iso, country_name(c))
                       for c in sorted(all_countries(), key=country_name)],
        all_committees=[(c.slug, committee_name(c)) for c in committees_in_order()],
    ), status


def _rule_change(form: Mapping[str, str]) -> RuleChange:
    return replace(rule_change(form), picker=_picker(form))


@bp.post("/series/<int:series_id>/rule")
def series_rule(series_id: int):
    """Preview first: the dates the new rule gives and exactly which meetings (invited
    ones marked) it would move, cancel or add; then save."""
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        change = _rule_change(request.form)
        if request.form.get("action") == "save":
            change_rule(series.id, change, now=utc_now(), actor=actor())
            return done(gettext("The new rule applies from %(date)s.",
                                date=change.effective_from.isoformat()),
                        url_for("workspace.series_detail", series_id=series.id))
        effects = change_effects(series.id, change, now=utc_now())
        data = SeriesInput(kind=SeriesKind(series.kind),
                           first_date=effects.recurrence.first_date,
                           start_time=change.start_time, zone=change.zone,
                           duration_minutes=change.duration_minutes,
                           rrule=effects.recurrence.rrule,
                           country=series.country.iso if series.country else None,
                           committee=series.committee.slug if series.committee else None,
                           holiday_country=series.holiday_country or "",
                           allow_weekends=series.allow_weekends, held_by=series.held_by,
                           offsets=series.offsets,
                           short_notice_justification=series.short_notice_justification)
        rows = [row for row in _preview_rows(data, series_id=series.id)
                if row.meeting.start.date() >= change.effective_from]
        return _detail(series, rule_form=request.form, rule_rows=rows, effects=effects)
    except InvalidInput as exc:
        return _detail(series, rule_form=request.form, error=exc, status=status_of(exc))


@bp.post("/series/<int:series_id>/coordinator")
def series_coordinator(series_id: int):
    """Choose who coordinates the series (the organizer and Reply-To of its mails)."""
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        account_id = an_id(request.form.get("coordinator"))
        if account_id is None:
            raise InvalidInput(N_("Choose a coordinator from the list."),
                               field="coordinator")
        set_coordinator(series.id, account_id, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _detail(series, coordinator_error=exc, status=status_of(exc))
    return done(gettext("The series' coordinator is changed; its next mails come from them."),
                url_for("workspace.series_detail", series_id=series.id))


@bp.post("/series/<int:series_id>/participants")
def series_participant(series_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        # The special coordinators' meeting invites coordinators' accounts too (their own
        # form); the service refuses an account anywhere else.
        account_id = an_id(request.form.get("account"))
        organisation_id = an_id(request.form.get("organisation"))
        if account_id is None and organisation_id is None:
            field = "account" if "account" in request.form else "organisation"
            raise InvalidInput(N_("Choose an organisation from the list.")
                               if field == "organisation"
                               else N_("Choose a coordinator from the list."), field=field)
        add_participant(now=utc_now(), actor=actor(), series_id=series.id,
                        organisation_id=None if account_id else organisation_id,
                        account_id=account_id,
                        role=request.form.get("role") or ParticipantRole.INVITED)
    except InvalidInput as exc:
        return _detail(series, participant_error=exc, status=status_of(exc))
    return done(gettext("Invited. Invitations for meetings already close were queued."),
                url_for("workspace.series_detail", series_id=series.id))


def _whom(form: Mapping[str, str]) -> tuple[Whom, str]:
    """The country or committee chosen, and its name in the reader's language."""
    country, committee = form.get("country") or None, form.get("committee") or None
    if country and committee:
        raise InvalidInput(N_("Choose a country or a committee, not both."),
                           field="country")
    whom = Whom(country=country, committee=committee)
    found = find_country(country) if country else None
    named = find_committee(committee) if committee else None
    name = (country_name(found) if found else committee_name(named) if named
            else country or committee or "")
    return whom, name


@bp.post("/series/<int:series_id>/invite-all")
def series_invite_all(series_id: int):
    """Two steps without JavaScript: the first post lists who would be invited (nothing is
    written); the confirmed post invites them."""
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    try:
        whom, name = _whom(request.form)
        if request.form.get("confirmed") != "yes":
            return render_template("workspace/series_invite_all.html", series=series,
                                   title=series_title(series), whom_name=name,
                                   organisations=organisations_to_invite(series.id, whom),
                                   form=request.form, error=None)
        added = invite_all(series.id, whom, now=utc_now(), actor=actor(),
                           role=request.form.get("role") or ParticipantRole.INVITED)
    except InvalidInput as exc:
        return _detail(series, participant_error=exc, status=status_of(exc))
    return done(ngettext("%(num)s organisation invited to every meeting.",
                         "%(num)s organisations invited to every meeting.", len(added)),
                url_for("workspace.series_detail", series_id=series.id))


@bp.post("/series/<int:series_id>/participants/<int:participant_id>/remove")
def series_participant_remove(series_id: int, participant_id: int):
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    participant = get_or_404(Participant, participant_id)
    if participant.series_id != series.id:
        abort(404)
    remove_participant(participant.id, now=utc_now(), actor=actor())
    return done(gettext("No longer invited. Anyone who already had an invitation is told "
                        "by mail that it is withdrawn."),
                url_for("workspace.series_detail", series_id=series.id))


def _meeting_of(series: Series, meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if meeting.series_id != series.id:
        abort(404)
    return meeting


@bp.post("/series/<int:series_id>/meetings/<int:meeting_id>/host-country")
def series_host_country(series_id: int, meeting_id: int):
    """The convening country of one special coordinators' meeting."""
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    meeting = _meeting_of(series, meeting_id)
    try:
        set_host_country(meeting.id, (request.form.get("host_country") or "").strip() or None,
                         now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _detail(series, host_error=exc, status=status_of(exc))
    return done(gettext("The convening country is saved."),
                url_for("workspace.series_detail", series_id=series.id, _anchor="hosts"))


@bp.post("/series/<int:series_id>/meetings/<int:meeting_id>/host-observers")
def series_host_observers(series_id: int, meeting_id: int):
    """Invite, in one step, the convening country's national organisations as observers."""
    series = get_or_404(Series, series_id)
    allowed(permissions.can_manage_series(me(), series))
    meeting = _meeting_of(series, meeting_id)
    try:
        added = invite_host_observers(meeting.id, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _detail(series, host_error=exc, status=status_of(exc))
    return done(ngettext("%(num)s organisation invited as observer.",
                         "%(num)s organisations invited as observers.", len(added)),
                url_for("workspace.series_detail", series_id=series.id, _anchor="hosts"))
