"""Bad links, closed windows, over-long fields, floods and script in every field."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
import time_machine
from sqlalchemy import func, select

from coordinator.agendas.suggestions import (
    SUGGEST_LINK,
    accept_suggestion,
    decline_suggestion,
    release_outcomes,
    suggest_link,
)
from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.models import Invitation, Meeting, OutboxMessage, Suggestion
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.suggestions.helpers import CSRF, html_text, submit

XSS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "<svg/onload=alert('x')>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">clic</a>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "'; DROP TABLE suggestions; --",
]


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(seeded, frozen):  # type: ignore[no-untyped-def]
    return make_world(NOW, first=date(2026, 12, 28), people=PEOPLE[:2])


def path_of(invitation: Invitation) -> str:
    return suggest_link(invitation).split("coordinator.test", 1)[1]


def invitations() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.id)))


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_tampered_link_is_404_and_one_for_no_invitation_410(world, client) -> None:
    path = path_of(invitations()[0])
    tampered = client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert tampered.status_code == 404 and "not valid" in tampered.get_data(as_text=True)
    unknown = "/suggest/" + SUGGEST_LINK.token({"i": 999999, "v": 1})
    page = client.get(unknown)
    assert page.status_code == 410
    assert "no longer works" in page.get_data(as_text=True)


def test_a_replaced_link_is_410_and_offers_a_new_one_by_mail(world, client) -> None:
    invitation = invitations()[0]
    old = path_of(invitation)
    page = client.get(old).get_data(as_text=True)
    renewed = client.post(old + "/renew", data={"csrf_token": CSRF.search(page).group(1)})
    assert renewed.status_code == 200
    db.session.refresh(invitation)
    assert invitation.suggest_version == 2
    gone = client.get(old)
    assert gone.status_code == 410 and "Send me a new link" in gone.get_data(as_text=True)
    assert client.get(path_of(invitation)).status_code == 200
    keys = db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.kind == "suggest-link")).all()
    assert f"suggest:meeting:{invitation.meeting_id}:contact:{invitation.contact_id}:v:2" in keys


def test_a_closed_window_refuses_topics_with_410_and_keeps_status_visible(world,
                                                                           client) -> None:
    path = path_of(invitations()[0])
    assert submit(client, path, title="In time").status_code == 303
    token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
    with time_machine.travel(NOW + timedelta(days=16), tick=False):  # closed on 7 December
        page = client.get(path + "?lang=en")
        assert page.status_code == 200 and "In time" in page.get_data(as_text=True)
        assert "Suggestions for this meeting are closed." in page.get_data(as_text=True)
        late = client.post(path, data={"csrf_token": token, "title": "Too late",
                                       "form_key": "z", "language": "es", "minutes": "5"})
        assert late.status_code == 410
    assert [s.title for s in db.session.scalars(select(Suggestion))] == ["In time"]


def test_a_cancelled_meeting_makes_the_link_410(world, client) -> None:
    from coordinator.meetings.services import cancel_meeting

    path = path_of(invitations()[0])
    cancel_meeting(world.first.id, now=NOW, actor=Actor.cli())
    assert client.get(path).status_code == 410


@pytest.mark.parametrize(("fields", "words"), [
    ({"title": "x" * 201}, "longer than 200"),
    ({"title": "   "}, "title"),
    ({"title": "ok", "description": "y" * 4001}, "longer than 4000"),
    ({"title": "ok", "link": "javascript:alert(1)"}, "web address"),
    ({"title": "ok", "language": "xx"}, "language"),
    ({"title": "ok", "minutes": "999"}, "minutes"),
    ({"title": "ok", "minutes": "ten"}, "minutes"),
])
def test_bad_fields_are_refused_clearly_and_nothing_is_stored(world, client, fields,
                                                              words: str) -> None:
    response = submit(client, path_of(invitations()[0]), **fields)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert count(Suggestion) == 0
    assert count(OutboxMessage) == len(PEOPLE[:2])  # only the invitations


def test_a_resubmitted_form_stores_one_topic(world, client) -> None:
    path = path_of(invitations()[0])
    page = client.get(path).get_data(as_text=True)
    from tests.suggestions.helpers import FORM_KEY

    data = {"csrf_token": CSRF.search(page).group(1), "form_key": FORM_KEY.search(page).group(1),
            "title": "Once", "language": "es", "minutes": "5", "action": "submit"}
    assert client.post(path, data=data).status_code == 303
    assert client.post(path, data=data).status_code == 303  # double click, retry
    assert count(Suggestion) == 1


def test_withdrawn_topics_cannot_be_edited(world, client) -> None:
    path = path_of(invitations()[0])
    submit(client, path, title="Mine")
    suggestion = db.session.scalars(select(Suggestion)).one()
    page = client.get(path).get_data(as_text=True)
    token = CSRF.search(page).group(1)
    assert client.post(path, data={"csrf_token": token, "action": "withdraw",
                                   "suggestion": suggestion.id}).status_code == 303
    edit = client.post(path, data={"csrf_token": token, "action": "edit",
                                   "suggestion": suggestion.id, "title": "Changed",
                                   "language": "es", "minutes": "5"})
    assert edit.status_code == 409  # a clash with the topic's state, as on every door
    other = invitations()[1]
    stolen = client.post(path_of(other), data={"csrf_token": token, "action": "withdraw",
                                              "suggestion": suggestion.id})
    assert stolen.status_code == 404  # someone else's topic is not theirs to touch, or see


def test_a_flood_from_one_link_is_capped_and_rate_limited(world, client) -> None:
    from coordinator.agendas.suggestions import MAX_TOPICS

    path = path_of(invitations()[0])
    answers = [submit(client, path, title=f"Topic {n}") for n in range(24)]
    statuses = [a.status_code for a in answers]
    assert statuses[:MAX_TOPICS] == [303] * MAX_TOPICS
    # Past the cap each topic is refused with what to do, in the page's language...
    assert statuses[MAX_TOPICS:20] == [409] * (20 - MAX_TOPICS)
    assert "Withdraw one to suggest another" in answers[MAX_TOPICS].get_data(as_text=True)
    assert 429 in statuses[20:]  # ... and the link's rate limit still holds
    assert count(Suggestion) == MAX_TOPICS
    # A withdrawn topic frees a place.
    from coordinator.agendas.suggestions import submit_suggestion, withdraw_suggestion

    invitation = invitations()[0]
    suggestion = db.session.scalars(select(Suggestion).limit(1)).one()
    withdraw_suggestion(invitation, suggestion.id, now=NOW)  # the button is rate-limited now
    submit_suggestion(invitation, form_key="after-withdrawal", title="Another", description="",
                      link=None, language="es", minutes=5, show_name=False, now=NOW)
    assert count(Suggestion) == MAX_TOPICS + 1


def test_script_in_every_field_is_shown_escaped_in_pages_mails_and_feeds(world, client,
                                                                         mailed) -> None:
    first, second = invitations()
    contact = first.contact
    contact.name = XSS[1]
    contact.organisation.name = XSS[4]
    world.series.location = XSS[2]
    db.session.commit()
    for n, payload in enumerate(XSS):
        path = path_of(first if n % 2 == 0 else second)
        assert submit(client, path, title=payload[:200], description=payload,
                      show_name="yes").status_code == 303
    suggestions = db.session.scalars(select(Suggestion).order_by(Suggestion.id)).all()
    assert [s.title for s in suggestions] == XSS  # stored exactly as typed
    accept_suggestion(suggestions[0].id, now=NOW, actor=Actor.cli())
    for s in suggestions[1:]:
        decline_suggestion(s.id, reason=s.title, now=NOW, actor=Actor.cli())
    release_outcomes(world.first.id, now=NOW, actor=Actor.cli())
    from coordinator.agendas.services import publish_agenda

    publish_agenda(world.first.id, now=NOW, actor=Actor.cli())
    pages = [client.get(f"/meetings/{world.first.id}").get_data(as_text=True),
             client.get(path_of(first)).get_data(as_text=True),
             client.get("/").get_data(as_text=True)]
    for page in pages:
        for raw in ("<script>alert(1)</script>", "<img src=x onerror", "<svg/onload",
                    '<a href="javascript:'):
            assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "{{7*7}}" in pages[0] and ">49<" not in pages[0]
    dispatch(NOW)
    received = mailed.wait_for(10)
    assert received
    for mail in received:
        html = html_text(mail)
        assert "<script>alert(1)</script>" not in html and "<img src=x onerror" not in html
    feed = client.get("/feeds/country/GT.ics").data.decode()
    event = next(e for e in icalendar.Calendar.from_ical(feed).walk("VEVENT")
                 if str(e["UID"]) == world.first.uid)
    assert XSS[0] in str(event["DESCRIPTION"])  # plain text, intact, inside a valid file
    assert str(event["LOCATION"]) == XSS[2]
    assert count(Meeting) > 0  # the SQL fragment was only ever data
