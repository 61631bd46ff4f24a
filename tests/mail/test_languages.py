"""The same invitation in five languages, each with the recipient's own local time."""

from __future__ import annotations

from flask_babel import force_locale

from coordinator.cadence.zones import get_zone
from coordinator.i18n import local_time
from coordinator.mail.dispatch import dispatch
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world

# (greeting, "your time" label, subject word) in each recipient's language.
EXPECTED = {
    "es": ("Le invitamos a:", "Su hora local:", "Invitación:"),
    "ht": ("Nou envite ou nan:", "Lè kote ou ye:", "Envitasyon:"),
    "pt": ("Você foi convidado(a) para:", "Seu horário local:", "Convite:"),
    "fr": ("Nous vous invitons à\u00a0:", "Votre heure locale\u00a0:", "Invitation\u00a0:"),
    "en": ("You are invited to:", "Your time:", "Invitation:"),
}


def test_one_invitation_rendered_in_five_languages_with_local_times(seeded, mailed) -> None:
    world = make_world(NOW)
    meeting = world.first
    dispatch(NOW)
    received = {r.recipients[0]: r for r in mailed.wait_for(len(PEOPLE))}
    assert len(received) == 5
    for _, address, language, zone in PEOPLE:
        message = received[address].message
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        greeting, label, subject = EXPECTED[language]
        assert greeting in text and label in text, (language, text[:300])
        assert str(message["Subject"]).startswith(subject)
        assert message["Content-Language"] == language
        assert f'<html lang="{language}">' in html
        # The recipient's wall-clock time, in their language's format, with their zone.
        with force_locale(language):
            local = local_time(meeting.start_at, zone)
            meeting_time = local_time(meeting.start_at, meeting.zone)
        assert local in text, (language, local)
        if meeting.start_at.astimezone(get_zone(zone)).utcoffset() != (
                meeting.start_local.utcoffset()):
            assert meeting_time in text  # and the meeting's own time beside it
    # Different zones, different wall-clock times for the same instant:
    assert "10:00" in received["grace@cso.example"].message.get_body(
        ("plain",)).get_content()  # Chicago keeps Guatemala's UTC-06 in December
    assert "11:00" in received["nadege@cso.example"].message.get_body(
        ("plain",)).get_content()  # Montréal is on UTC-05
    assert "13:00" in received["beatriz@cso.example"].message.get_body(
        ("plain",)).get_content()  # São Paulo, UTC-03
