"""The `coordinator` command: Flask's commands plus ours (seed, demo, compliance, series, ...)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date, time
from typing import Any, TypeVar

import click
from flask.cli import FlaskGroup, with_appcontext

from coordinator import create_app
from coordinator.cadence.compliance import AgendaState, ComplianceReport
from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.rest_days import Shift
from coordinator.cadence.zones import get_zone, utc_now
from coordinator.errors import Refusal
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
@with_appcontext
@refuses_bad_input
def rsvps(meeting_id: int) -> None:
    """Answers and interpretation needs for one meeting."""
    from coordinator.invitations.rsvp import rsvp_summary

    summary = rsvp_summary(meeting_id)
    click.echo(", ".join(f"{k}: {v}" for k, v in summary.answers.items()))
    for language, count in summary.interpretation_into.items():
        click.echo(f"interpretation into {language}: {count}")
    for language, count in summary.speaks.items():
        click.echo(f"will speak {language}: {count}")


@main.command()
@click.option("--year", type=click.IntRange(2022, 2100), required=True)
@with_appcontext
def compliance(year: int) -> None:
    """Print who kept the cadence in YEAR: quarters, half-years and agendas."""
    from coordinator.tracking.compliance import compliance_report

    click.echo(format_compliance(compliance_report(year, now=utc_now())))


SYMBOLS = {"held": "held", "scheduled": "sched", "missed": "MISSED", "due": "due"}


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
    lines += ["", f"Agendas {report.year}: " + ", ".join(f"{v} {k}" for k, v in counts.items())]
    for record in late:
        lines.append(
            f"  meeting {record.meeting_id}: {record.state} by {record.days_late:.1f} days")
    return "\n".join(lines)


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Refused(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD.") from exc


def _parse_time(value: str) -> time:
    try:
        parsed = time.fromisoformat(value)
    except ValueError as exc:
        raise Refused(f"time: {value!r} is not a time of day; write it as HH:MM.") from exc
    if parsed.tzinfo is not None:
        raise Refused("time: give the wall-clock time without an offset; use --zone.")
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
        raise Refused("reminders: give whole days separated by commas, e.g. 7,1.") from exc
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
    click.echo(f"Series {created.id} scheduled with {len(created.meetings)} meetings.")


def _moved(shift: Shift | None) -> str:
    if shift is None:
        return ""
    why = shift.holiday or "weekend"
    return f"  (moved from {shift.original:%a} {shift.original.isoformat()}: {why})"


@series.command("change-rule")
@click.argument("series_id", type=int)
@click.option("--from", "effective_from", required=True, help="YYYY-MM-DD")
@click.option("--rrule", required=True)
@click.option("--time", "at", required=True)
@click.option("--zone", required=True)
@click.option("--duration", type=int, default=90, show_default=True)
@click.option("--first-date", "first_date", help="The new rule's first date (default --from).")
@with_appcontext
@refuses_bad_input
def series_change_rule(series_id: int, effective_from: str, rrule: str, at: str, zone: str,
                       duration: int, first_date: str | None) -> None:
    """Change a series' rule from a date on; past and moved meetings stay."""
    from coordinator.meetings.series import RuleChange, change_rule

    change = RuleChange(
        effective_from=_parse_date(effective_from, "from"), start_time=_parse_time(at),
        zone=zone, duration_minutes=duration, rrule=rrule,
        first_date=_parse_date(first_date, "first-date") if first_date else None,
    )
    changed = change_rule(series_id, change, now=utc_now(), actor=Actor.cli())
    click.echo(f"Series {changed.id}: rule changed from {change.effective_from}.")


@series.command("invite")
@click.argument("series_id", type=int)
@click.option("--organisation", "organisation_id", type=int, required=True,
              help="An approved organisation's id.")
@click.option("--role", type=click.Choice(["invited", "observer", "representative"]),
              default="invited", show_default=True,
              help="observer: coordinators' meetings; representative: committee briefings.")
@with_appcontext
@refuses_bad_input
def series_invite(series_id: int, organisation_id: int, role: str) -> None:
    """Invite an organisation to every meeting of a series."""
    from coordinator.invitations.participants import add_participant

    added = add_participant(now=utc_now(), actor=Actor.cli(), series_id=series_id,
                            organisation_id=organisation_id, role=role)
    click.echo(f"Participant {added.id} invited to series {series_id} as {added.role.value}.")


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
@with_appcontext
@refuses_bad_input
def meeting_move(meeting_id: int, day: str, at: str, zone: str | None, duration: int | None,
                 reason: str | None) -> None:
    """Move one meeting to another date and time."""
    from coordinator.cadence.recurrence import wall_clock
    from coordinator.meetings.reads import find_meeting
    from coordinator.meetings.services import move_meeting

    found = find_meeting(meeting_id)
    start = wall_clock(_parse_date(day, "date"), _parse_time(at), get_zone(zone or found.zone))
    moved = move_meeting(meeting_id, start, now=utc_now(), actor=Actor.cli(),
                         duration_minutes=duration, zone=zone, reason=reason)
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


@agenda.command("add")
@click.argument("meeting_id", type=int)
@click.option("--title", required=True)
@click.option("--kind", type=click.Choice(["progress", "cso-proposal", "discussion", "other"]),
              default="discussion", show_default=True)
@click.option("--presenter")
@click.option("--duration", type=int, default=15, show_default=True)
@click.option("--language", type=click.Choice(["en", "es", "pt", "fr", "ht"]))
@with_appcontext
@refuses_bad_input
def agenda_add(meeting_id: int, title: str, kind: str, presenter: str | None, duration: int,
               language: str | None) -> None:
    """Add an item to the draft agenda."""
    from coordinator.agendas.services import add_item

    item = add_item(meeting_id, now=utc_now(), actor=Actor.cli(), kind=kind, title=title,
                    presenter=presenter, duration=duration, language=language)
    click.echo(f"Item {item.id} added at position {item.position}.")


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
