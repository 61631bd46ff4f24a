"""The compliance rule on a hand-made year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coordinator.cadence.compliance import (
    AgendaState,
    MeetingFact,
    PeriodState,
    agenda_record,
    compliance,
)
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import get_zone

GT = get_zone("America/Guatemala")
NOW = datetime(2027, 8, 10, 12, tzinfo=UTC)


def fact(i: int, kind: SeriesKind, when: datetime, *, country: str | None = None,
         committee: str | None = None, cancelled: bool = False,
         published: datetime | None = None, held: bool | None = True) -> MeetingFact:
    """`held` is the attendance register (True by default here: a past meeting in these
    cases was recorded as held; None: nobody recorded it)."""
    return MeetingFact(i, kind, when.astimezone(UTC), when.tzinfo.key, cancelled,  # type: ignore[union-attr]
                       agenda_due=when - timedelta(days=14), agenda_published_at=published,
                       country=country, committee=committee, held=held)


def test_quarters_half_years_and_agendas_of_a_hand_made_year() -> None:
    facts = [
        # Guatemala: Q1 held, Q2 only a cancelled meeting, Q3 scheduled ahead, Q4 nothing yet.
        fact(1, SeriesKind.NATIONAL, datetime(2027, 2, 10, 10, tzinfo=GT), country="GT",
             published=datetime(2027, 1, 20, tzinfo=UTC)),
        fact(2, SeriesKind.NATIONAL, datetime(2027, 5, 10, 10, tzinfo=GT), country="GT",
             cancelled=True),
        fact(3, SeriesKind.NATIONAL, datetime(2027, 9, 1, 10, tzinfo=GT), country="GT"),
        # 31 March 23:30 in Guatemala is already 1 April in UTC: it counts for Q1 locally.
        fact(4, SeriesKind.NATIONAL, datetime(2027, 3, 31, 23, 30, tzinfo=GT), country="MX",
             published=datetime(2027, 3, 25, tzinfo=UTC)),
        fact(5, SeriesKind.COMMITTEE, datetime(2027, 6, 1, 10, tzinfo=GT),
             committee="labor-mobility"),
        # A committee meeting of another kind never counts for the national cadence.
        fact(6, SeriesKind.EXTRAORDINARY, datetime(2027, 4, 1, 10, tzinfo=GT), country="GT"),
    ]
    report = compliance(2027, ["GT", "MX"], ["labor-mobility", "combatting-xenophobia"],
                        facts, NOW)
    assert [c.state for c in report.countries["GT"]] == [
        PeriodState.HELD, PeriodState.MISSED, PeriodState.SCHEDULED, PeriodState.DUE]
    assert report.countries["GT"][0].meeting_ids == (1,)
    assert [c.state for c in report.countries["MX"]] == [
        PeriodState.HELD, PeriodState.MISSED, PeriodState.DUE, PeriodState.DUE]
    assert [c.state for c in report.committees["labor-mobility"]] == [
        PeriodState.HELD, PeriodState.DUE]
    assert [c.state for c in report.committees["combatting-xenophobia"]] == [
        PeriodState.MISSED, PeriodState.DUE]
    agendas = {a.meeting_id: a for a in report.agendas}
    assert 2 not in agendas  # cancelled meetings need no agenda
    assert agendas[1].state == AgendaState.ON_TIME
    assert agendas[1].lead_days == 21 + 16 / 24  # 10:00 Guatemala is 16:00 UTC
    assert agendas[4].state == AgendaState.LATE
    assert abs(agendas[4].days_late - (6 + 18.5 / 24)) < 1e-9  # due 18 March 05:30 UTC
    assert agendas[5].state == AgendaState.MISSING
    assert agendas[3].state == AgendaState.PENDING


def test_agenda_due_today_but_not_published_is_pending_until_due() -> None:
    start = datetime(2027, 9, 1, 10, tzinfo=GT)
    f = fact(1, SeriesKind.NATIONAL, start, country="GT")
    assert agenda_record(f, f.agenda_due - timedelta(minutes=1)).state == AgendaState.PENDING
    assert agenda_record(f, f.agenda_due + timedelta(minutes=1)).state == AgendaState.MISSING


def test_a_past_meeting_is_held_only_when_recorded_as_held() -> None:
    """The attendance register, not the calendar, says a meeting was held."""
    def state(*facts: MeetingFact, now: datetime = NOW) -> PeriodState:
        return compliance(2027, ["GT"], [], list(facts), now).countries["GT"][1].state

    may = datetime(2027, 5, 10, 10, tzinfo=GT)
    june = datetime(2027, 6, 20, 10, tzinfo=GT)
    nat = SeriesKind.NATIONAL
    assert state(fact(1, nat, may, country="GT", held=None)) == PeriodState.UNRECORDED
    assert state(fact(1, nat, may, country="GT", held=True)) == PeriodState.HELD
    # Recorded as not held: the quarter is over without a meeting.
    assert state(fact(1, nat, may, country="GT", held=False)) == PeriodState.MISSED
    # One held is enough; one awaiting its record outweighs one ahead.
    assert state(fact(1, nat, may, country="GT", held=False),
                 fact(2, nat, june, country="GT", held=True)) == PeriodState.HELD
    during = datetime(2027, 6, 1, tzinfo=UTC)
    assert state(fact(1, nat, may, country="GT", held=None),
                 fact(2, nat, june, country="GT", held=None), now=during) == \
        PeriodState.UNRECORDED
    assert state(fact(1, nat, may, country="GT", held=False),
                 fact(2, nat, june, country="GT", held=None), now=during) == \
        PeriodState.SCHEDULED
    # A meeting recorded as not held still appears in the cell, with the others.
    cell = compliance(2027, ["GT"], [], [fact(2, nat, june, country="GT", held=None),
                                         fact(1, nat, may, country="GT", held=False)],
                      NOW).countries["GT"][1]
    assert cell.meeting_ids == (1, 2)
