"""Minutes: a draft the coordinator writes, published after the meeting began as
immutable versions, mailed to every participant in their own language."""

from __future__ import annotations

import email
from email.policy import default

import pytest
from sqlalchemy import select

from coordinator.content import services as content
from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.mail.kinds import MailKind
from coordinator.meetings.services import cancel_meeting
from coordinator.models import AuditEntry, Invitation
from coordinator.outcomes import rendering
from coordinator.outcomes.minutes import (
    MAX_DECISIONS,
    MAX_TEXT,
    minutes_of,
    publish_minutes,
    save_draft,
    versions_of,
)
from coordinator.unit import Actor
from tests.conftest import NOW

ES = "## Acuerdos\n\nSe revisó el **plan de regularización**.\n\n- salud\n- educación"
HT = "## Desizyon\n\nNou revize **plan regilarizasyon** an."


def _body(row, subtype: str) -> str:  # type: ignore[no-untyped-def]
    message = email.message_from_string(row.body, policy=default)
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return part.get_content()


def test_minutes_wait_for_the_meeting_to_start(outcomes) -> None:
    save_draft(outcomes.first.id, text=ES, decisions=["Aprobar el plan"], written_in="es",
               now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict) as refused:
        publish_minutes(outcomes.first.id, now=NOW, actor=Actor.cli())
    assert refused.value.template == "Minutes can be published once the meeting has started."
    assert minutes_of(outcomes.first) is None


def test_every_participant_gets_the_minutes_in_their_language(outcomes, outbox) -> None:
    minutes = save_draft(outcomes.first.id, text=ES, decisions=["Aprobar el plan"],
                         written_in="es", now=NOW, actor=Actor.cli())
    content.translate("minutes", minutes.id, "text", "ht", HT, now=NOW, actor=Actor.cli(),
                      within=outcomes.first.id)
    version = publish_minutes(outcomes.first.id, now=outcomes.after_first, actor=Actor.cli())

    assert version.version == 1 and version.decisions == ["Aprobar el plan"]
    assert "<h4>Acuerdos</h4>" in version.html and "<strong>" in version.html
    invited = db.session.scalars(select(Invitation).where(
        Invitation.meeting_id == outcomes.first.id, Invitation.cancelled.is_(False))).all()
    sent = outbox(MailKind.MINUTES)
    assert len(invited) == 5 and len(sent) == 5
    by_address = {row.recipient: row for row in sent}
    assert {row.language for row in sent} == {"es", "ht", "pt", "fr", "en"}
    kreyol = by_address["wilner@cso.example"]
    assert "plan regilarizasyon" in _body(kreyol, "plain")
    assert "<strong>plan regilarizasyon</strong>" in _body(kreyol, "html")
    assert "plan de regularización" in _body(by_address["ana@cso.example"], "plain")
    assert "Aprobar el plan" in _body(by_address["grace@cso.example"], "plain")
    assert all(f"minutes:meeting:{outcomes.first.id}:v:1:contact:" in row.key for row in sent)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "minutes.publish"))


def test_a_correction_is_a_new_version_that_says_what_changed(outcomes, outbox) -> None:
    meeting, later = outcomes.first, outcomes.after_first
    save_draft(meeting.id, text=ES, now=NOW, actor=Actor.cli(), written_in="es")
    first = publish_minutes(meeting.id, now=later, actor=Actor.cli())
    with pytest.raises(Conflict):  # nothing new to publish
        publish_minutes(meeting.id, now=later, actor=Actor.cli())
    save_draft(meeting.id, text=ES + "\n\nCorrección: asistió también la OIM.", now=later,
               actor=Actor.cli())
    with pytest.raises(InvalidInput) as refused:
        publish_minutes(meeting.id, now=later, actor=Actor.cli())
    assert refused.value.field == "what_changed"
    second = publish_minutes(meeting.id, now=later, actor=Actor.cli(),
                             what_changed="Se añadió la OIM a los asistentes.")

    assert [v.version for v in versions_of(meeting)] == [1, 2]
    assert minutes_of(meeting) == second and "OIM" not in first.text
    assert len(outbox(MailKind.MINUTES)) == 10  # every participant, once per version
    first.text = "rewritten"
    with pytest.raises(ValueError, match="published"):
        db.session.flush()
    db.session.rollback()


def test_script_is_refused_and_links_are_sanitised(outcomes) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_draft(outcomes.first.id, text="Hola <script>alert(1)</script>", now=NOW,
                   actor=Actor.cli())
    assert refused.value.field == "text" and refused.value.params["tag"] == "<script>"
    html = rendering.to_html("[mire](javascript:alert(1)) y [sitio](https://ok.example)")
    assert 'href="javascript' not in html and 'href="https://ok.example"' in html
    assert "javascript" not in rendering.sanitise('<a href="javascript:alert(1)">x</a>')
    assert rendering.html_tag_in("si a < b y <https://autolink.example>") is None
    assert rendering.sanitise('<p onclick="x()">a</p><img src=x>') == "<p>a</p>"
    assert rendering.plain_paragraphs("a <b>\n\nc") == "<p>a &lt;b&gt;</p>\n<p>c</p>\n"


def test_limits_are_refused_with_messages_to_translate(outcomes) -> None:
    with pytest.raises(InvalidInput) as too_long:
        save_draft(outcomes.first.id, text="x" * (MAX_TEXT + 1), now=NOW, actor=Actor.cli())
    assert too_long.value.params["num"] == MAX_TEXT
    with pytest.raises(InvalidInput) as too_many:
        save_draft(outcomes.first.id, text="ok", decisions=["d"] * (MAX_DECISIONS + 1),
                   now=NOW, actor=Actor.cli())
    assert too_many.value.field == "decisions"
    with pytest.raises(InvalidInput):
        save_draft(outcomes.first.id, text="ok", written_in="xx", now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict):  # nothing was written by the refusals
        publish_minutes(outcomes.first.id, now=outcomes.after_first, actor=Actor.cli())


def test_a_cancelled_meeting_has_no_minutes(outcomes) -> None:
    cancel_meeting(outcomes.first.id, now=NOW, actor=Actor.cli(), reason="Feriado")
    with pytest.raises(Conflict):
        save_draft(outcomes.first.id, text=ES, now=NOW, actor=Actor.cli())
