"""Content in several languages: an agenda written in Spanish with a Kreyòl translation of
one item. A Kreyòl reader sees that item in Kreyòl and the others in Spanish, marked as
such, on the page, in the agenda mail and in the feed; a Spanish reader sees Spanish only;
an edited original outdates its translation; the coordinator sees what is missing."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from icalendar import Calendar

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.content import services as content
from coordinator.errors import InvalidInput, NotFound
from coordinator.i18n import written_in_note
from coordinator.mail.dispatch import dispatch
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world

ES_ITEMS = ["Regularización migratoria", "Acceso a la salud", "Asuntos varios"]
HT_FIRST = "Regilarizasyon imigrasyon"


def _agenda(world, *, translate: bool = True):
    meeting = world.first
    items = [add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title=title,
                      written_in="es") for title in ES_ITEMS]
    if translate:
        content.translate("agenda_item", items[0].id, "title", "ht", HT_FIRST, now=NOW,
                          actor=Actor.cli(), within=meeting.id)
    return meeting, items


def _note(language: str) -> str:
    with force_locale(language):
        return written_in_note("es")


def test_a_kreyol_reader_sees_the_translated_item_and_the_rest_marked_spanish(
        seeded, frozen) -> None:
    world = make_world(NOW)
    meeting, _ = _agenda(world)
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    client = seeded.test_client()

    page = client.get(f"/meetings/{meeting.id}?lang=ht").get_data(as_text=True)
    assert f'<span lang="ht">{HT_FIRST}</span>' in page
    for title in ES_ITEMS[1:]:
        assert f'<span lang="es">{title}</span>' in page
    assert page.count(_note("ht")) == 2  # the two Spanish items, not the translated one
    assert ES_ITEMS[0] not in page

    spanish = client.get(f"/meetings/{meeting.id}?lang=es").get_data(as_text=True)
    assert ES_ITEMS[0] in spanish and HT_FIRST not in spanish
    assert _note("es") == "" and "(written in" not in spanish

    printable = client.get(f"/meetings/{meeting.id}/agenda?lang=ht").get_data(as_text=True)
    assert HT_FIRST in printable and printable.count(_note("ht")) == 2

    feed = client.get("/feeds/all.ics?lang=ht")
    assert feed.status_code == 200
    event = next(c for c in Calendar.from_ical(feed.data).walk("VEVENT")
                 if str(c["UID"]) == meeting.uid)
    description = str(event["DESCRIPTION"])
    assert f"1. {HT_FIRST} (" in description
    assert f"2. {ES_ITEMS[1]} [{_note('ht')}]" in description
    english = client.get("/feeds/all.ics?lang=en").data.decode()
    assert HT_FIRST not in english and ES_ITEMS[0] in english


def test_the_agenda_mail_follows_each_recipients_language(seeded, mailed) -> None:
    world = make_world(NOW)
    meeting, _ = _agenda(world)
    dispatch(NOW)  # the invitations
    mailed.wait_for(5)
    mailed.received.clear()
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    dispatch(NOW)
    received = {r.recipients[0]: r.message for r in mailed.wait_for(5)}
    kreyol = received["wilner@cso.example"].get_body(("plain",)).get_content()
    assert f"1. {HT_FIRST} (" in kreyol
    assert f"2. {ES_ITEMS[1]} [{_note('ht')}]" in kreyol
    html = received["wilner@cso.example"].get_body(("html",)).get_content()
    assert f'<span lang="ht">{HT_FIRST}</span>' in html
    spanish = received["ana@cso.example"].get_body(("plain",)).get_content()
    assert f"1. {ES_ITEMS[0]} (" in spanish and HT_FIRST not in spanish
    assert "[" not in spanish.split("1. ")[1].split("\n")[0]  # no note in its own language


def test_an_edited_original_outdates_its_translation(seeded) -> None:
    from coordinator.agendas.services import update_item

    world = make_world(NOW)
    meeting, items = _agenda(world)
    assert content.translation_status(meeting, ["ht"]).texts[0].states["ht"] == "translated"
    update_item(items[0].id, now=NOW, actor=Actor.cli(), title="Regularización y asilo",
                presenter=None, duration=15, language=None, kind="discussion")
    status = content.translation_status(meeting, ["es", "ht"])
    first = next(t for t in status.texts if t.subject_id == items[0].id)
    assert first.states == {"es": "original", "ht": "outdated"}
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    shown = content.agenda_for(meeting, "ht")
    assert shown[0]["title"] == "Regularización y asilo" and shown[0]["written_in"] == "es"
    assert not shown[0]["translated"]


def test_the_coordinator_sees_what_is_missing_in_the_participants_languages(seeded) -> None:
    world = make_world(NOW)
    meeting, _items = _agenda(world)
    status = content.translation_status(meeting)
    assert status.languages == ["en", "es", "pt", "fr", "ht"]  # the invited people's
    item_rows = [t for t in status.texts if t.subject == "agenda_item"]
    assert [t.states["ht"] for t in item_rows] == ["translated", "missing", "missing"]
    assert all(t.states["es"] == "original" for t in item_rows)
    # 3 items x 4 languages besides Spanish, one translated (the series has no typed text)
    assert status.missing == 3 * 4 - 1


@pytest.mark.parametrize(("kwargs", "refusal"), [
    ({"language": "xx"}, InvalidInput), ({"language": "es"}, InvalidInput),
    ({"field_name": "presenter"}, InvalidInput), ({"text": "x" * 201}, InvalidInput),
    ({"text": "bad\x00text"}, InvalidInput), ({"subject_id": 999999}, NotFound),
])
def test_bad_translations_are_refused_and_nothing_is_kept(seeded, kwargs, refusal) -> None:
    world = make_world(NOW)
    meeting, items = _agenda(world, translate=False)
    args = {"subject": "agenda_item", "subject_id": items[1].id, "field_name": "title",
            "language": "ht", "text": "Aksè a lasante", **kwargs}
    with pytest.raises(refusal):
        content.translate(args["subject"], args["subject_id"], args["field_name"],
                          args["language"], args["text"], now=NOW, actor=Actor.cli(),
                          within=meeting.id)
    assert content.translation_status(meeting, ["ht"]).missing == 3


def test_a_text_of_another_meeting_is_not_found_through_this_one(seeded) -> None:
    world = make_world(NOW, rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=2")
    first, second = sorted(world.series.meetings, key=lambda m: m.start_at)
    item = add_item(second.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Otro",
                    written_in="es")
    with pytest.raises(NotFound):
        content.translate("agenda_item", item.id, "title", "ht", "Lòt", now=NOW,
                          actor=Actor.cli(), within=first.id)


def test_every_door_saves_translations_and_refuses_alike(seeded, frozen) -> None:
    from coordinator.accounts.api_tokens import create_token
    from coordinator.cli import main
    from coordinator.models import Role
    from tests.web.people import csrf_of, log_in, make_account

    world = make_world(NOW)
    meeting, items = _agenda(world, translate=False)
    coordinator = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    token = create_token(coordinator.id, "tests", now=NOW, actor=Actor.cli())
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    path = f"/workspace/meetings/{meeting.id}/translations"
    page = client.get(path).get_data(as_text=True)
    assert ES_ITEMS[1] in page and 'name="text-ht"' in page

    form = {"csrf_token": csrf_of(client, path), "subject": "agenda_item",
            "subject_id": str(items[0].id), "field": "title", "text-ht": HT_FIRST,
            "text-fr": "Régularisation migratoire", "text-pt": "", "text-en": ""}
    assert client.post(path, data=form).status_code == 302
    too_long = client.post(path, data={**form, "text-fr": "x" * 300})
    assert too_long.status_code == 422
    assert "x" * 300 in too_long.get_data(as_text=True)  # nothing typed is lost

    api = client.put(f"/api/v1/meetings/{meeting.id}/translations",
                     json={"subject": "agenda_item", "subject_id": items[1].id,
                           "field": "title", "texts": {"ht": "Aksè a lasante"}},
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.get_data(as_text=True)
    body = api.get_json()
    states = {t["subject_id"]: t["states"] for t in body["texts"]}
    assert states[items[0].id]["ht"] == states[items[1].id]["ht"] == "translated"
    assert states[items[0].id]["fr"] == "translated" and states[items[2].id]["ht"] == "missing"
    refused = client.put(f"/api/v1/meetings/{meeting.id}/translations",
                         json={"subject": "agenda_item", "subject_id": items[1].id,
                               "field": "title", "texts": {"es": "Otro"}},
                         headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 422

    runner = seeded.test_cli_runner()
    done = runner.invoke(main, ["translations", "set", str(meeting.id), "agenda_item",
                                str(items[2].id), "title", "ht", "Lòt koze"])
    assert done.exit_code == 0, done.output
    same = runner.invoke(main, ["translations", "set", str(meeting.id), "agenda_item",
                                str(items[2].id), "title", "es", "Otro"])
    assert same.exit_code == 2
    listed = runner.invoke(main, ["translations", "list", str(meeting.id)])
    assert listed.exit_code == 0 and "translated" in listed.output
    assert content.translation_status(meeting, ["ht"]).missing == 0


class _Echo:
    """A stand-in machine translator: what a real one would plug in as."""

    def suggest(self, text: str, source: str | None, target: str) -> str | None:
        return f"[{target}] {text}"


def test_a_machine_translator_only_prefills_the_form_for_a_person_to_check(seeded,
                                                                             frozen) -> None:
    from coordinator.models import Role
    from tests.web.people import log_in, make_account

    world = make_world(NOW)
    meeting, _items = _agenda(world, translate=False)
    publish_agenda(meeting.id, now=NOW, actor=Actor.cli())
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    seeded.extensions["machine_translator"] = _Echo()
    client = seeded.test_client()
    log_in(client, "gt@example.org")
    page = client.get(f"/workspace/meetings/{meeting.id}/translations").get_data(as_text=True)
    assert f"[ht] {ES_ITEMS[1]}</textarea>" in page  # offered in the form...
    public = client.get(f"/meetings/{meeting.id}?lang=ht").get_data(as_text=True)
    assert ES_ITEMS[1] in public  # ...never shown as if a person wrote it
    assert f"[ht] {ES_ITEMS[1]}" not in public
    assert content.translation_status(meeting, ["ht"]).missing == 3


def test_a_feed_asks_for_translated_titles_once_whatever_its_size(seeded, frozen) -> None:
    """A typed, translated series title costs a feed one query, not one per meeting (a
    feed of 8 meetings makes fewer queries than it has meetings)."""
    import sqlalchemy as sa

    from coordinator.calendar.feeds import render, series_feed
    from coordinator.extensions import db

    meetings = 8
    world = make_world(NOW, rrule=f"FREQ=MONTHLY;COUNT={meetings}")
    series = world.series
    series.title, series.written_in = "Mesa nacional de diálogo", "es"
    db.session.commit()
    content.translate("series", series.id, "title", "ht", "Tab nasyonal dyalòg", now=NOW,
                      actor=Actor.cli())
    feed = series_feed(series, "ht", True)
    seen: list[str] = []

    def count_it(*args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        seen.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count_it)
    try:
        body = render(feed, NOW.date()).decode()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_it)
    assert body.count("SUMMARY;LANGUAGE=ht:Tab nasyonal dyalòg") == meetings
    assert len(seen) < meetings, seen
