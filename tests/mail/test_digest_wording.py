"""Mail and page wording as a reader says it: the digest names countries, committees,
periods and dates in the reader's language (no ISO codes, slugs, "Q1" or ISO dates);
counts take their plural form; a link's life is told in days when it is whole days.

Expected translations are computed with `force_locale` and the catalogs or Babel, so the
tests hold whatever the catalogs say once they are filled in.
"""

from __future__ import annotations

import email
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, gettext
from sqlalchemy import select

from coordinator.accounts.messages import password_link_message
from coordinator.extensions import db
from coordinator.feeds.messages import feed_link_message
from coordinator.models import (
    Account,
    AuditEntry,
    Committee,
    Contact,
    Country,
    OutboxMessage,
    Role,
    Series,
)
from coordinator.period_names import duration_words, period_name
from coordinator.present import committee_name, country_name
from coordinator.tracking.digest import send_weekly_digest
from coordinator.tracking.history import sentence
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.web.people import csrf_of, log_in, make_account

# Monday 14 December 2026, 09:00 in Panama: the Guatemalan meeting of 10 December has
# passed without an agenda; the first three quarters and the first half of 2026 are over.
DIGEST_AT = datetime(2026, 12, 14, 14, tzinfo=UTC)
CODE_OF_PERIOD = re.compile(r"\b[QH][1-4]\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LINK = "https://coordinator.test/link/TOKEN"


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def _digests() -> dict[str, tuple[str, str, str]]:
    """Each queued digest by language: subject, text and HTML."""
    found = {}
    for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")):
        message = email.message_from_bytes(row.body.encode(), policy=default)
        assert isinstance(message, EmailMessage)
        text, html = _parts(message)
        found[row.language] = (str(message["Subject"]), text, html)
    return found


@pytest.fixture
def digests(seeded, frozen) -> dict[str, tuple[str, str, str]]:
    for language in ("es", "ht"):
        db.session.add(Account(name=f"Secretaría {language}", email=f"sec-{language}@example.org",
                               role=Role.SECRETARIAT, language=language, zone="America/Panama",
                               created_at=NOW))
    db.session.commit()
    make_world(NOW)
    assert send_weekly_digest(now=DIGEST_AT) == 2
    return _digests()


@pytest.mark.parametrize("language", ["es", "ht"])
def test_the_digest_names_countries_committees_periods_and_dates_for_its_reader(
        digests, language: str) -> None:
    subject, text, html = digests[language]
    countries = list(db.session.scalars(select(Country)))
    committees = list(db.session.scalars(select(Committee)))
    with force_locale(language):
        argentina = next(country_name(c) for c in countries if c.iso == "AR")
        first_quarter = period_name("quarter", 2026, 1)
        first_half = period_name("half", 2026, 1)
        expected = [gettext("%(who)s: %(period)s", who=argentina, period=first_quarter),
                    format_date(date(2026, 12, 10), "long")]
        expected += [gettext("%(who)s: %(period)s", who=committee_name(c), period=first_half)
                     for c in committees]
    for line in expected:
        assert line in text, (language, line, text)
    for body in (subject, text, html):
        codes = [c.iso for c in countries if re.search(rf"\b{c.iso}\b", body)]
        assert not codes, (language, codes)
        assert not [c.slug for c in committees if c.slug in body], language
        assert not CODE_OF_PERIOD.search(body), (language, CODE_OF_PERIOD.search(body))
        assert not ISO_DATE.search(body), (language, ISO_DATE.search(body))


def test_periods_are_words_in_every_language(app) -> None:
    with force_locale("en"):
        assert period_name("quarter", 2027, 1) == "1st quarter of 2027"
        assert period_name("half", 2027, 2) == "2nd half of 2027"
    with force_locale("es"):
        assert period_name("quarter", 2027, 1) == gettext(
            "%(quarter)s of %(year)s", quarter="1.er trimestre", year=2027)
    for language in ("es", "pt", "fr", "ht", "nl"):
        with force_locale(language):
            for kind, count in (("quarter", 4), ("half", 2)):
                for index in range(1, count + 1):
                    name = period_name(kind, 2027, index)  # type: ignore[arg-type]
                    assert "2027" in name and not CODE_OF_PERIOD.search(name), (language, name)
    with pytest.raises(ValueError):
        period_name("half", 2027, 3)


def test_a_count_takes_its_plural_form(seeded, client, frozen) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    log_in(client, "gt@example.org")
    form = {"kind": "national", "country": "GT", "committee": "", "first_date": "2027-01-12",
            "start_time": "10:00", "zone": "America/Guatemala", "duration": "90",
            "every_months": "", "on": "weekday", "month_day": "15", "nth": "2",
            "weekday": "TU", "holiday_country": "auto", "weekends": "auto",
            "suggestions_open": "42", "suggestions_close": "21", "agenda_due": "14",
            "reminders": "7, 1", "action": "save"}
    for count, said in ((1, "The series is scheduled: 1 meeting."),
                        (2, "The series is scheduled: 2 meetings.")):
        saved = client.post("/workspace/series/new", data={
            **form, "rrule": f"FREQ=MONTHLY;INTERVAL=3;COUNT={count}",
            "csrf_token": csrf_of(client, "/workspace/series/new")}, follow_redirects=True)
        assert said in saved.get_data(as_text=True)
    assert len(list(db.session.scalars(select(Series)))) == 2


def test_history_counts_take_their_plural_form(app) -> None:
    def said(action: str, **details: int) -> str:
        entry = AuditEntry(action=action, entity="meeting", entity_id=1, details=details)
        with force_locale("en"):
            return sentence(entry, "UTC")

    assert said("deadline.reminder", offset_days=1, messages=1) == (
        "Reminder sent 1 day before (1 message).")
    assert said("deadline.reminder", offset_days=7, messages=3) == (
        "Reminder sent 7 days before (3 messages).")
    assert said("series.materialise", meetings=1) == "1 more meeting added up to the horizon."
    assert said("suggestion.release", outcomes=2) == "2 held outcomes announced."
    assert said("deadline.invitations") == "Recorded: deadline.invitations."  # no count


def test_a_link_lasts_days_not_hours(seeded, frozen) -> None:
    with force_locale("en"):
        assert duration_words(168) == "7 days"
        assert duration_words(24) == "1 day"
        assert duration_words(2) == "2 hours"
        assert duration_words(1) == "1 hour"
    world = make_world(NOW)
    account = world.coordinator
    account.language = "en"
    for hours, said in ((168, "for 7 days."), (2, "for 2 hours.")):
        outgoing = password_link_message(account, LINK, setup=True, hours=hours, epoch=hours,
                                         now=NOW)
        for body in _parts(outgoing.message):
            assert said in body and "168" not in body
    account.language = "es"
    outgoing = password_link_message(account, LINK, setup=True, hours=168, epoch=0, now=NOW)
    with force_locale("es"):
        seven_days = duration_words(168)
    assert "168" not in _parts(outgoing.message)[0]
    assert seven_days in _parts(outgoing.message)[0]
    contact = db.session.scalars(select(Contact).where(Contact.language == "en")).first()
    assert contact is not None
    for days, said in ((1, "works for 1 day."), (7, "works for 7 days.")):
        for body in _parts(feed_link_message(contact, LINK, days=days, now=NOW).message):
            assert said in body


FRENCH = Path(__file__).parents[2] / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def test_french_puts_a_no_break_space_before_high_punctuation() -> None:
    """French typography: "Pays :", "d'abord ?" with U+00A0, so no line starts with ":"."""
    with FRENCH.open("rb") as handle:
        catalog = read_po(handle)
    plain_space = re.compile(r"\S [:;?!](\s|$)")
    wrong = [text for message in catalog if message.id
             for text in (message.string if isinstance(message.string, tuple)
                          else (message.string,))
             if text and plain_space.search(str(text))]
    assert not wrong, wrong[:5]
