"""The weekly digest to the secretariat: late agendas and missed cadence."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale, format_date
from sqlalchemy import select

from coordinator.cadence.compliance import AgendaState, Cell, PeriodState
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.extensions import db
from coordinator.i18n import supported_language
from coordinator.mail.outbox import already_queued, enqueue
from coordinator.models import Account, Committee, Country, Meeting, Role
from coordinator.outcomes.action_items import overdue_items
from coordinator.outcomes.reads import owner_label
from coordinator.period_names import name_of_period
from coordinator.present import committee_name, country_name, reading_order, series_title
from coordinator.tracking.compliance import compliance_report
from coordinator.tracking.messages import digest_key, digest_message
from coordinator.unit import Actor, unit_of_work

SEND_AFTER_HOUR = 8  # Monday 08:00 in the reader's zone


def digest_content(now: datetime, language: str) -> dict:
    """What the digest says, in the reader's language: agendas late or missing, periods
    missed this year so far, and action items past their due date. Countries, committees,
    periods and dates are named as a reader says them, never as ISO codes, slugs, "Q1" or
    ISO dates."""
    report = compliance_report(now.year, now=now)
    late = [r for r in report.agendas if r.state in (AgendaState.LATE, AgendaState.MISSING)
            and r.days_late > 0]
    with force_locale(language):
        late_items = []
        for record in late:
            meeting = db.session.get(Meeting, record.meeting_id)
            if meeting is None:
                continue
            late_items.append({"title": series_title(meeting.series),
                               "date": format_date(meeting.start_local.date(), "long"),
                               "state": record.state.value, "days": round(record.days_late)})
        countries = {c.iso: country_name(c) for c in db.session.scalars(select(Country))}
        committees = {c.slug: committee_name(c) for c in db.session.scalars(select(Committee))}
        missed = (_missed(report.countries, countries)
                  + _missed(report.committees, committees))
        overdue = [{"text": " ".join(item.text.split()), "owner": owner_label(item),
                    "series": series_title(item.series),
                    "due": format_date(item.due_on, "long")} for item in overdue_items(now)]
    return {"late_agendas": late_items, "missed": missed, "overdue": overdue}


def _missed(table: dict[str, list[Cell]], names: dict[str, str]) -> list[dict[str, str]]:
    """The missed periods of one table, by the reader's name of who missed them."""
    rows = [(names.get(key, key), cell) for key, cells in table.items() for cell in cells
            if cell.state == PeriodState.MISSED]
    rows.sort(key=lambda row: (reading_order(row[0]), row[1].period))
    return [{"who": who, "period": name_of_period(cell.period)} for who, cell in rows]


def send_weekly_digest(*, now: datetime) -> int:
    """Queue this ISO week's digest for each secretariat account, once, after Monday 08:00."""
    ensure_aware(now, "now")
    queued = 0
    accounts = db.session.scalars(select(Account).where(Account.role == Role.SECRETARIAT,
                                                        Account.active.is_(True))).all()
    for account in accounts:
        local = now.astimezone(get_zone(account.zone))
        monday = (local - timedelta(days=local.weekday())).replace(
            hour=SEND_AFTER_HOUR, minute=0, second=0, microsecond=0)
        if local < monday:
            continue
        if already_queued(db.session, digest_key(account, now)):
            continue
        with unit_of_work(Actor.scheduler(), now) as unit:
            content = digest_content(now, supported_language(account.language))
            queued += enqueue(unit.session, digest_message(account, content, now=now), now)
    return queued
