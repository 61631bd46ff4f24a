"""Reminders at the series' offsets, and the secretariat's weekly digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from babel import Locale
from flask_babel import force_locale, gettext
from sqlalchemy import select

from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.services import move_meeting
from coordinator.models import Account, Answer, Invitation, OutboxMessage, Role
from coordinator.period_names import period_name
from coordinator.tracking.digest import send_weekly_digest
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world


def reminder_keys() -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.kind == "reminder")))


def test_reminders_go_out_7_days_and_1_day_before_except_to_those_who_declined(seeded) -> None:
    world = make_world(NOW)
    meeting = world.first  # 10 December 2026, 10:00 Guatemala
    declined = db.session.scalars(select(Invitation).limit(1)).one()
    declined.answer = Answer.DECLINED
    db.session.commit()
    seven = wall_clock(date(2026, 12, 3), time(10), get_zone("America/Guatemala"))
    run_due_deadlines(now=seven - timedelta(minutes=1))
    assert reminder_keys() == []
    run_due_deadlines(now=seven + timedelta(minutes=1))
    assert len(reminder_keys()) == len(PEOPLE) - 1
    run_due_deadlines(now=seven + timedelta(hours=1))
    assert len(reminder_keys()) == len(PEOPLE) - 1  # once only
    one = seven + timedelta(days=6)
    run_due_deadlines(now=one + timedelta(minutes=1))
    keys = reminder_keys()
    assert len(keys) == 2 * (len(PEOPLE) - 1)
    assert all(f"meeting:{meeting.id}:" in k for k in keys)
    assert {k.split(":days:")[1].split(":")[0] for k in keys} == {"7", "1"}


def test_a_moved_meeting_is_reminded_again_before_its_new_date(seeded) -> None:
    world = make_world(NOW, people=PEOPLE[:1])
    meeting = world.first
    seven = meeting.start_at - timedelta(days=7)
    run_due_deadlines(now=seven + timedelta(minutes=1))
    assert len(reminder_keys()) == 1
    new_start = wall_clock(date(2026, 12, 20), time(10), get_zone("America/Guatemala"))
    move_meeting(meeting.id, new_start, now=seven + timedelta(hours=1), actor=Actor.cli())
    run_due_deadlines(now=new_start - timedelta(days=7, minutes=1))
    assert len(reminder_keys()) == 1
    run_due_deadlines(now=new_start - timedelta(days=7, minutes=-1))
    assert len(reminder_keys()) == 2  # same offset, new SEQUENCE in the key


def test_the_weekly_digest_goes_once_a_week_to_the_secretariat(seeded, mailed) -> None:
    secretariat = Account(name="Secretaría", email="secretaria@example.org",
                          role=Role.SECRETARIAT, language="es", zone="America/Panama",
                          created_at=NOW)
    db.session.add(secretariat)
    db.session.commit()
    make_world(NOW)
    sunday = datetime(2026, 11, 29, 20, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 14, tzinfo=UTC)  # 09:00 in Panama
    assert send_weekly_digest(now=sunday) == 1  # this week's (since Monday 23rd)
    assert send_weekly_digest(now=sunday + timedelta(hours=1)) == 0
    assert send_weekly_digest(now=monday) == 1  # a new week
    assert send_weekly_digest(now=monday + timedelta(days=2)) == 0
    dispatch(monday)
    received = mailed.wait_for(len(PEOPLE) + 2)
    digests = [r for r in received if r.recipients == ["secretaria@example.org"]]
    assert len(digests) == 2
    body = digests[0].message.get_body(("plain",)).get_content()
    assert "GT" not in body or "2026" in body  # missed periods are listed with their year
    with force_locale("es"):  # the secretariat reads Spanish; periods are said in words
        missed = gettext("%(who)s: %(period)s", who=Locale.parse("es").territories["AR"],
                         period=period_name("quarter", 2026, 1))
    assert missed in body  # Argentina held no national meeting in the first quarter
