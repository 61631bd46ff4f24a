"""Commitments a coordinator keeps (timeline, status, indicators and their measurements),
civil society's contributions waiting for a decision, and a regional meeting's joint work
plan. Each form calls one service of coordinator.outcomes; a refusal comes back on the
same page, beside the field, with what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_percent, gettext
from werkzeug.datastructures import MultiDict

from coordinator.accounts.permissions import can_manage_meeting
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import utc_now
from coordinator.documents import services as documents
from coordinator.errors import N_, InvalidInput, NotFound, Refusal, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.meetings.reads import meeting_page
from coordinator.models import Meeting, MeetingStatus
from coordinator.outcomes import commitments as service
from coordinator.outcomes import contributions as contributing
from coordinator.outcomes import indicators
from coordinator.outcomes.commitments import Responsible
from coordinator.outcomes.indicators import UNITS, IndicatorSpec
from coordinator.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Contribution,
    Direction,
    Indicator,
    IndicatorKind,
    PlanState,
    Rating,
    WorkPlan,
)
from coordinator.present import committee_name, country_name, reading_order, series_title
from coordinator.reference.services import all_countries, committees_in_order
from coordinator.web.workspace import (
    actor,
    allowed,
    an_id,
    bp,
    done,
    get_or_404,
    managed_meeting,
    me,
)
from coordinator.web.workspace.forms import a_date, text

PAST_MEETINGS = 30  # the latest meetings offered as an update's source
REGIONAL_SHOWN = 100  # regional meetings are one-off, a few a year
LAST_POSITION = 10**6  # a commitment chosen without a position goes after those with one


# --- labels ------------------------------------------------------------------------------

def status_labels() -> dict[str, str]:
    return {CommitmentStatus.PLANNED.value: gettext("planned"),
            CommitmentStatus.IN_PROGRESS.value: gettext("in progress"),
            CommitmentStatus.ACHIEVED.value: gettext("achieved"),
            CommitmentStatus.PARTLY_ACHIEVED.value: gettext("partly achieved"),
            CommitmentStatus.NOT_ACHIEVED.value: gettext("not achieved"),
            CommitmentStatus.DROPPED.value: gettext("dropped")}


def rating_labels() -> dict[str, str]:
    return {Rating.NOT_STARTED.value: gettext("not started"),
            Rating.OFF_TRACK.value: gettext("off track"),
            Rating.SOME_PROGRESS.value: gettext("some progress"),
            Rating.ON_TRACK.value: gettext("on track"),
            Rating.ACHIEVED.value: gettext("achieved")}


def plan_state_labels() -> dict[str, str]:
    return {PlanState.DRAFT.value: gettext("draft"),
            PlanState.PUBLISHED.value: gettext("published"),
            PlanState.SUPERSEDED.value: gettext("superseded")}


def responsible_key(commitment: Commitment) -> str:
    """Who keeps it, as the responsible select writes it: country:GT or committee:slug."""
    if commitment.country is not None:
        return f"country:{commitment.country.iso}"
    return f"committee:{commitment.committee.slug}" if commitment.committee else ""


def responsible_choices() -> list[tuple[str, str]]:
    """Countries and committees whose commitments this account keeps (the service's
    own rule, `may_keep`, so the list never offers what would be refused)."""
    account = me()
    countries = sorted(((f"country:{c.iso}", country_name(c)) for c in all_countries()
                        if service.may_keep(account, c.id, None)),
                       key=lambda pair: reading_order(pair[1]))
    committees = [(f"committee:{c.slug}", committee_name(c)) for c in committees_in_order()
                  if service.may_keep(account, None, c.id)]
    return countries + committees


def _packages() -> list[tuple[str, str]]:
    return [(c.slug, f"{c.pillar} · {committee_name(c)}") for c in committees_in_order()]


def _responsible(key: str | None) -> Responsible:
    kind, _, value = (key or "").strip().partition(":")
    value = value[:80]
    if kind == "country" and value:
        return Responsible(country=value)
    if kind == "committee" and value:
        return Responsible(committee=value)
    return Responsible()  # the service refuses it beside the field


def _number(form: Mapping[str, str], name: str) -> float | None:
    """A typed number (a decimal comma too), or None for the service to refuse."""
    value = text(form, name, 40)
    if value is None:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def _kept(commitment_id: int) -> Commitment:
    """The commitment, if the logged-in account keeps it (404 / 403 otherwise)."""
    try:
        commitment = service.find_commitment(commitment_id)
    except NotFound:
        abort(404)
    allowed(service.may_keep(me(), commitment.country_id, commitment.committee_id))
    return commitment


def _indicator_of(commitment: Commitment, indicator_id: int) -> Indicator:
    try:
        indicator = indicators.find_indicator(indicator_id)
    except NotFound:
        abort(404)
    if indicator.commitment_id != commitment.id:
        abort(404)
    return indicator


# --- the list, and a new commitment --------------------------------------------------------

def _list_page(*, error: Refusal | None = None, form: Mapping[str, str] | None = None,
               status: int = 200):
    args = request.args
    chosen_status = args.get("status") if args.get("status") in status_labels() else None
    country = (args.get("country") or "").strip()[:2] or None
    committee = (args.get("committee") or "").strip()[:80] or None
    account = me()
    kept = [c for c in service.commitments(country=country, committee=committee,
                                           status=chosen_status)
            if service.may_keep(account, c.country_id, c.committee_id)]
    countries = sorted(((c.iso, country_name(c)) for c in all_countries()),
                       key=lambda pair: reading_order(pair[1]))
    # The regional meetings whose joint work plan this account keeps.
    regional = [m for m in meeting_page(kind=SeriesKind.REGIONAL.value, limit=REGIONAL_SHOWN,
                                        offset=0).rows if can_manage_meeting(account, m)]
    return render_template(
        "workspace/commitments.html", commitments=kept, statuses=status_labels(),
        regional=regional, series_title=series_title,
        responsible=responsible_choices(), packages=_packages(), countries=countries,
        committees=[(c.slug, committee_name(c)) for c in committees_in_order()],
        pillars=[(p, p) for p in service.PILLARS], languages=LANGUAGE_NAMES, error=error,
        form=form or {}, filters={"country": country or "", "committee": committee or "",
                                  "status": chosen_status or ""}), status


@bp.get("/commitments")
def commitments():
    return _list_page()


@bp.post("/commitments")
def commitment_create():
    form = request.form
    try:
        made = service.create_commitment(
            text=form.get("text") or "", responsible=_responsible(form.get("responsible")),
            pillar=text(form, "pillar", 4), action_package=text(form, "action_package", 80),
            start_on=a_date(form, "start_on"), target_on=a_date(form, "target_on"),
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _list_page(error=exc, form=form, status=status_of(exc))
    return done(gettext("The commitment is saved."),
                url_for("workspace.commitment", commitment_id=made.id))


# --- one commitment --------------------------------------------------------------------

def _source_meetings(commitment: Commitment, now: datetime) -> list[tuple[str, str]]:
    """Meetings that took place where the commitment may have been discussed: those of
    its country or committee, and the regional meetings; the latest first."""
    found: dict[int, Meeting] = {}
    scopes: list[dict[str, Any]] = [{"kind": SeriesKind.REGIONAL.value}]
    if commitment.country is not None:
        scopes.append({"country": commitment.country.iso})
    if commitment.committee is not None:
        scopes.append({"committee": commitment.committee.slug})
    for scope in scopes:
        for meeting in meeting_page(start_before=now, limit=1000, offset=0, **scope).rows:
            if meeting.status != MeetingStatus.CANCELLED:
                found[meeting.id] = meeting
    latest = sorted(found.values(), key=lambda m: m.start_at, reverse=True)[:PAST_MEETINGS]
    return [(str(m.id), f"{series_title(m.series)} · {m.start_at.date().isoformat()}")
            for m in latest]


def _edit_form(commitment: Commitment) -> dict[str, str]:
    return {"text": commitment.text, "written_in": commitment.written_in or "",
            "responsible": responsible_key(commitment), "pillar": commitment.pillar,
            "action_package": commitment.action_package.slug
            if commitment.action_package else "",
            "start_on": commitment.start_on.isoformat(),
            "target_on": commitment.target_on.isoformat()}


def _commitment_page(commitment: Commitment, *, section: str | None = None,
                     error: Refusal | None = None, form: Mapping[str, str] | None = None,
                     status: int = 200):
    now = utc_now()
    record = service.commitment_record(commitment.id)
    shown = [(i, indicators.progress(i), indicators.latest_measurement(i),
              indicators.latest_assessment(i)) for i in commitment.indicators]
    return render_template(
        "workspace/commitments_detail.html", commitment=commitment, record=record,
        indicators=shown, section=section, error=error, form=form or {},
        edit=form if section == "edit" and form is not None else _edit_form(commitment),
        statuses=status_labels(), ratings=rating_labels(), responsible=responsible_choices(),
        packages=_packages(), pillars=[(p, p) for p in service.PILLARS], languages=LANGUAGE_NAMES,
        units=UNITS, directions=list(Direction), kinds=list(IndicatorKind),
        meetings=_source_meetings(commitment, now),
        today=service.local_today(commitment, now).isoformat(), percent=format_percent,
        series_title=series_title, public_url=f"/commitments/{commitment.id}",
        documents=documents.documents_of("commitment", commitment.id)), status


@bp.get("/commitments/<int:commitment_id>")
def commitment(commitment_id: int):
    return _commitment_page(_kept(commitment_id))


@bp.post("/commitments/<int:commitment_id>")
def commitment_save(commitment_id: int):
    commitment = _kept(commitment_id)
    form = request.form
    try:
        service.update_commitment(
            commitment.id, text=form.get("text") or "",
            responsible=_responsible(form.get("responsible")),
            pillar=text(form, "pillar", 4) or "",
            action_package=text(form, "action_package", 80),
            start_on=a_date(form, "start_on"), target_on=a_date(form, "target_on"),
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section="edit", error=exc, form=form,
                                status=status_of(exc))
    return done(gettext("The commitment is saved."),
                url_for("workspace.commitment", commitment_id=commitment.id))


@bp.post("/commitments/<int:commitment_id>/updates")
def commitment_update_add(commitment_id: int):
    commitment = _kept(commitment_id)
    form = request.form
    try:
        meeting = text(form, "source_meeting_id", 12)
        source_meeting_id = an_id(meeting)
        if meeting is not None and source_meeting_id is None:
            raise InvalidInput(N_("Choose only from the list, or leave it empty."),
                               field="source_meeting_id")
        service.add_update(
            commitment.id, text=form.get("text") or "",
            dated=a_date(form, "dated"),  # type: ignore[arg-type]  # required: never None
            source_meeting_id=source_meeting_id,
            source_url=text(form, "source_url", service.MAX_URL),
            source_text=text(form, "source_text", service.MAX_SOURCE),
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section="update", error=exc, form=form,
                                status=status_of(exc))
    return done(gettext("The update is on the commitment's timeline."),
                url_for("workspace.commitment", commitment_id=commitment.id))


@bp.post("/commitments/<int:commitment_id>/status")
def commitment_status(commitment_id: int):
    commitment = _kept(commitment_id)
    form = request.form
    try:
        service.set_status(
            commitment.id, text(form, "status", 20) or "", text=text(form, "text", 5000),
            reason=text(form, "reason", service.MAX_REASON),
            dated=a_date(form, "dated", required=False),
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section="status", error=exc, form=form,
                                status=status_of(exc))
    return done(gettext("The commitment's status is changed."),
                url_for("workspace.commitment", commitment_id=commitment.id))


def _spec(form: Mapping[str, str]) -> IndicatorSpec:
    """The indicator as typed; the service checks it (a qualitative one is a name)."""
    kind = text(form, "kind", 20) or ""
    if kind != IndicatorKind.QUANTITATIVE.value:
        return IndicatorSpec(kind=kind, name=form.get("name") or "")
    return IndicatorSpec(kind=kind, name=form.get("name") or "", unit=text(form, "unit", 20),
                         unit_label=text(form, "unit_label", indicators.MAX_UNIT_LABEL),
                         baseline=_number(form, "baseline"),
                         baseline_on=a_date(form, "baseline_on", required=False),
                         target=_number(form, "target"), direction=text(form, "direction", 20))


@bp.post("/commitments/<int:commitment_id>/indicators")
def indicator_add(commitment_id: int):
    commitment = _kept(commitment_id)
    form = request.form
    try:
        indicators.add_indicator(commitment.id, _spec(form),
                                 written_in=text(form, "written_in", 8), now=utc_now(),
                                 actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section="indicator", error=exc, form=form,
                                status=status_of(exc))
    return done(gettext("The indicator is added."),
                url_for("workspace.commitment", commitment_id=commitment.id))


@bp.post("/commitments/<int:commitment_id>/indicators/<int:indicator_id>/measurements")
def indicator_measure(commitment_id: int, indicator_id: int):
    commitment = _kept(commitment_id)
    indicator = _indicator_of(commitment, indicator_id)
    form = request.form
    try:
        value = _number(form, "value")
        if value is None:
            raise InvalidInput(N_("Give a number."), field="value")
        indicators.add_measurement(
            indicator.id, dated=a_date(form, "dated"),  # type: ignore[arg-type]  # required
            value=value, source=form.get("source") or "", now=utc_now(), actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section=f"measure-{indicator.id}", error=exc,
                                form=form, status=status_of(exc))
    return done(gettext("The measurement is recorded."),
                url_for("workspace.commitment", commitment_id=commitment.id))


@bp.post("/commitments/<int:commitment_id>/indicators/<int:indicator_id>/assessments")
def indicator_assess(commitment_id: int, indicator_id: int):
    commitment = _kept(commitment_id)
    indicator = _indicator_of(commitment, indicator_id)
    form = request.form
    try:
        indicators.assess(
            indicator.id, dated=a_date(form, "dated"),  # type: ignore[arg-type]  # required
            rating=text(form, "rating", 20) or "", narrative=form.get("narrative") or "",
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _commitment_page(commitment, section=f"assess-{indicator.id}", error=exc,
                                form=form, status=status_of(exc))
    return done(gettext("The assessment is recorded."),
                url_for("workspace.commitment", commitment_id=commitment.id))


# --- contributions from civil society ---------------------------------------------------

def _contributions_page(*, section: str | None = None, error: Refusal | None = None,
                        form: Mapping[str, str] | None = None, status: int = 200):
    return render_template("workspace/contributions.html",
                           waiting=contributing.waiting_for(me()), section=section,
                           error=error, form=form or {}, languages=LANGUAGE_NAMES,
                           statuses=status_labels()), status


def _deciding(contribution_id: int) -> Contribution:
    """The contribution, if the logged-in account keeps its commitment."""
    contribution: Contribution = get_or_404(Contribution, contribution_id)
    commitment = contribution.commitment
    allowed(service.may_keep(me(), commitment.country_id, commitment.committee_id))
    return contribution


@bp.get("/contributions")
def contributions():
    return _contributions_page()


@bp.post("/contributions/<int:contribution_id>/accept")
def contribution_accept(contribution_id: int):
    contribution = _deciding(contribution_id)
    form = request.form
    try:
        contributing.accept_contribution(
            contribution.id, reason=text(form, "reason", contributing.MAX_REASON),
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _contributions_page(section=f"accept-{contribution.id}", error=exc, form=form,
                                   status=status_of(exc))
    return done(gettext("The contribution is accepted; the organisation is told."),
                url_for("workspace.contributions"))


@bp.post("/contributions/<int:contribution_id>/decline")
def contribution_decline(contribution_id: int):
    contribution = _deciding(contribution_id)
    form = request.form
    try:
        contributing.decline_contribution(
            contribution.id, reason=text(form, "reason", contributing.MAX_REASON) or "",
            written_in=text(form, "written_in", 8), now=utc_now(), actor=actor())
    except Refusal as exc:
        return _contributions_page(section=f"decline-{contribution.id}", error=exc,
                                   form=form, status=status_of(exc))
    return done(gettext("The contribution is declined; the organisation is told why."),
                url_for("workspace.contributions"))


# --- a regional meeting's joint work plan -----------------------------------------------

def _draft(versions: list[WorkPlan]) -> WorkPlan | None:
    return next((v for v in versions if v.state == PlanState.DRAFT), None)


def _chosen(form: MultiDict[str, str]) -> list[int]:
    """The commitments ticked, in the order their positions give (unnumbered ones last,
    as listed)."""
    picked: list[tuple[int, int, int]] = []
    for index, value in enumerate(form.getlist("commitment")[:service.MAX_PLAN + 1]):
        ident = an_id(value)
        if ident is None:
            raise InvalidInput(N_("Choose only from the list, or leave it empty."),
                               field="commitments")
        position = text(form, f"position-{ident}", 6)
        if position is not None and not (position.isascii() and position.isdecimal()):
            raise InvalidInput(N_("Give a whole number."), field="commitments")
        picked.append((int(position) if position else LAST_POSITION, index, ident))
    return [ident for _position, _index, ident in sorted(picked)]


def _plan_form(plan: WorkPlan | None) -> dict[str, Any]:
    if plan is None:
        return {"title": "", "written_in": "", "chosen": {}}
    return {"title": plan.title, "written_in": plan.written_in or "",
            "chosen": {str(e.commitment_id): str(e.position + 1) for e in plan.entries}}


def _typed_plan(form: MultiDict[str, str]) -> dict[str, Any]:
    return {"title": form.get("title", ""), "written_in": form.get("written_in", ""),
            "what_changed": form.get("what_changed", ""),
            "chosen": {value: form.get(f"position-{value}", "")
                       for value in form.getlist("commitment")}}


def _choices(plan: WorkPlan | None) -> list[Commitment]:
    """Every commitment, the plan's own first in its order."""
    everything = service.commitments()
    if plan is None:
        return everything
    order = {e.commitment_id: e.position for e in plan.entries}
    return sorted(everything, key=lambda c: (order.get(c.id, LAST_POSITION), c.target_on,
                                             c.id))


def _plan_page(meeting: Meeting, template: str, *, error: Refusal | None = None,
               form: dict[str, Any] | None = None, status: int = 200):
    versions = service.plan_versions(meeting.id)
    draft = _draft(versions)
    return render_template(
        template, meeting=meeting, title=series_title(meeting.series),
        regional=meeting.series.kind == SeriesKind.REGIONAL, versions=versions,
        draft=draft, published=service.published_plan(meeting.id),
        choices=_choices(draft), form=form or _plan_form(draft), error=error,
        states=plan_state_labels(), statuses=status_labels(),
        languages=LANGUAGE_NAMES, past=meeting.start_at <= utc_now()), status


@bp.get("/meetings/<int:meeting_id>/work-plan")
def work_plan(meeting_id: int):
    return _plan_page(managed_meeting(meeting_id), "workspace/work_plan.html")


@bp.get("/meetings/<int:meeting_id>/work-plan/draft")
def work_plan_draft(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    if _draft(service.plan_versions(meeting.id)) is None:
        return redirect(url_for("workspace.work_plan", meeting_id=meeting.id))
    return _plan_page(meeting, "workspace/work_plan_draft.html")


@bp.post("/meetings/<int:meeting_id>/work-plan")
def work_plan_create(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = request.form
    try:
        service.create_plan(meeting.id, title=form.get("title") or "",
                            commitment_ids=_chosen(form),
                            written_in=text(form, "written_in", 8), now=utc_now(),
                            actor=actor())
    except Refusal as exc:
        return _plan_page(meeting, "workspace/work_plan.html", error=exc,
                          form=_typed_plan(form), status=status_of(exc))
    return done(gettext("The draft of the joint work plan is saved."),
                url_for("workspace.work_plan_draft", meeting_id=meeting.id))


def _current_draft(meeting: Meeting) -> WorkPlan:
    draft = _draft(service.plan_versions(meeting.id))
    if draft is None:
        abort(404)
    return draft


@bp.post("/meetings/<int:meeting_id>/work-plan/edit")
def work_plan_edit(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    draft = _current_draft(meeting)
    form = request.form
    try:
        service.edit_plan(draft.id, title=form.get("title") or "",
                          commitment_ids=_chosen(form),
                          written_in=text(form, "written_in", 8), now=utc_now(),
                          actor=actor())
    except Refusal as exc:
        return _plan_page(meeting, "workspace/work_plan_draft.html", error=exc,
                          form=_typed_plan(form), status=status_of(exc))
    return done(gettext("The draft of the joint work plan is saved."),
                url_for("workspace.work_plan_draft", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/work-plan/publish")
def work_plan_publish(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    draft = _current_draft(meeting)
    form = request.form
    try:
        published = service.publish_plan(
            draft.id, what_changed=text(form, "what_changed", service.MAX_WHAT_CHANGED),
            now=utc_now(), actor=actor())
    except Refusal as exc:
        return _plan_page(meeting, "workspace/work_plan_draft.html", error=exc,
                          form={**_plan_form(draft),
                                "what_changed": form.get("what_changed", "")},
                          status=status_of(exc))
    return done(gettext("Version %(n)s of the joint work plan is published.",
                        n=published.version),
                url_for("workspace.work_plan", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/work-plan/revise")
def work_plan_revise(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    published = service.published_plan(meeting.id)
    if published is None:
        abort(404)
    try:
        service.revise_plan(published.id, now=utc_now(), actor=actor())
    except Refusal as exc:
        return _plan_page(meeting, "workspace/work_plan.html", error=exc,
                          status=status_of(exc))
    return done(gettext("A new version of the joint work plan is drafted."),
                url_for("workspace.work_plan_draft", meeting_id=meeting.id))
