"""The whole path of recommendation 5, with a real SMTP server: window opens, personal
links arrive, topics are proposed and decided, the agenda is published everywhere."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
import time_machine
from sqlalchemy import select

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.agendas.suggestions import accept_suggestion, decline_suggestion
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.mail.dispatch import dispatch
from coordinator.models import Suggestion, SuggestionState
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.suggestions.helpers import html_text, link_in, plain_text, submit

AGENDA_WORD = {"es": "agenda", "ht": "ajanda", "pt": "pauta", "fr": "ordre du jour",
               "en": "agenda"}


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def by_kind(received, word: str):  # type: ignore[no-untyped-def]
    return [r for r in received if word in str(r.message["Subject"])]


def test_window_links_topics_decisions_and_published_agenda(seeded, mailed, client,
                                                            frozen) -> None:
    world = make_world(NOW, first=date(2026, 12, 28))  # suggestions open 16 Nov to 7 Dec
    meeting = world.first
    run_due_deadlines(now=NOW)
    dispatch(NOW)
    received = mailed.wait_for(2 * len(PEOPLE))
    links = {r.recipients[0]: r for r in received if "/suggest/" in plain_text(r)}
    assert set(links) == {p[1] for p in PEOPLE}  # every invited contact got a topic link

    wilner = link_in(plain_text(links["wilner@cso.example"]), "/suggest/")
    ana = link_in(plain_text(links["ana@cso.example"]), "/suggest/")
    page = client.get(wilner)
    assert page.status_code == 200 and 'lang="ht"' in page.get_data(as_text=True)
    first = submit(client, wilner, title="Pwoteksyon timoun migran yo",
                   description="Sèvis pou timoun", language="ht", show_name="yes")
    assert first.status_code == 303
    second = submit(client, ana, title="Regularización migratoria", language="es")
    assert second.status_code == 303
    topics = {s.title: s for s in db.session.scalars(select(Suggestion))}
    assert set(topics) == {"Pwoteksyon timoun migran yo", "Regularización migratoria"}

    actor = Actor("coordinacion@gob.example")
    accept_suggestion(topics["Pwoteksyon timoun migran yo"].id, now=NOW, actor=actor)
    decline_suggestion(topics["Regularización migratoria"].id, now=NOW, actor=actor,
                       reason="Ya está en el orden del día del comité de regularización.")
    add_item(meeting.id, now=NOW, actor=actor, kind="progress",
             title="Avances de los compromisos del gobierno", duration=30)
    publish_agenda(meeting.id, now=NOW + timedelta(minutes=5), actor=actor)
    dispatch(NOW + timedelta(minutes=5))
    received = mailed.wait_for(2 * len(PEOPLE) + 2 + 2 + len(PEOPLE))

    # The agenda, as an invitation update, in each recipient's language.
    agendas = [r for r in received if "Pwoteksyon timoun migran yo" in plain_text(r)
               and any(p.get_content_type() == "text/calendar" for p in r.message.walk())]
    assert {r.recipients[0] for r in agendas} == {p[1] for p in PEOPLE}
    for _, address, language, _ in PEOPLE:
        mail = next(r for r in agendas if r.recipients == [address])
        assert AGENDA_WORD[language] in plain_text(mail).lower(), (language, plain_text(mail))
        assert mail.message["Content-Language"] == language
        calendar = next(p for p in mail.message.walk() if p.get_content_type() == "text/calendar")
        event = icalendar.Calendar.from_ical(calendar.get_payload(decode=True)).walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CONFIRMED"
        assert "Pwoteksyon timoun migran yo" in str(event["DESCRIPTION"])

    # The proposers hear the outcome, with the reason.
    ana_mails = [plain_text(r) for r in received if r.recipients == ["ana@cso.example"]]
    assert any("Ya está en el orden del día" in text for text in ana_mails)
    wilner_mails = [plain_text(r) for r in received if r.recipients == ["wilner@cso.example"]]
    assert sum("Pwoteksyon timoun migran yo" in text for text in wilner_mails) >= 2

    # The feed and the meeting page show the agenda and the public outcomes.
    feed = client.get("/feeds/country/GT.ics").data.decode()
    assert "Pwoteksyon timoun migran yo" in feed.replace("\r\n ", "")
    page = client.get(f"/meetings/{meeting.id}?lang=es").get_data(as_text=True)
    assert "Pwoteksyon timoun migran yo" in page and "Avances de los compromisos" in page
    assert "Ya está en el orden del día del comité de regularización." in page
    assert "Red de Acogida" in page  # Wilner agreed to show the organisation's name
    assert "ana@cso.example" not in page and "Ana Ixcot" not in page


def test_held_outcomes_are_published_together(seeded, mailed, frozen) -> None:
    from coordinator.agendas.suggestions import release_outcomes, submit_suggestion

    world = make_world(NOW, first=date(2026, 12, 28))
    meeting = world.first
    meeting.hold_outcomes = True
    db.session.commit()
    from coordinator.models import Invitation

    invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    made = [submit_suggestion(invitation, form_key=f"k{n}", title=f"Topic {n}",
                              description="", link=None, language="en", minutes=5,
                              show_name=False, now=NOW)
            for n, invitation in enumerate(invitations[:2])]
    accept_suggestion(made[0].id, now=NOW, actor=Actor.cli())
    decline_suggestion(made[1].id, reason="Out of scope", now=NOW, actor=Actor.cli())
    assert all(s.released_at is None for s in made)
    dispatch(NOW)
    assert not [r for r in mailed.received if "Topic 0" in str(r.message["Subject"])
                and "received" not in plain_text(r).lower()
                and "Out of scope" in plain_text(r)]
    assert release_outcomes(meeting.id, now=NOW, actor=Actor.cli()) == 2
    dispatch(NOW)
    outcomes = [r for r in mailed.wait_for(len(PEOPLE) + 4) if "Out of scope" in plain_text(r)]
    assert len(outcomes) == 1
    assert all(s.released_at == NOW for s in db.session.scalars(select(Suggestion)))
    assert {s.state for s in db.session.scalars(select(Suggestion))} == {
        SuggestionState.ACCEPTED, SuggestionState.DECLINED}


def test_publishing_again_tells_what_changed(seeded, mailed, frozen) -> None:
    from coordinator.agendas.services import remove_item

    world = make_world(NOW, first=date(2026, 12, 28), people=PEOPLE[:1])
    meeting = world.first
    keep = add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Keep")
    drop = add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Drop me")
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    with pytest.raises(Exception, match="Nothing changed"):
        publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    remove_item(drop.id, now=NOW, actor=Actor.cli())
    add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="other", title="New point")
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    dispatch(NOW)
    last = [r for r in mailed.wait_for(3) if "New point" in plain_text(r)][-1]
    text = plain_text(last)
    assert "+ New point" in text and "- Drop me" in text
    assert "Drop me" in html_text(last)
    assert keep.title in text
    db.session.refresh(meeting)
    assert meeting.agenda_version == 2 and meeting.sequence == 2


def test_agenda_items_can_be_edited_and_reordered_before_publishing(seeded, frozen) -> None:
    from coordinator.agendas.services import move_item, update_item
    from coordinator.errors import InvalidInput

    world = make_world(NOW, first=date(2026, 12, 28), people=PEOPLE[:1])
    meeting = world.first
    a, b, c = (add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title=t)
               for t in ("A", "B", "C"))
    move_item(c.id, 1, now=NOW, actor=Actor.cli())
    update_item(b.id, now=NOW, actor=Actor.cli(), title="B, revised", presenter="OSC",
                duration=45, language="es", kind="cso-proposal")
    with pytest.raises(InvalidInput):
        update_item(a.id, now=NOW, actor=Actor.cli(), title="", presenter=None,
                    duration=10, language=None, kind="discussion")
    published = publish_agenda(meeting.id, now=NOW, actor=Actor.cli()).published_agenda
    assert [(i["title"], i["position"]) for i in published] == [
        ("C", 1), ("A", 2), ("B, revised", 3)]
    assert published[2]["duration"] == 45 and published[2]["kind"] == "cso-proposal"
