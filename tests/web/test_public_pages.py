"""The public pages of the issue: home's zone choice, meeting page, tracker, representatives."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import time_machine
from flask_babel import force_locale, gettext

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.attendance import record_attendance
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.meetings.services import cancel_meeting
from coordinator.models import (
    Committee,
    Contact,
    Country,
    Organisation,
    RegistrationState,
    Scope,
    Series,
)
from coordinator.unit import Actor

ACTOR = Actor.cli()
SUMMER = datetime(2026, 8, 20, 12, tzinfo=UTC)  # in Q3 2026, in H2
NOVEMBER = datetime(2026, 11, 22, 12, tzinfo=UTC)
PAGE_LIMIT = 100_000


def national(iso: str, zone: str, first: date, *, now: datetime,
             since: datetime | None = None) -> Series:
    return schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country=iso, first_date=first,
                                       start_time=time(10), zone=zone),
                           now=now, actor=ACTOR, since=since)


def briefing(slug: str, first: date, *, now: datetime, since: datetime | None = None) -> Series:
    return schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee=slug,
                                       first_date=first, start_time=time(9),
                                       zone="America/Mexico_City"),
                           now=now, actor=ACTOR, since=since)


def row(page: str, name: str) -> str:
    """The table row headed `name` (the first one: the grid comes before the agendas)."""
    found = re.search(r'<tr><th scope="row">' + re.escape(name) + r"</th>(.*?)</tr>", page, re.S)
    assert found, f"no row for {name!r}"
    return found.group(1)


def states(cells: str) -> list[str]:
    return re.findall(r'class="state state-([\w-]+)"', cells)


def rows(page: str, name: str) -> list[str]:
    return re.findall(r'<tr><th scope="row">' + re.escape(name) + r"</th>(.*?)</tr>", page, re.S)


# Tracker ------------------------------------------------------------------------------------

@time_machine.travel(SUMMER, tick=False)
def test_tracker_shows_held_scheduled_missed_and_due_per_quarter(seeded, client) -> None:
    series = national("HT", "America/Port-au-Prince", date(2026, 7, 15), now=SUMMER,
                      since=datetime(2026, 7, 1, tzinfo=UTC))
    july, october = series.meetings[0], series.meetings[1]
    # Q3's meeting has taken place, but "held" is what its coordinator records.
    page = client.get("/tracker?year=2026").get_data(as_text=True)
    assert states(row(page, "Haiti"))[2] == "unrecorded"
    record_attendance(july.id, held=True, organisation_ids=[], now=SUMMER, actor=ACTOR)
    page = client.get("/tracker?year=2026").get_data(as_text=True)
    haiti = row(page, "Haiti")
    # Q1 and Q2 ended without a meeting, Q3's was held, Q4's lies ahead.
    assert states(haiti) == ["missed", "missed", "held", "scheduled"]
    assert [label for label in ("Missed", "Held", "Scheduled") if label in haiti] == [
        "Missed", "Held", "Scheduled"]  # words, not colour only
    assert f'href="/meetings/{july.id}"' in haiti and f'href="/meetings/{october.id}"' in haiti
    # A country with no meeting at all: the quarter under way and the next one are still due.
    assert states(row(page, "Guatemala")) == ["missed", "missed", "due", "due"]
    assert "Legend" in page and "The period ended without a meeting." in page


@time_machine.travel(SUMMER, tick=False)
def test_cancelling_the_only_meeting_of_a_quarter_makes_it_due_again(seeded, client) -> None:
    series = national("HT", "America/Port-au-Prince", date(2026, 10, 15), now=SUMMER)
    cancel_meeting(series.meetings[0].id, now=SUMMER, actor=ACTOR, reason="Hurricane")
    haiti = row(client.get("/tracker").get_data(as_text=True), "Haiti")
    assert states(haiti)[3] == "due"
    assert f"/meetings/{series.meetings[0].id}" not in haiti


@time_machine.travel(SUMMER, tick=False)
def test_tracker_counts_committee_half_years(seeded, client) -> None:
    series = briefing("labor-mobility", date(2026, 3, 10), now=SUMMER,
                      since=datetime(2026, 1, 1, tzinfo=UTC))
    record_attendance(series.meetings[0].id, held=True, organisation_ids=[], now=SUMMER,
                      actor=ACTOR)
    page = client.get("/tracker").get_data(as_text=True)
    labor = row(page, "Labor Mobility")
    assert states(labor) == ["held", "scheduled"]
    assert f'href="/meetings/{series.meetings[0].id}"' in labor
    assert states(row(page, "Combatting Xenophobia")) == ["missed", "due"]


@time_machine.travel(SUMMER, tick=False)
def test_tracker_year_is_bounded_and_never_fails(seeded, client) -> None:
    national("HT", "America/Port-au-Prince", date(2027, 1, 15), now=SUMMER)
    later = client.get("/tracker?year=2027").get_data(as_text=True)
    assert "Cadence tracker 2027" in later
    assert states(row(later, "Haiti"))[0] == "scheduled"
    for bad in ("abc", "1999", "2029", "-1", "2026.5", "9" * 5000, ""):
        response = client.get(f"/tracker?year={bad}")
        assert response.status_code == 200, bad
        assert "Cadence tracker 2026" in response.get_data(as_text=True), bad
    # A control character is refused with a page that says so, in one place for all.
    refused = client.get("/tracker?year=%00")
    assert refused.status_code == 422 and "invisible" in refused.get_data(as_text=True)


@time_machine.travel(SUMMER, tick=False)
def test_tracker_names_countries_in_the_readers_language_and_links_the_directory(
        seeded, client) -> None:
    page = client.get("/tracker?lang=es").get_data(as_text=True)
    assert rows(page, "Haití") and rows(page, "México")
    assert "ene" in page  # quarters named by their months, from CLDR
    assert 'href="/committees/representatives"' in page
    # Spain is a partner, not a signatory: no cadence to keep.
    assert not rows(page, "España")


def test_tracker_shows_agenda_lead_times_and_late_and_missing_counts(seeded, client) -> None:
    series = national("HT", "America/Port-au-Prince", date(2027, 1, 15), now=NOVEMBER)
    january, april = series.meetings[0], series.meetings[1]
    assert january.start_local.date() == date(2027, 1, 15)
    add_item(january.id, now=NOVEMBER, actor=ACTOR, kind="discussion", title="Labour pathways")
    publish_agenda(january.id, now=datetime(2026, 12, 20, 12, tzinfo=UTC), actor=ACTOR)
    # April's agenda was due on 1 April and came out on the 10th.
    add_item(april.id, now=NOVEMBER, actor=ACTOR, kind="progress", title="Regularisation")
    publish_agenda(april.id, now=datetime(2027, 4, 10, 12, tzinfo=UTC), actor=ACTOR)
    with time_machine.travel(datetime(2027, 7, 10, 12, tzinfo=UTC), tick=False):
        page = client.get("/tracker?year=2027").get_data(as_text=True)
    haiti = rows(page, "Haiti")
    assert len(haiti) == 2  # the quarters, then the agendas
    agendas = haiti[1]
    assert "26 days before" in agendas and "5 days before" in agendas
    assert states(agendas) == ["on-time", "late"]
    assert f'href="/meetings/{january.id}"' in agendas
    # One late (April), one missing (July: due on 1 July, not published).
    late, missing = re.findall(r'<td data-label="(?:Late|Missing)">(\d+)</td>', agendas)
    assert (late, missing) == ("1", "1")


# Meeting page and the visitor's zone ---------------------------------------------------------

@time_machine.travel(NOVEMBER, tick=False)
def test_meeting_page_shows_the_visitors_time_and_remembers_the_zone(seeded, client) -> None:
    meeting = national("HT", "America/Port-au-Prince", date(2027, 1, 15),
                       now=NOVEMBER).meetings[0]
    first = client.get(f"/meetings/{meeting.id}?tz=America/Sao_Paulo")
    page = first.get_data(as_text=True)
    # 10:00 in Port-au-Prince (UTC-5 in January) is 12:00 in São Paulo (UTC-3).
    # Times to the minute, each zone named by its city (never an IANA id on the page).
    assert "Friday, January 15, 2027, 10:00\u202fAM (Port-au-Prince Time)" in page
    assert "Your time: Friday, January 15, 2027, 12:00\u202fPM (São Paulo Time)" in page
    assert not re.search(r"\d:\d\d:\d\d", page)
    cookie = first.headers["Set-Cookie"]
    assert "tz=America/Sao_Paulo" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    again = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Your time: Friday, January 15, 2027, 12:00\u202fPM" in again  # from the cookie
    assert '<option value="America/Sao_Paulo" selected>' in again


@time_machine.travel(NOVEMBER, tick=False)
def test_meeting_page_ignores_unknown_zones_and_forgets_on_request(seeded, client) -> None:
    meeting = national("HT", "America/Port-au-Prince", date(2027, 1, 15),
                       now=NOVEMBER).meetings[0]
    bad = client.get(f"/meetings/{meeting.id}?tz=Mars/Olympus_Mons")
    assert bad.status_code == 200 and "Your time" not in bad.get_data(as_text=True)
    assert "tz=" not in bad.headers.get("Set-Cookie", "")
    same = client.get(f"/meetings/{meeting.id}?tz=America/Port-au-Prince")
    assert "Your time" not in same.get_data(as_text=True)  # the same zone: said once
    client.get(f"/meetings/{meeting.id}?tz=America/Sao_Paulo")
    forget = client.get(f"/meetings/{meeting.id}?tz=")
    assert "Your time" not in forget.get_data(as_text=True)
    assert "tz=;" in forget.headers["Set-Cookie"]  # the cookie is cleared
    assert "Your time" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


@time_machine.travel(NOVEMBER, tick=False)
def test_meeting_page_says_how_to_suggest_topics_and_shows_the_agenda(seeded, client) -> None:
    series = national("HT", "America/Port-au-Prince", date(2027, 1, 15), now=NOVEMBER)
    january, april = series.meetings[0], series.meetings[1]
    add_item(january.id, now=NOVEMBER, actor=ACTOR, kind="discussion", title="Labour pathways")
    publish_agenda(january.id, now=NOVEMBER, actor=ACTOR)
    page = client.get(f"/meetings/{january.id}").get_data(as_text=True)
    # Suggestions for 15 January opened on 4 December: not yet.
    assert "When suggestions open, invited organisations receive a personal link" in page
    assert "not registered yet can register to be invited." in page
    assert page.count('href="/register"') == 2  # the site's menu and this section
    assert "Labour pathways" in page and "Agenda due" in page
    assert "Dec 4, 2026" in page  # suggestions open, in the meeting's zone
    later = client.get(f"/meetings/{april.id}").get_data(as_text=True)
    assert "The agenda is not published yet." in later
    with time_machine.travel(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False):
        open_now = client.get(f"/meetings/{january.id}").get_data(as_text=True)
    assert "Invited organisations received a personal link by e-mail" in open_now
    with time_machine.travel(datetime(2026, 12, 30, 12, tzinfo=UTC), tick=False):
        closed = client.get(f"/meetings/{january.id}").get_data(as_text=True)
    assert "Suggestions for this meeting are closed." in closed


# Home ---------------------------------------------------------------------------------------

@time_machine.travel(NOVEMBER, tick=False)
def test_home_filters_by_country_committee_and_kind(seeded, client) -> None:
    national("HT", "America/Port-au-Prince", date(2027, 1, 15), now=NOVEMBER)
    national("GT", "America/Guatemala", date(2027, 1, 20), now=NOVEMBER)
    briefing("labor-mobility", date(2027, 2, 10), now=NOVEMBER)
    everything = client.get("/").get_data(as_text=True)
    for title in ("– Haiti", "– Guatemala", "– Labor Mobility"):
        assert title in everything
    haiti = client.get("/?country=HT").get_data(as_text=True)
    assert "– Haiti" in haiti and "– Guatemala" not in haiti and "– Labor Mobility" not in haiti
    assert '<input type="hidden" name="country" value="HT">' in haiti  # kept by the zone form
    committee = client.get("/?committee=labor-mobility").get_data(as_text=True)
    assert "– Labor Mobility" in committee and "– Haiti" not in committee
    kind = client.get("/?kind=national").get_data(as_text=True)
    assert "– Haiti" in kind and "– Guatemala" in kind and "– Labor Mobility" not in kind
    none = client.get("/?country=HT&kind=committee").get_data(as_text=True)
    assert "No meetings match these filters." in none


@time_machine.travel(NOVEMBER, tick=False)
def test_home_offers_the_countries_zones_and_shows_times_in_the_chosen_one(seeded,
                                                                           client) -> None:
    national("HT", "America/Port-au-Prince", date(2027, 1, 15), now=NOVEMBER)
    plain = client.get("/").get_data(as_text=True)
    assert "Your time" not in plain
    assert '<label for="tz">Show times in</label>' in plain
    options = re.findall(r'<option value="([\w/+-]+)"', plain.split('id="tz"')[1])
    for zone in ("UTC", "America/Sao_Paulo", "America/Manaus", "America/Port-au-Prince"):
        assert zone in options
    chosen = client.get("/?tz=America/Sao_Paulo")
    assert "tz=America/Sao_Paulo" in chosen.headers["Set-Cookie"]
    assert "Your time: Friday, January 15, 2027, 12:00\u202fPM" in chosen.get_data(as_text=True)


# Representatives ----------------------------------------------------------------------------

def organisation(name: str, state: RegistrationState) -> Organisation:
    return Organisation(name=name, scope=Scope.NATIONAL, registration_state=state,
                        created_at=NOVEMBER)


def contact(org: Organisation, name: str, email: str) -> Contact:
    person = Contact(organisation=org, name=name, email=email, zone="America/Mexico_City",
                     created_at=NOVEMBER)
    db.session.add(person)
    db.session.flush()
    return person


def committee(slug: str) -> Committee:
    return db.session.query(Committee).filter_by(slug=slug).one()


def card(page: str, name: str) -> str:
    found = re.search(r"<h2 id=\"committee-\d+\">" + re.escape(name) + r"</h2>(.*?)</section>",
                      page, re.S)
    assert found, f"no card for {name!r}"
    return found.group(1)


def test_representatives_directory_lists_the_designated_representative(seeded, client) -> None:
    approved = organisation("Red Migrante Mexicana", RegistrationState.APPROVED)
    rosa = contact(approved, "Rosa Pérez", "rosa@redmigrante.example")
    committee("labor-mobility").representative_contact_id = rosa.id
    declined = organisation("Not Yet Approved", RegistrationState.DECLINED)
    hidden = contact(declined, "Hidden Person", "hidden@example.org")
    committee("investing-in-asylum").representative_contact_id = hidden.id
    db.session.commit()

    page = client.get("/committees/representatives").get_data(as_text=True)
    labor = card(page, "Labor Mobility")
    # Named by the organisation, as its registration agreed to publish: not the person.
    assert "Red Migrante Mexicana" in labor
    assert "rosa@redmigrante.example" not in page and "Rosa Pérez" not in page
    assert "Mexico" in labor  # the lead country
    # A declined organisation's contact is never published.
    assert "hidden@example.org" not in page and "Hidden Person" not in page
    assert "No representative designated yet" in card(page, "Investing in Asylum")
    assert "No representative designated yet" in card(page, "Combatting Xenophobia")
    # Ordered by pillar: I, then II, then III.
    assert (page.index("Integration and Support for Host Communities")
            < page.index("Labor Mobility") < page.index("Humane Border Management"))
    # Pillar III committees have no lead country yet.
    assert "None yet" in card(page, "Humane Border Management (name unconfirmed)")


def test_representatives_directory_names_lead_countries_in_the_readers_language(
        seeded, client) -> None:
    page = client.get("/committees/representatives?lang=es").get_data(as_text=True)
    with force_locale("es"):  # the committee's own name is in the reader's language too
        name = gettext("Refugee Resettlement")
    assert name != "Refugee Resettlement"
    assert "Canadá, Guyana" in card(page, name)


# Size ---------------------------------------------------------------------------------------

@time_machine.travel(NOVEMBER, tick=False)
def test_pages_stay_small_with_every_country_and_committee_meeting(seeded, client) -> None:
    countries = db.session.query(Country).filter(Country.endorsement != "partner").all()
    since = datetime(2026, 1, 1, tzinfo=UTC)
    for country in countries:
        national(country.iso, country.capital_zone, date(2026, 1, 20), now=NOVEMBER, since=since)
    for each in db.session.query(Committee).all():
        briefing(each.slug, date(2026, 2, 10), now=NOVEMBER, since=since)
    first = db.session.query(Series).first().meetings[-1]
    for url in ("/", "/?tz=America/Sao_Paulo", "/tracker", "/tracker?year=2027",
                "/committees/representatives", f"/meetings/{first.id}?tz=UTC"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.data) < PAGE_LIMIT, (url, len(response.data))
