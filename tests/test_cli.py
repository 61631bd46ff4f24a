"""The `coordinator` command: seed, demo, compliance, series and meetings, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from sqlalchemy import func, select

from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    OutboxMessage,
    Series,
)
from coordinator.unit import Actor


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def _assert_the_demo_work_plan_is_alive(now: datetime) -> None:
    """Issue 16: the joint work plan published at a past regional meeting, measured since."""
    from coordinator.models import Account, Role
    from coordinator.outcomes.models import (
        CommitmentStatus,
        CommitmentUpdate,
        Contribution,
        ContributionKind,
        ContributionState,
        Indicator,
        IndicatorKind,
        PlanState,
        WorkPlan,
    )

    today = now.date()
    plan = db.session.scalars(select(WorkPlan)).one()
    assert plan.state == PlanState.PUBLISHED and plan.meeting.end_at < now
    assert plan.meeting.series.kind == SeriesKind.REGIONAL
    commitments = [entry.commitment for entry in plan.entries]
    assert len(commitments) >= 8
    assert len({c.country_id for c in commitments if c.country_id is not None}) >= 5
    assert len({c.committee_id for c in commitments if c.committee_id is not None}) >= 3
    assert {c.pillar for c in commitments} == {"I", "II", "III"}
    assert all(c.made_at_id == plan.meeting_id and c.indicators for c in commitments)
    assert {CommitmentStatus.ACHIEVED, CommitmentStatus.IN_PROGRESS,
            CommitmentStatus.PLANNED} <= {c.status for c in commitments}
    indicators = [i for c in commitments for i in c.indicators]
    qualitative = [i for i in indicators if i.kind == IndicatorKind.QUALITATIVE]
    assert len(qualitative) == 1 and len(qualitative[0].assessments) == 2
    for indicator in indicators:
        if indicator.kind == IndicatorKind.QUANTITATIVE:
            days = sorted(m.dated for m in indicator.measurements)
            assert 3 <= len(days) <= 5, indicator.name
            assert indicator.baseline_on is not None and indicator.baseline_on <= days[0]
            assert days[-1] < today and len(set(days)) == len(days)  # months apart
    updates = db.session.scalars(select(CommitmentUpdate)).all()
    assert len([u for u in updates if u.status is None]) >= 3  # beyond status changes
    assert len([u for u in updates if u.status is not None]) >= 5
    # One indicator proposed by civil society, accepted with a public reason.
    proposed = db.session.scalars(select(Indicator).where(
        Indicator.proposed_by_id.is_not(None))).one()
    assert proposed.proposed_by is not None
    assert proposed.proposed_by.name == "Fundación Puentes Andinos"
    assert len(proposed.measurements) >= 3
    contribution = db.session.scalars(select(Contribution)).one()
    assert (contribution.kind, contribution.state) == (ContributionKind.INDICATOR,
                                                       ContributionState.ACCEPTED)
    assert contribution.indicator_id == proposed.id and contribution.reason
    assert contribution.organisation_id == proposed.proposed_by_id
    keeper = db.session.get(Account, contribution.decided_by_id)
    assert keeper is not None and keeper.role == Role.SPECIAL_COORDINATOR
    assert keeper.country is not None and keeper.country.iso == "CO"


def test_seed_loads_reference_data_once(app) -> None:
    first = run(app, "seed")
    assert first.exit_code == 0 and "23 new countries, 11 new committees" in first.output
    again = run(app, "seed")
    assert "0 new countries, 0 new committees" in again.output
    spain = db.session.scalars(select(Country).where(Country.iso == "ES")).one()
    assert not spain.is_signatory and spain.capital_zone == "Europe/Madrid"
    haiti = db.session.scalars(select(Country).where(Country.iso == "HT")).one()
    assert haiti.languages == ["ht", "fr"]


@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False)
def test_demo_shows_a_living_system_and_loads_once(app) -> None:
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Series.id))) == 16
    assert db.session.scalar(select(func.count(Organisation.id))) == 14
    past = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.start_at < datetime(2026, 11, 22, tzinfo=UTC)))
    ahead = db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.start_at > datetime(2026, 11, 22, tzinfo=UTC)))
    assert past > 20 and ahead > 40
    # Meetings inside the invitation window already have their invitations queued.
    invites = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "invite"))
    assert invites > 20
    # A meeting with a published agenda, and one whose suggestion window is open: its
    # invited contacts get their personal links at the first deadline tick.
    assert db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.published_agenda.is_not(None))) == 1
    from coordinator.invitations.deadlines import run_due_deadlines

    run_due_deadlines(now=datetime(2026, 11, 22, 12, 1, tzinfo=UTC))
    links = db.session.scalars(select(OutboxMessage.recipient).where(
        OutboxMessage.kind == "suggest-link")).all()
    assert "ana.ixcot@example.org" in links  # Guatemala's meeting in 30 days
    assert "already loaded" in run(app, "demo").output
    assert db.session.scalar(select(func.count(Series.id))) == 16
    # Issue 16: minutes out for two past meetings, action items open and overdue.
    from coordinator.cadence.zones import utc_now
    from coordinator.outcomes.action_items import overdue_items
    from coordinator.outcomes.models import ActionItem, MinutesVersion

    assert db.session.scalar(select(func.count(MinutesVersion.id))) == 2
    assert db.session.scalar(select(func.count(ActionItem.id))) == 4
    assert len(overdue_items(utc_now())) == 2
    _assert_the_demo_work_plan_is_alive(datetime(2026, 11, 22, 12, tzinfo=UTC))

    table = run(app, "compliance", "--year", "2027").output
    lines = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
    assert lines["GT"] == ["sched"] * 4  # every quarter of 2027 has its meeting
    assert lines["PE"] == ["due"] * 4  # Peru has no series yet
    assert lines["labor-mobility"] == ["sched", "sched"]
    assert lines["countering-smuggling"] == ["due", "due"]
    year_2026 = run(app, "compliance", "--year", "2026").output
    assert "missing" in year_2026 and "late" in year_2026


@time_machine.travel(datetime(2027, 8, 10, 12, tzinfo=UTC), tick=False)
def test_compliance_table_on_a_hand_made_case(app) -> None:
    run(app, "seed")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    gt = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                     first_date=date(2027, 2, 10), start_time=time(10),
                                     zone="America/Guatemala", rrule="FREQ=MONTHLY;INTERVAL=3"),
                         now=now, actor=Actor.cli())
    may = next(m for m in gt.meetings if m.start_local.month == 5)
    may.status = MeetingStatus.CANCELLED
    feb = next(m for m in gt.meetings if m.start_local.month == 2)
    feb.agenda_published_at = datetime(2027, 1, 20, tzinfo=UTC)
    db.session.commit()
    # Held only once recorded: the February meeting is awaiting its record until then.
    before = {line.split()[0]: line.split()[1:] for line in
              run(app, "compliance", "--year", "2027").output.splitlines() if line.strip()}
    assert before["GT"] == ["unrec", "MISSED", "sched", "sched"]
    assert run(app, "attendance", "record", str(feb.id), "--held").exit_code == 0
    out = run(app, "compliance", "--year", "2027").output
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    assert rows["GT"] == ["held", "MISSED", "sched", "sched"]
    assert rows["MX"] == ["MISSED", "MISSED", "due", "due"]
    assert rows["labor-mobility"] == ["MISSED", "due"]
    assert "ES" not in rows  # Spain is a partner, not a signatory
    # August: due 27 July, meeting later today, agenda still missing; November pending.
    assert "Agendas 2027: 1 on-time, 0 late, 1 missing, 1 pending" in out
    assert "missing by 13.8 days" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rrule", "FREQ=HOURLY"], "more frequent than daily"),
        (["--rrule", "FREQ=MONTHLY;BYDAY=XX"], "cannot be read"),
        (["--zone", "Mars/Olympus"], "Unknown time zone"),
        (["--rrule", "FREQ=MONTHLY;UNTIL=20200101"], "before the series starts"),
        (["--duration", "1500"], "at most 24 hours"),
        (["--open-days", "10", "--close-days", "20"], "wrong order"),
        (["--time", "25:00"], "not a time of day"),
        (["--first-date", "2027-02-30"], "not a date"),
        (["--country", "XX"], "Unknown country"),
    ],
)
def test_series_add_refuses_bad_input_with_exit_2(app, args: list[str], words: str) -> None:
    run(app, "seed")
    base = {"--kind": "national", "--country": "GT", "--first-date": "2027-01-15",
            "--time": "10:00", "--zone": "America/Guatemala"}
    for name, value in zip(args[::2], args[1::2], strict=True):
        base[name] = value
    argv = ["series", "add", *[x for pair in base.items() for x in pair]]
    result = app.test_cli_runner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert db.session.scalar(select(func.count(Series.id))) == 0


@time_machine.travel(datetime(2026, 11, 22, 12, tzinfo=UTC), tick=False)
def test_series_add_preview_move_and_cancel_from_the_command_line(app) -> None:
    run(app, "seed")
    common = ["--kind", "national", "--country", "GT", "--first-date", "2027-01-01",
              "--time", "10:00", "--zone", "America/Guatemala"]
    preview = run(app, "series", "add", *common, "--dry-run")
    assert "2027-01-04 Mon 10:00 CST  (moved from Fri 2027-01-01: New Year's Day)" in preview.output
    assert db.session.scalar(select(func.count(Series.id))) == 0
    added = run(app, "series", "add", *common)
    assert added.exit_code == 0 and "scheduled with 6 meetings" in added.output
    first = db.session.scalars(select(Meeting).order_by(Meeting.start_at)).first()
    assert first is not None
    moved = run(app, "meeting", "move", str(first.id), "--date", "2027-01-12", "--time", "15:00")
    assert "moved to 2027-01-12 15:00 CST" in moved.output
    assert run(app, "meeting", "cancel", str(first.id), "--reason", "x").exit_code == 0
    again = app.test_cli_runner().invoke(main, ["meeting", "cancel", str(first.id)])
    assert again.exit_code == 2 and "cancelled" in again.output
    missing = app.test_cli_runner().invoke(main, ["meeting", "cancel", "424242"])
    assert missing.exit_code == 2 and "No meeting 424242" in missing.output


def test_account_create_opens_an_account_and_prints_its_set_up_link(seeded) -> None:
    from coordinator.models import Account, OutboxMessage

    done = run(seeded, "account", "create", "--email", "chef@example.org", "--name", "Chef",
               "--role", "special-coordinator", "--country", "HT", "--language", "fr")
    assert done.exit_code == 0, done.output
    assert "https://coordinator.test/password/" in done.output
    assert db.session.scalar(select(OutboxMessage.recipient)) == "chef@example.org"
    refused = run(seeded, "account", "create", "--email", "x@example.org", "--name", "X",
                  "--role", "special-coordinator", "--country", "ZZ")
    assert refused.exit_code == 2 and "country" in refused.output
    again = run(seeded, "account", "create", "--email", "CHEF@example.org", "--name", "Chef",
                "--role", "secretariat")
    assert again.exit_code == 2
    assert db.session.scalar(select(func.count(Account.id))) == 1
