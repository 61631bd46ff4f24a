"""The `coordinator` command: Flask's commands plus ours (seed, demo, compliance, series, ...)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import ngettext

from coordinator import create_app
from coordinator.cadence.compliance import AgendaState, ComplianceReport
from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.rest_days import Shift
from coordinator.cadence.zones import get_zone, utc_now
from coordinator.errors import N_, InvalidInput, Refusal
from coordinator.unit import Actor

F = TypeVar("F", bound=Callable[..., Any])


class Refused(click.ClickException):
    """Bad input: say what is wrong and exit 2, like a usage error."""

    exit_code = 2


def refuses_bad_input(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Refusal as exc:
            raise refused(exc) from exc

    return wrapper  # type: ignore[return-value]


def refused(exc: Refusal) -> Refused:
    """A service's refusal as the command line says it: the field, the sentence, exit 2."""
    return Refused(f"{exc.field}: {exc.message}" if exc.field else exc.message)


class RefusingGroup(FlaskGroup):
    """Every command of the group answers a refusal (404, 409 or 422 on the web) with its
    sentence and exit status 2, never a traceback, whether or not it was written for it."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Refusal as exc:
            raise refused(exc) from exc


@click.group(cls=RefusingGroup, create_app=create_app)
def main() -> None:
    """Run the civil-society meeting cadence of the Los Angeles Declaration."""


@main.command()
@with_appcontext
def seed() -> None:
    """Load countries and committees from the reference data (idempotent)."""
    from coordinator.reference.services import seed_reference

    countries, committees = seed_reference(now=utc_now())
    click.echo(f"Reference data loaded: {countries} new countries, {committees} new committees.")


@main.command()
@click.option("--if-empty", is_flag=True, help="Only when no series exist yet.")
@with_appcontext
def demo(if_empty: bool) -> None:
    """Add believable demo organisations, contacts, accounts and series."""
    from coordinator.demo import (
        ACCOUNTS,
        DEMO_PASSWORD,
        DemoExists,
        demo_password_allowed,
        load_demo,
    )
    from coordinator.reference.services import seed_reference

    seed_reference(now=utc_now())
    try:
        summary = load_demo(now=utc_now(), only_if_empty=if_empty)
    except DemoExists as exc:
        click.echo(str(exc))
        return
    click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in summary.items()) + ".")
    if demo_password_allowed():
        click.echo(f"Log in at /login as {ACCOUNTS[0][1]} (or any demo coordinator, e.g. "
                   f"{ACCOUNTS[1][1]}) with the password {DEMO_PASSWORD}.")
    else:
        click.echo("The demo accounts have no password on a public address: open one with "
                   "`coordinator account create`, or use /password/forgot.")


@main.command()
@with_appcontext
def materialise() -> None:
    """Create meetings up to the horizon for every active series (idempotent)."""
    from coordinator.meetings.series import materialise_all

    click.echo(f"{materialise_all(now=utc_now(), actor=Actor.cli())} meetings created.")


@main.command("dispatch")
@click.option("--loop", is_flag=True, help="Keep draining every few seconds until stopped.")
@click.option("--batch", type=click.IntRange(1, 5000), default=200, show_default=True)
@with_appcontext
def dispatch_command(loop: bool, batch: int) -> None:
    """Send what is due in the outbox (the scheduler does this every 30 seconds)."""
    import time as clock

    from coordinator.mail.dispatch import dispatch

    while True:
        result = dispatch(utc_now(), limit=batch)
        click.echo(f"sent {result.sent}, retrying {result.retried}, failed {result.failed}")
        if not loop:
            return
        clock.sleep(2)


@main.command("deadlines")
@with_appcontext
def deadlines_command() -> None:
    """Act on due deadlines now: invitations, reminders (the scheduler does this too)."""
    from coordinator.invitations.deadlines import run_due_deadlines

    click.echo(f"{run_due_deadlines(now=utc_now())} messages queued.")


@main.command()
@click.argument("meeting_id", type=int)
@click.option("--csv", "as_csv", is_flag=True, help="Print the details as CSV.")
@with_appcontext
@refuses_bad_input
def rsvps(meeting_id: int, as_csv: bool) -> None:
    """Answers and interpretation needs for one meeting: the counts, then who answered
    what (or, with --csv, the workspace's CSV)."""
    from coordinator.invitations.rsvp import rsvp_details, rsvps_csv

    if as_csv:
        click.echo(rsvps_csv(meeting_id).removeprefix("\ufeff"), nl=False)
        return
    details = rsvp_details(meeting_id)
    summary = details.summary
    click.echo(", ".join(f"{k}: {v}" for k, v in summary.answers.items()))
    for language, count in summary.interpretation_into.items():
        click.echo(f"interpretation into {language}: {count}")
    for language, count in summary.speaks.items():
        click.echo(f"will speak {language}: {count}")
    for person in details.people:
        answered = person.answered_at.isoformat(timespec="minutes") if person.answered_at \
            else "-"
        click.echo(f"{person.answer:<12} {person.organisation or '-'} | {person.name} "
                   f"<{person.email}> | speaks: {person.speaks or '-'} | interpretation: "
                   f"{person.interpretation_into or '-'} | answered: {answered}")


@main.command()
@click.option("--year", type=click.IntRange(2022, 2100), required=True)
@with_appcontext
def compliance(year: int) -> None:
    """Print who kept the cadence in YEAR: quarters, half-years and agendas."""
    from coordinator.tracking.compliance import compliance_report

    click.echo(format_compliance(compliance_report(year, now=utc_now())))


SYMBOLS = {"held": "held", "unrecorded": "unrec", "scheduled": "sched", "missed": "MISSED",
           "due": "due"}


def format_compliance(report: ComplianceReport) -> str:
    """A plain-text table: one row per country (quarters) and per committee (half-years)."""
    lines = [f"National CSO meetings {report.year} (one per quarter)", ""]
    lines.append(f"{'country':<8}" + "".join(f"{q:<8}" for q in ("Q1", "Q2", "Q3", "Q4")))
    for iso, cells in report.countries.items():
        lines.append(f"{iso:<8}" + "".join(f"{SYMBOLS[c.state]:<8}" for c in cells))
    lines += ["", f"Committee briefings {report.year} (one per half-year)", ""]
    width = max([len(s) for s in report.committees] + [9]) + 2
    lines.append(f"{'committee':<{width}}" + "".join(f"{h:<8}" for h in ("H1", "H2")))
    for slug, cells in report.committees.items():
        lines.append(f"{slug:<{width}}" + "".join(f"{SYMBOLS[c.state]:<8}" for c in cells))
    counts = {state: 0 for state in AgendaState}
    for record in report.agendas:
        counts[record.state] += 1
    late = [r for r in report.agendas if r.state in (AgendaState.LATE, AgendaState.MISSING)]
    lines += ["", "unrec: awaiting record (the meeting started; `coordinator attendance "
              "record` says whether it was held)"]
    lines += ["", f"Agendas {report.year}: " + ", ".join(f"{v} {k}" for k, v in counts.items())]
    for record in late:
        lines.append(
            f"  meeting {record.meeting_id}: {record.state} by {record.days_late:.1f} days")
    return "\n".join(lines)


@main.command("history")
@click.argument("entity", type=click.Choice(["meeting", "series", "organisation", "account"]))
@click.argument("entity_id", type=int)
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@with_appcontext
@refuses_bad_input
def history_command(entity: str, entity_id: int, page: int) -> None:
    """What happened to ENTITY ENTITY_ID, newest first (times in UTC)."""
    from coordinator.tracking.history import history_of

    found = history_of(entity, entity_id, None, page=page, operator=True)
    click.echo(ngettext("%(title)s: %(num)s entry, page %(page)s of %(pages)s",
                        "%(title)s: %(num)s entries, page %(page)s of %(pages)s", found.total,
                        title=found.title, page=found.page, pages=found.pages))
    for line in found.lines:
        click.echo(f"{line.at:%Y-%m-%d %H:%M}Z\t{line.actor}\t{line.sentence}")


@main.group()
def attendance() -> None:
    """The attendance register: whether a meeting was held, and who came."""


@attendance.command("show")
@click.argument("meeting_id", type=int)
@with_appcontext
@refuses_bad_input
def attendance_show(meeting_id: int) -> None:
    """A meeting's record and the organisations that may be marked present."""
    from coordinator.meetings.attendance import attendance_sheet

    sheet = attendance_sheet(meeting_id, now=utc_now())
    record = sheet.record
    if record is None:
        click.echo(f"Meeting {meeting_id}: not recorded yet"
                   + ("" if sheet.can_record else " (it has not started)") + ".")
    else:
        click.echo(f"Meeting {meeting_id}: {'held' if record.held else 'not held'}.")
    for o in sheet.organisations:
        mark = "present" if o.id in sheet.present else "-"
        click.echo(f"{o.id}\t{mark}\t{o.name}")


@attendance.command("record")
@click.argument("meeting_id", type=int)
@click.option("--held/--not-held", required=True)
@click.option("--organisation", "organisation_ids", type=int, multiple=True,
              help="Id of an organisation present (repeat; replaces the list).")
@click.option("--note")
@with_appcontext
@refuses_bad_input
def attendance_record(meeting_id: int, held: bool, organisation_ids: tuple[int, ...],
                      note: str | None) -> None:
    """Record (or correct) whether a meeting that has started was held, and who came."""
    from coordinator.meetings.attendance import record_attendance

    record = record_attendance(meeting_id, held=held, organisation_ids=organisation_ids,
                               note=note, now=utc_now(), actor=Actor.cli())
    click.echo(f"Meeting {meeting_id}: recorded as {'held' if record.held else 'not held'}"
               f", {len(record.organisations)} organisation(s) present.")


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(N_("%(value)s is not a date; write it as YYYY-MM-DD."), field=name,
                           value=repr(value)) from exc


def _parse_time(value: str) -> time:
    try:
        parsed = time.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(N_("%(value)s is not a time of day; write it as HH:MM."),
                           field="time", value=repr(value)) from exc
    if parsed.tzinfo is not None:
        raise InvalidInput(N_("Give the wall-clock time without an offset; use --zone."),
                           field="time")
    return parsed


@main.group()
def series() -> None:
    """Schedule series and change their rules."""


def _series_options(func: F) -> F:
    options = [
        click.option("--kind", type=click.Choice([k.value for k in SeriesKind]), required=True),
        click.option("--country", help="ISO code, e.g. GT (national meetings)."),
        click.option("--committee", help="Committee slug (committee briefings)."),
        click.option("--rrule", help="RFC 5545 rule; default: the kind's cadence."),
        click.option("--first-date", "first_date", required=True, help="YYYY-MM-DD"),
        click.option("--time", "at", required=True, help="Wall-clock time, HH:MM"),
        click.option("--zone", required=True, help="IANA zone, e.g. America/Guatemala"),
        click.option("--duration", type=int, default=90, show_default=True,
                     help="Minutes."),
        click.option("--title"), click.option("--location"), click.option("--online-url"),
        click.option("--held-by", help="YYYY-MM-DD (regional meeting)."),
        click.option("--holiday-country", help="Whose holidays move meetings ('' for none)."),
        click.option("--weekends/--no-weekends", "allow_weekends", default=None,
                     help="Keep meetings the rule puts on a weekend (--weekends) or move them "
                          "to a working day (--no-weekends). Default: only extraordinary "
                          "meetings keep them."),
        click.option("--open-days", type=int, default=42, show_default=True),
        click.option("--close-days", type=int, default=21, show_default=True),
        click.option("--agenda-days", type=int, default=14, show_default=True),
        click.option("--reminders", default="7,1", show_default=True,
                     help="Days before, comma-separated."),
        click.option("--justification", help="Why deadlines are shortened (extraordinary)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _series_input(**opts: Any):
    from coordinator.meetings.series import SeriesInput

    try:
        reminders = tuple(int(x) for x in opts["reminders"].split(",") if x.strip())
    except ValueError as exc:
        raise InvalidInput(N_("Give whole days separated by commas, e.g. 7,1."),
                           field="reminders") from exc
    return SeriesInput(
        kind=SeriesKind(opts["kind"]), country=opts["country"], committee=opts["committee"],
        rrule=opts["rrule"], first_date=_parse_date(opts["first_date"], "first-date"),
        start_time=_parse_time(opts["at"]), zone=opts["zone"],
        duration_minutes=opts["duration"], title=opts["title"], location=opts["location"],
        online_url=opts["online_url"],
        held_by=_parse_date(opts["held_by"], "held-by") if opts["held_by"] else None,
        holiday_country=opts["holiday_country"], allow_weekends=opts["allow_weekends"],
        offsets=DeadlineOffsets(opts["open_days"], opts["close_days"], opts["agenda_days"],
                                reminders),
        short_notice_justification=opts["justification"],
    )


@series.command("add")
@_series_options
@click.option("--dry-run", is_flag=True, help="Print the dates without saving.")
@with_appcontext
@refuses_bad_input
def series_add(dry_run: bool, **opts: Any) -> None:
    """Schedule a series and materialise its meetings."""
    from coordinator.meetings.series import preview, schedule_series

    data = _series_input(**opts)
    now = utc_now()
    if dry_run:
        for p in preview(data, now=now):
            click.echo(f"{p.start:%Y-%m-%d %a %H:%M %Z}{_moved(p.shift)}")
        return
    created = schedule_series(data, now=now, actor=Actor.cli())
    click.echo(ngettext("Series %(id)s scheduled with %(num)s meeting.",
                        "Series %(id)s scheduled with %(num)s meetings.",
                        len(created.meetings), id=created.id))


def _moved(shift: Shift | None) -> str:
    if shift is None:
        return ""
    why = shift.holiday or "weekend"
    return f"  (moved from {shift.original:%a} {shift.original.isoformat()}: {why})"


@series.command("change-rule")
@click.argument("series_id", type=int)
@click.option("--from", "effective_from", required=True, help="YYYY-MM-DD")
@click.option("--rrule", help="The new RFC 5545 rule (wins over --every).")
@click.option("--every", "every_months", type=int,
              help="Months between meetings (1, 2, 3, 4, 6 or 12), instead of --rrule.")
@click.option("--day", "month_day", type=click.IntRange(1, 31),
              help="With --every: on this day of the month (31: the last day).")
@click.option("--weekday", "nth_weekday",
              help="With --every: on this weekday of the month, e.g. 2TU (second Tuesday) "
              "or -1FR (last Friday).")
@click.option("--time", "at", required=True)
@click.option("--zone", required=True)
@click.option("--duration", type=int, default=90, show_default=True)
@click.option("--first-date", "first_date",
              help="A new first date (default: the series keeps its own, so its months and "
              "day of the month stay).")
@click.option("--preview", is_flag=True,
              help="Print which meetings would move, be cancelled or be added; save nothing.")
@with_appcontext
@refuses_bad_input
def series_change_rule(series_id: int, effective_from: str, rrule: str | None,
                       every_months: int | None, month_day: int | None,
                       nth_weekday: str | None, at: str, zone: str, duration: int,
                       first_date: str | None, preview: bool) -> None:
    """Change a series' rule from a date on; past and moved meetings stay."""
    from coordinator.cadence.picker import DayChoice, Picker
    from coordinator.meetings.series import RuleChange, change_effects, change_rule

    picker = None
    if every_months is not None:
        nth = weekday = None
        if nth_weekday:
            text = nth_weekday.strip().upper()
            nth, weekday = (int(text[:-2]) if text[:-2].lstrip("-").isdigit() else 0), text[-2:]
        picker = Picker(every_months, DayChoice.WEEKDAY if nth_weekday else
                        DayChoice.MONTH_DAY if month_day else DayChoice.SAME_DAY,
                        day=month_day, nth=nth, weekday=weekday)
    change = RuleChange(
        effective_from=_parse_date(effective_from, "from"), start_time=_parse_time(at),
        zone=zone, duration_minutes=duration, rrule=rrule,
        first_date=_parse_date(first_date, "first-date") if first_date else None,
        picker=picker,
    )
    if preview:
        effects = change_effects(series_id, change, now=utc_now())
        click.echo(f"Rule: {effects.recurrence.rrule} from {effects.recurrence.first_date}")
        for meeting, slot in effects.moved:
            invited = " (invited)" if meeting.id in effects.invited else ""
            click.echo(f"moved      {meeting.id}: {meeting.start_local:%Y-%m-%d %H:%M} -> "
                       f"{slot.start:%Y-%m-%d %H:%M %Z}{invited}")
        for meeting in effects.cancelled:
            invited = " (invited)" if meeting.id in effects.invited else ""
            click.echo(f"cancelled  {meeting.id}: {meeting.start_local:%Y-%m-%d %H:%M}"
                       f"{invited}")
        for slot in effects.added:
            click.echo(f"added      {slot.start:%Y-%m-%d %H:%M %Z}")
        return
    changed = change_rule(series_id, change, now=utc_now(), actor=Actor.cli())
    click.echo(f"Series {changed.id}: rule changed from {change.effective_from}.")


@series.command("invite")
@click.argument("series_id", type=int)
@click.option("--organisation", "organisation_id", type=int,
              help="An approved organisation's id.")
@click.option("--account", "account_id", type=int,
              help="A coordinator's account id (special coordinators' meetings only).")
@click.option("--role", type=click.Choice(["invited", "observer", "representative"]),
              default="invited", show_default=True,
              help="observer: coordinators' meetings; representative: committee briefings.")
@with_appcontext
@refuses_bad_input
def series_invite(series_id: int, organisation_id: int | None, account_id: int | None,
                  role: str) -> None:
    """Invite an organisation (or a coordinator's account) to every meeting of a series."""
    from coordinator.invitations.participants import add_participant

    added = add_participant(now=utc_now(), actor=Actor.cli(), series_id=series_id,
                            organisation_id=organisation_id, account_id=account_id, role=role)
    click.echo(f"Participant {added.id} invited to series {series_id} as {added.role.value}.")


@series.command("invite-all")
@click.argument("series_id", type=int)
@click.option("--country", help="ISO code: every approved organisation of the country.")
@click.option("--committee", help="Slug: every approved organisation of its countries.")
@click.option("--role", type=click.Choice(["invited", "observer"]), default="invited",
              show_default=True)
@click.option("--dry-run", is_flag=True, help="List who would be invited; write nothing.")
@with_appcontext
@refuses_bad_input
def series_invite_all(series_id: int, country: str | None, committee: str | None, role: str,
                      dry_run: bool) -> None:
    """Invite every approved organisation of a country or a committee to a series."""
    from coordinator.invitations.participants import Whom, invite_all, organisations_to_invite

    whom = Whom(country=country, committee=committee)
    if dry_run:
        for organisation in organisations_to_invite(series_id, whom):
            click.echo(f"{organisation.id}\t{organisation.name}")
        return
    added = invite_all(series_id, whom, now=utc_now(), actor=Actor.cli(), role=role)
    click.echo(ngettext("%(num)s organisation invited to series %(id)s.",
                        "%(num)s organisations invited to series %(id)s.", len(added),
                        id=series_id))


@series.command("set-coordinator")
@click.argument("series_id", type=int)
@click.option("--account", "account_id", type=int, required=True,
              help="The account that coordinates the series from now on.")
@with_appcontext
@refuses_bad_input
def series_set_coordinator(series_id: int, account_id: int) -> None:
    """Choose who coordinates a series: the organizer and Reply-To of its mails."""
    from coordinator.meetings.series import set_coordinator

    changed = set_coordinator(series_id, account_id, now=utc_now(), actor=Actor.cli())
    assert changed.coordinator is not None
    click.echo(f"Series {changed.id} is coordinated by {changed.coordinator.name}.")


@series.command("host-country")
@click.argument("meeting_id", type=int)
@click.argument("country", required=False, default="")
@with_appcontext
@refuses_bad_input
def series_host_country(meeting_id: int, country: str) -> None:
    """Set (or, without COUNTRY, clear) the convening country of a special coordinators'
    meeting."""
    from coordinator.meetings.hosts import set_host_country

    changed = set_host_country(meeting_id, country or None, now=utc_now(), actor=Actor.cli())
    host = changed.host_country.iso if changed.host_country else "none"
    click.echo(f"Meeting {changed.id}: convening country {host}.")


@series.command("invite-host-observers")
@click.argument("meeting_id", type=int)
@with_appcontext
@refuses_bad_input
def series_invite_host_observers(meeting_id: int) -> None:
    """Invite the convening country's approved national organisations to a special
    coordinators' meeting as observers."""
    from coordinator.invitations.participants import invite_host_observers

    added = invite_host_observers(meeting_id, now=utc_now(), actor=Actor.cli())
    click.echo(ngettext("Meeting %(id)s: %(num)s organisation invited as observer.",
                        "Meeting %(id)s: %(num)s organisations invited as observers.",
                        len(added), id=meeting_id))


@main.group()
def meeting() -> None:
    """Move or cancel one meeting."""


@meeting.command("move")
@click.argument("meeting_id", type=int)
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--time", "at", required=True, help="HH:MM, wall-clock in the meeting's zone")
@click.option("--zone", help="IANA zone (default: the meeting's)")
@click.option("--duration", type=int, help="Minutes (default: unchanged)")
@click.option("--reason")
@click.option("--past-held-by", is_flag=True,
              help="Move past the series' 'held by' date (recorded).")
@with_appcontext
@refuses_bad_input
def meeting_move(meeting_id: int, day: str, at: str, zone: str | None, duration: int | None,
                 reason: str | None, past_held_by: bool) -> None:
    """Move one meeting to another date and time."""
    from coordinator.cadence.recurrence import wall_clock
    from coordinator.meetings.reads import find_meeting
    from coordinator.meetings.services import move_meeting

    found = find_meeting(meeting_id)
    start = wall_clock(_parse_date(day, "date"), _parse_time(at), get_zone(zone or found.zone))
    moved = move_meeting(meeting_id, start, now=utc_now(), actor=Actor.cli(),
                         duration_minutes=duration, zone=zone, reason=reason,
                         past_held_by=past_held_by)
    click.echo(f"Meeting {moved.id} moved to {moved.start_local:%Y-%m-%d %H:%M %Z}.")


@meeting.command("cancel")
@click.argument("meeting_id", type=int)
@click.option("--reason")
@with_appcontext
@refuses_bad_input
def meeting_cancel(meeting_id: int, reason: str | None) -> None:
    """Cancel one meeting (it stays, marked cancelled)."""
    from coordinator.meetings.services import cancel_meeting

    cancel_meeting(meeting_id, now=utc_now(), actor=Actor.cli(), reason=reason)
    click.echo(f"Meeting {meeting_id} cancelled.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")),
              show_default="5000 or $PORT")
@click.option("--no-scheduler", is_flag=True, help="Serve pages only.")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the app with the scheduler embedded (for one machine; see README for production)."""
    app = create_app()
    scheduler = leader = None
    if not no_scheduler:
        from coordinator.scheduler import build_scheduler

        scheduler, leader = build_scheduler(app)
        scheduler.start()
    click.echo(f"Serving on http://{host}:{port}/" + ("" if no_scheduler else
                                                       " with the scheduler embedded"))
    from werkzeug.serving import run_simple

    try:
        # app.run() refuses to run inside a Flask CLI command; run_simple is what it calls.
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None and leader is not None:
            scheduler.shutdown(wait=False)
            leader.release()


@main.group()
def account() -> None:
    """Accounts of the secretariat and the coordinators."""


@account.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True,
              type=click.Choice(["secretariat", "special-coordinator", "committee-coordinator"]))
@click.option("--country", help="ISO code, for a special coordinator.")
@click.option("--committee", help="Slug, for a committee coordinator.")
@click.option("--language", default="en", show_default=True)
@click.option("--zone", default="UTC", show_default=True)
@with_appcontext
@refuses_bad_input
def account_create(email: str, name: str, role: str, country: str | None,
                   committee: str | None, language: str, zone: str) -> None:
    """Open an account; its set-up link is mailed (and printed, for a first install)."""
    from coordinator.accounts.services import create_account, password_link

    created = create_account(email=email, name=name, role=role, country=country,
                             committee=committee, language=language, zone=zone,
                             now=utc_now(), actor=Actor.cli())
    click.echo(f"Account {created.id} opened for {created.email}; the set-up link was queued "
               f"for mail. It is also: {password_link(created, setup=True)}")


@main.command()
def scheduler() -> None:
    """Run the scheduler alone (no web server)."""
    import signal
    import threading

    from coordinator.scheduler import build_scheduler

    app = create_app()
    sched, leader = build_scheduler(app)
    sched.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("Scheduler running; Ctrl-C to stop.")
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sched.shutdown(wait=True)
        leader.release()


@main.group()
def agenda() -> None:
    """Build and publish a meeting's agenda."""


def item_options(command: Callable[..., None]) -> Callable[..., None]:
    """An agenda item's fields, the same for adding and editing."""
    for option in reversed((
            click.option("--title", required=True),
            click.option("--kind", default="discussion", show_default=True,
                         type=click.Choice(["progress", "cso-proposal", "discussion",
                                            "other"])),
            click.option("--presenter"),
            click.option("--duration", type=int, default=15, show_default=True),
            click.option("--language", type=click.Choice(["en", "es", "pt", "fr", "ht", "nl"]),
                         help="The language the item is presented in."),
            click.option("--written-in", type=click.Choice(["en", "es", "pt", "fr", "ht", "nl"]),
                         help="The language the title is written in."),
            with_appcontext, refuses_bad_input)):
        command = option(command)
    return command


@agenda.command("add")
@click.argument("meeting_id", type=int)
@item_options
def agenda_add(meeting_id: int, title: str, kind: str, presenter: str | None, duration: int,
               language: str | None, written_in: str | None) -> None:
    """Add an item to the draft agenda."""
    from coordinator.agendas.services import add_item

    item = add_item(meeting_id, now=utc_now(), actor=Actor.cli(), kind=kind, title=title,
                    presenter=presenter, duration=duration, language=language,
                    written_in=written_in)
    click.echo(f"Item {item.id} added at position {item.position}.")


@agenda.command("edit")
@click.argument("meeting_id", type=int)
@click.argument("item_id", type=int)
@item_options
def agenda_edit(meeting_id: int, item_id: int, title: str, kind: str, presenter: str | None,
                duration: int, language: str | None, written_in: str | None) -> None:
    """Replace an item of the draft agenda (every field, as the workspace form does)."""
    from coordinator.agendas.services import find_item, update_item

    item = update_item(find_item(meeting_id, item_id).id, now=utc_now(), actor=Actor.cli(),
                       kind=kind, title=title, presenter=presenter, duration=duration,
                       language=language, written_in=written_in)
    click.echo(f"Item {item.id} saved.")


@agenda.command("publish")
@click.argument("meeting_id", type=int)
@with_appcontext
@refuses_bad_input
def agenda_publish(meeting_id: int) -> None:
    """Publish the draft: participants get it as an update of their invitation."""
    from coordinator.agendas.services import publish_agenda

    meeting = publish_agenda(meeting_id, now=utc_now(), actor=Actor.cli())
    click.echo(f"Agenda version {meeting.agenda_version} published.")


@main.group()
def translations() -> None:
    """A meeting's texts in its participants' languages."""


@translations.command("list")
@click.argument("meeting_id", type=int)
@with_appcontext
@refuses_bad_input
def translations_list(meeting_id: int) -> None:
    """Each text of the meeting and its state in each participant language."""
    from coordinator.content.services import translation_status
    from coordinator.meetings.reads import find_meeting

    status = translation_status(find_meeting(meeting_id))
    click.echo("subject\tid\tfield\twritten_in\t" + "\t".join(status.languages))
    for t in status.texts:
        click.echo("\t".join([t.subject, str(t.subject_id), t.field, t.written_in or "",
                              *(t.states[code] for code in status.languages)]))


@translations.command("set")
@click.argument("meeting_id", type=int)
@click.argument("subject", type=click.Choice(["agenda_item", "series", "meeting",
                                              "suggestion"]))
@click.argument("subject_id", type=int)
@click.argument("field")
@click.argument("language", type=click.Choice(["en", "es", "pt", "fr", "ht", "nl"]))
@click.argument("text", default="")
@with_appcontext
@refuses_bad_input
def translations_set(meeting_id: int, subject: str, subject_id: int, field: str,
                     language: str, text: str) -> None:
    """Save one translation (an empty TEXT removes it)."""
    from coordinator.content.services import translate

    translate(subject, subject_id, field, language, text, now=utc_now(), actor=Actor.cli(),
              within=meeting_id)
    click.echo("Translation saved." if text.strip() else "Translation removed.")


@main.group()
def minutes() -> None:
    """A meeting's minutes."""


@minutes.command("publish")
@click.argument("meeting_id", type=int)
@click.option("--what-changed", help="Required from the second version on.")
@with_appcontext
@refuses_bad_input
def minutes_publish(meeting_id: int, what_changed: str | None) -> None:
    """Publish the draft minutes as the next version (mailed to participants)."""
    from coordinator.outcomes.minutes import publish_minutes

    version = publish_minutes(meeting_id, now=utc_now(), actor=Actor.cli(),
                              what_changed=what_changed)
    click.echo(f"Minutes version {version.version} published.")


@main.group("action-items")
def action_items() -> None:
    """Action items: who does what by when."""


@action_items.command("list")
@click.option("--overdue", is_flag=True, help="Only items whose due date has passed.")
@with_appcontext
def action_items_list(overdue: bool) -> None:
    """Every action item (or the overdue ones), soonest due first."""
    from coordinator.outcomes import reads

    for item in reads.action_items(overdue=overdue, now=utc_now()):
        click.echo(f"{item.id}\t{item.status.value}\t{item.due_on.isoformat()}\t"
                   f"{reads.owner_key(item)}\t{' '.join(item.text.split())}")


@action_items.command("set-status")
@click.argument("item_id", type=int)
@click.argument("status", type=click.Choice(["open", "in-progress", "done", "dropped"]))
@click.option("--reason", help="Required to drop an item.")
@with_appcontext
@refuses_bad_input
def action_items_set_status(item_id: int, status: str, reason: str | None) -> None:
    """Move an item to another status (a dropped one says why)."""
    from coordinator.outcomes.action_items import update_action_item

    item = update_action_item(item_id, now=utc_now(), actor=Actor.cli(), status=status,
                              reason=reason)
    click.echo(f"Action item {item.id} is {item.status.value}.")


LANGUAGE_CODES = ["en", "es", "pt", "fr", "ht", "nl"]
COMMITMENT_STATUSES = ["planned", "in-progress", "achieved", "partly-achieved", "not-achieved",
                       "dropped"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _number(value: str, name: str) -> float:
    """A number as typed (a comma may mark the decimals), or a translated refusal."""
    try:
        return float(value.strip().replace(",", "."))
    except ValueError as exc:
        raise InvalidInput(N_("Give a number."), field=name) from exc


@main.group()
def commitments() -> None:
    """Commitments of countries and committees, and their public timelines."""


@commitments.command("list")
@click.option("--country", help="ISO code, e.g. GT.")
@click.option("--committee", help="Committee slug (responsible, or its action package).")
@click.option("--pillar", type=click.Choice(["I", "II", "III"], case_sensitive=False))
@click.option("--status", type=click.Choice(COMMITMENT_STATUSES))
@with_appcontext
@refuses_bad_input
def commitments_list(country: str | None, committee: str | None, pillar: str | None,
                     status: str | None) -> None:
    """Commitments, soonest target first: id, status, target, responsible, pillar, text."""
    from coordinator.outcomes.commitments import commitments as find

    for c in find(country=country, committee=committee, pillar=pillar, status=status):
        responsible = (f"country:{c.country.iso}" if c.country is not None else
                       f"committee:{c.committee.slug}" if c.committee is not None else "-")
        click.echo(f"{c.id}\t{c.status.value}\t{c.target_on.isoformat()}\t{responsible}\t"
                   f"{c.pillar}\t{_one_line(c.text)}")


@commitments.command("add")
@click.option("--text", required=True, help="What is committed to.")
@click.option("--country", help="ISO code of the responsible country.")
@click.option("--committee", help="Slug of the responsible committee.")
@click.option("--start", required=True, help="YYYY-MM-DD")
@click.option("--target", required=True, help="YYYY-MM-DD")
@click.option("--pillar", help="I, II or III (default: the action package's).")
@click.option("--package", help="Slug of the action package (committee) it belongs to.")
@click.option("--language", type=click.Choice(LANGUAGE_CODES),
              help="The language the text is written in.")
@with_appcontext
@refuses_bad_input
def commitments_add(text: str, country: str | None, committee: str | None, start: str,
                    target: str, pillar: str | None, package: str | None,
                    language: str | None) -> None:
    """Add a commitment of one country or one committee (planned)."""
    from coordinator.outcomes.commitments import Responsible, create_commitment

    made = create_commitment(text=text, responsible=Responsible(country, committee),
                             start_on=_parse_date(start, "start_on"),
                             target_on=_parse_date(target, "target_on"), pillar=pillar,
                             action_package=package, written_in=language, now=utc_now(),
                             actor=Actor.cli())
    click.echo(f"Commitment {made.id} added (pillar {made.pillar}, {made.status.value}).")


@commitments.command("status")
@click.argument("commitment_id", type=int)
@click.argument("status", type=click.Choice(COMMITMENT_STATUSES))
@click.option("--reason", help="Required to drop a commitment; public.")
@click.option("--text", help="What the public timeline says about the change.")
@with_appcontext
@refuses_bad_input
def commitments_status(commitment_id: int, status: str, reason: str | None,
                       text: str | None) -> None:
    """Move a commitment to another status (on its public timeline)."""
    from coordinator.outcomes.commitments import set_status

    changed = set_status(commitment_id, status, text=text, reason=reason, now=utc_now(),
                         actor=Actor.cli())
    click.echo(f"Commitment {changed.id} is {changed.status.value}.")


@commitments.command("update")
@click.argument("commitment_id", type=int)
@click.option("--text", required=True, help="What happened.")
@click.option("--date", "dated", required=True, help="YYYY-MM-DD, not in the future.")
@click.option("--source-url", help="The address of a document saying so.")
@click.option("--source-text", help="The source in a few words, on one line.")
@click.option("--meeting", "meeting_id", type=int, help="Id of the meeting where it was said.")
@with_appcontext
@refuses_bad_input
def commitments_update(commitment_id: int, text: str, dated: str, source_url: str | None,
                       source_text: str | None, meeting_id: int | None) -> None:
    """Add a dated, sourced entry to a commitment's public timeline."""
    from coordinator.outcomes.commitments import add_update

    update = add_update(commitment_id, text=text, dated=_parse_date(dated, "dated"),
                        source_url=source_url, source_text=source_text,
                        source_meeting_id=meeting_id, now=utc_now(), actor=Actor.cli())
    click.echo(f"Update {update.id} added to commitment {commitment_id}'s timeline.")


@main.group()
def indicators() -> None:
    """Indicators of commitments: measured quantities and rated narratives."""


@indicators.command("add")
@click.argument("commitment_id", type=int)
@click.option("--kind", required=True, type=click.Choice(["quantitative", "qualitative"]))
@click.option("--name", required=True, help="What the indicator measures.")
@click.option("--unit", type=click.Choice(["number", "percent", "people", "money", "days",
                                           "other"]))
@click.option("--unit-label", help="What it counts, in words (required for 'other').")
@click.option("--baseline", help="The value at the start (quantitative).")
@click.option("--baseline-date", help="YYYY-MM-DD, not in the future.")
@click.option("--target", help="The value aimed at.")
@click.option("--direction", type=click.Choice(["increase", "decrease"]))
@with_appcontext
@refuses_bad_input
def indicators_add(commitment_id: int, kind: str, name: str, unit: str | None,
                   unit_label: str | None, baseline: str | None, baseline_date: str | None,
                   target: str | None, direction: str | None) -> None:
    """Add an indicator to a commitment."""
    from coordinator.outcomes.indicators import IndicatorSpec, add_indicator

    spec = IndicatorSpec(
        kind=kind, name=name, unit=unit, unit_label=unit_label,
        baseline=None if baseline is None else _number(baseline, "baseline"),
        baseline_on=_parse_date(baseline_date, "baseline_on") if baseline_date else None,
        target=None if target is None else _number(target, "target"), direction=direction)
    made = add_indicator(commitment_id, spec, now=utc_now(), actor=Actor.cli())
    click.echo(f"Indicator {made.id} added to commitment {commitment_id}.")


@indicators.command("measure")
@click.argument("indicator_id", type=int)
@click.option("--date", "dated", required=True, help="YYYY-MM-DD, not in the future.")
@click.option("--value", required=True)
@click.option("--source", required=True, help="Where the value comes from.")
@with_appcontext
@refuses_bad_input
def indicators_measure(indicator_id: int, dated: str, value: str, source: str) -> None:
    """Record a value of a quantitative indicator."""
    from coordinator.outcomes.indicators import add_measurement

    measured = add_measurement(indicator_id, dated=_parse_date(dated, "dated"),
                               value=_number(value, "value"), source=source, now=utc_now(),
                               actor=Actor.cli())
    click.echo(f"Measurement {measured.id} recorded: {measured.value:g} on "
               f"{measured.dated.isoformat()}.")


@indicators.command("assess")
@click.argument("indicator_id", type=int)
@click.option("--date", "dated", required=True, help="YYYY-MM-DD, not in the future.")
@click.option("--rating", required=True,
              type=click.Choice(["not-started", "off-track", "some-progress", "on-track",
                                 "achieved"]))
@click.option("--narrative", required=True, help="What the rating rests on.")
@click.option("--language", type=click.Choice(LANGUAGE_CODES),
              help="The language the narrative is written in.")
@with_appcontext
@refuses_bad_input
def indicators_assess(indicator_id: int, dated: str, rating: str, narrative: str,
                      language: str | None) -> None:
    """Rate a qualitative indicator, saying why."""
    from coordinator.outcomes.indicators import assess

    rated = assess(indicator_id, dated=_parse_date(dated, "dated"), rating=rating,
                   narrative=narrative, written_in=language, now=utc_now(),
                   actor=Actor.cli())
    click.echo(f"Assessment {rated.id} recorded: {rated.rating.value} on "
               f"{rated.dated.isoformat()}.")


@main.group()
def contributions() -> None:
    """What civil society proposed on commitments: indicators and evidence."""


@contributions.command("list")
@with_appcontext
def contributions_list() -> None:
    """Contributions waiting for a decision, oldest first."""
    from coordinator.outcomes.contributions import waiting_for

    for c in waiting_for(None):
        click.echo(f"{c.id}\t{c.kind.value}\tcommitment {c.commitment_id}\t"
                   f"{c.organisation.name}\t"
                   f"{_one_line(c.text)}")


@contributions.command("accept")
@click.argument("contribution_id", type=int)
@click.option("--reason", help="Published with the decision.")
@with_appcontext
@refuses_bad_input
def contributions_accept(contribution_id: int, reason: str | None) -> None:
    """Accept: a proposed indicator becomes an indicator, evidence a timeline entry."""
    from coordinator.outcomes.contributions import accept_contribution

    accepted = accept_contribution(contribution_id, reason=reason, now=utc_now(),
                                   actor=Actor.cli())
    made = (f"indicator {accepted.indicator_id}" if accepted.indicator_id is not None else
            f"timeline update {accepted.update_id}")
    click.echo(f"Contribution {accepted.id} accepted: {made}.")


@contributions.command("decline")
@click.argument("contribution_id", type=int)
@click.option("--reason", required=True, help="Public, and mailed to the contact.")
@with_appcontext
@refuses_bad_input
def contributions_decline(contribution_id: int, reason: str) -> None:
    """Decline with a public reason; the contact is told."""
    from coordinator.outcomes.contributions import decline_contribution

    declined = decline_contribution(contribution_id, reason=reason, now=utc_now(),
                                    actor=Actor.cli())
    click.echo(f"Contribution {declined.id} declined.")


@main.group("work-plan")
def work_plan() -> None:
    """The joint work plan of a regional meeting."""


@work_plan.command("publish")
@click.argument("plan_id", type=int)
@click.option("--what-changed", help="Required from the second version on.")
@with_appcontext
@refuses_bad_input
def work_plan_publish(plan_id: int, what_changed: str | None) -> None:
    """Publish a draft version of the plan (once its meeting has started)."""
    from coordinator.outcomes.commitments import publish_plan

    plan = publish_plan(plan_id, what_changed=what_changed, now=utc_now(), actor=Actor.cli())
    click.echo(f"Work plan {plan.id}, version {plan.version}, published with "
               f"{len(plan.entries)} commitment(s).")


@main.group()
def documents() -> None:
    """Documents attached to minutes, agenda items, commitments and proposals."""


@documents.command("attach")
@click.argument("subject", type=click.Choice(["minutes", "agenda_item", "commitment",
                                             "proposal"]))
@click.argument("subject_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--private", is_flag=True, help="Never shown to the public.")
@with_appcontext
@refuses_bad_input
def documents_attach(subject: str, subject_id: int, path: str, private: bool) -> None:
    """Attach a file (checked as every door checks it: kind, size, name)."""
    import os

    from coordinator.documents.services import attach, read_bounded

    with open(path, "rb") as stream:
        data = read_bounded(stream)
    row = attach(subject, subject_id, os.path.basename(path), data, now=utc_now(),
                 actor=Actor.cli(), public=not private)
    click.echo(f"Document {row.id} ({row.content_type}, {row.size} bytes) attached to "
               f"{subject} {subject_id}.")


@documents.command("list")
@click.argument("subject", type=click.Choice(["minutes", "agenda_item", "commitment",
                                             "proposal"]))
@click.argument("subject_id", type=int)
@with_appcontext
def documents_list(subject: str, subject_id: int) -> None:
    """A subject's documents."""
    from coordinator.documents.services import documents_of

    for row in documents_of(subject, subject_id):
        click.echo(f"{row.id}\t{row.filename}\t{row.content_type}\t{row.size}\t"
                   f"{'public' if row.public else 'private'}")


@documents.command("remove")
@click.argument("document_id", type=int)
@with_appcontext
@refuses_bad_input
def documents_remove(document_id: int) -> None:
    """Delete a document and its bytes."""
    from coordinator.documents.services import remove

    remove(document_id, now=utc_now(), actor=Actor.cli())
    click.echo(f"Document {document_id} removed.")


@main.group()
def suggestions() -> None:
    """Moderate the topics participants suggested."""


@suggestions.command("list")
@click.argument("meeting_id", type=int)
@with_appcontext
def suggestions_list(meeting_id: int) -> None:
    """Every suggestion of a meeting with its state."""
    from coordinator.agendas.moderation import suggestions_for

    for s in suggestions_for(meeting_id):
        held = " (held)" if s.decided_at and not s.released_at else ""
        click.echo(f"{s.id}\t{s.state.value}{held}\t{s.contact.organisation.name}\t{s.title}")


@suggestions.command("decide")
@click.argument("suggestion_id", type=int)
@click.argument("decision", type=click.Choice(["accept", "decline", "defer", "merge"]))
@click.option("--reason", help="Required to decline; sent to the proposer and published.")
@click.option("--into", type=int, help="With merge: the suggestion it joins.")
@with_appcontext
@refuses_bad_input
def suggestions_decide(suggestion_id: int, decision: str, reason: str | None,
                       into: int | None) -> None:
    """Accept (onto the agenda), decline with a reason, defer, or merge a suggestion."""
    from coordinator.agendas.moderation import decide_suggestion

    decide_suggestion(suggestion_id, decision, reason=reason, into_id=into, now=utc_now(),
                      actor=Actor.cli())
    click.echo(f"Suggestion {suggestion_id}: {decision} recorded.")


@suggestions.command("release")
@click.argument("meeting_id", type=int)
@with_appcontext
@refuses_bad_input
def suggestions_release(meeting_id: int) -> None:
    """Announce every held outcome of a meeting at once."""
    from coordinator.agendas.suggestions import release_outcomes

    click.echo(f"{release_outcomes(meeting_id, now=utc_now(), actor=Actor.cli())} outcomes "
               "released.")


@suggestions.command("hold")
@click.argument("meeting_id", type=int)
@click.option("--off", is_flag=True, help="Tell each proposer as soon as their topic is "
              "decided (outcomes already held stay held until released).")
@with_appcontext
@refuses_bad_input
def suggestions_hold(meeting_id: int, off: bool) -> None:
    """Hold a meeting's outcomes until they are announced together with `release`."""
    from coordinator.agendas.moderation import hold_outcomes

    hold_outcomes(meeting_id, not off, now=utc_now(), actor=Actor.cli())
    click.echo(f"Meeting {meeting_id}: outcomes " + ("announced as decided." if off else
                                                     "held until released."))


@main.group()
def proposals() -> None:
    """Written proposals to a committee: consider, answer, put on a briefing's agenda."""


@proposals.command("list")
@click.argument("committee")
@with_appcontext
@refuses_bad_input
def proposals_list(committee: str) -> None:
    """Every proposal to a committee (by slug) with its state."""
    from coordinator.agendas.proposals import proposals_to
    from coordinator.reference.services import committee_by_slug

    rows, _ = proposals_to(committee_by_slug(committee).id)
    for p in rows:
        click.echo(f"{p.id}\t{p.state.value}\t{p.contact.organisation.name}\t{p.title}")


@proposals.command("consider")
@click.argument("proposal_id", type=int)
@with_appcontext
@refuses_bad_input
def proposals_consider(proposal_id: int) -> None:
    """Tell the proposer their proposal is under consideration."""
    from coordinator.agendas.proposals import consider_proposal

    consider_proposal(proposal_id, now=utc_now(), actor=Actor.cli())
    click.echo(f"Proposal {proposal_id}: under consideration.")


@proposals.command("agenda")
@click.argument("proposal_id", type=int)
@click.option("--meeting", "meeting_id", type=int,
              help="One of the committee's briefings ahead (default: the next).")
@with_appcontext
@refuses_bad_input
def proposals_agenda(proposal_id: int, meeting_id: int | None) -> None:
    """Put a proposal on the agenda draft of a briefing."""
    from coordinator.agendas.proposals import add_proposal_to_agenda

    placed = add_proposal_to_agenda(proposal_id, meeting_id=meeting_id, now=utc_now(),
                                    actor=Actor.cli())
    click.echo(f"Proposal {proposal_id}: on the agenda of meeting {placed.meeting_id}.")


@proposals.command("answer")
@click.argument("proposal_id", type=int)
@click.option("--answer", required=True, help="Mailed to the proposer and published.")
@with_appcontext
@refuses_bad_input
def proposals_answer(proposal_id: int, answer: str) -> None:
    """Answer a proposal in writing."""
    from coordinator.agendas.proposals import answer_proposal

    answer_proposal(proposal_id, answer, now=utc_now(), actor=Actor.cli())
    click.echo(f"Proposal {proposal_id}: answered.")


@main.group()
def contact() -> None:
    """Contacts of organisations: correct a name, an address, a language or a zone."""


@contact.command("edit")
@click.argument("contact_id", type=int)
@click.option("--name", help="The person's name.")
@click.option("--email", help="A new address; mail that failed to the old one goes again.")
@click.option("--language", help="en, es, pt, fr or ht.")
@click.option("--zone", help="An IANA time zone of the Declaration's countries, or UTC.")
@click.option("--active/--inactive", default=None, help="Whether the contact receives mail.")
@with_appcontext
@refuses_bad_input
def contact_edit(contact_id: int, name: str | None, email: str | None, language: str | None,
                 zone: str | None, active: bool | None) -> None:
    """Correct a contact (only the options given change)."""
    from coordinator.people.editing import edit_contact

    edited = edit_contact(contact_id, name=name, email=email, language=language, zone=zone,
                          active=active, now=utc_now(), actor=Actor.cli())
    found = edited.contact
    click.echo(f"Contact {found.id}: {found.name} <{found.email}>, {found.language}, "
               f"{found.zone}, {'active' if found.active else 'inactive'}."
               + (f" {edited.requeued} failed message(s) queued again." if edited.requeued
                  else ""))


@main.group()
def organisation() -> None:
    """Organisations: correct a name, a website or the countries where one works."""


@organisation.command("edit")
@click.argument("organisation_id", type=int)
@click.option("--name", help="The organisation's name.")
@click.option("--website", help="An http(s) address; an empty string removes it.")
@click.option("--country", "countries", multiple=True,
              help="ISO code of a country where it works (repeat; replaces the list).")
@with_appcontext
@refuses_bad_input
def organisation_edit(organisation_id: int, name: str | None, website: str | None,
                      countries: tuple[str, ...]) -> None:
    """Correct an organisation (only the options given change)."""
    from coordinator.people.editing import edit_organisation

    found = edit_organisation(organisation_id, name=name, website=website,
                              countries=list(countries) or None, now=utc_now(),
                              actor=Actor.cli())
    click.echo(f"Organisation {found.id}: {found.name}, "
               f"{', '.join(sorted(c.iso for c in found.countries))}.")
