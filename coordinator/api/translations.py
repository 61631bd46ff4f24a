"""A meeting's texts in several languages: what is missing, and translations to save."""

from __future__ import annotations

from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import api_actor
from coordinator.api.meetings import _managed
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.content import services as content
from coordinator.meetings.reads import find_meeting


def _status(meeting_id: int) -> s.TranslationsOut:
    meeting = find_meeting(meeting_id)
    status = content.translation_status(meeting)
    return s.TranslationsOut(
        meeting_id=meeting.id, languages=status.languages, missing=status.missing,
        texts=[s.TextStatusOut(subject=t.subject, subject_id=t.subject_id, field=t.field,
                               original=t.original, written_in=t.written_in,
                               states=t.states,  # type: ignore[arg-type]
                               texts={k: v for k, v in t.texts.items() if v})
               for t in status.texts])


@registry.operation(bp, "GET", "/meetings/{meeting_id}/translations",
                    summary="Which texts lack a translation in the participants' languages",
                    tag="translations", response=s.TranslationsOut, token=True)
def translations(meeting_id: int):
    """Each text people wrote for the meeting (titles, agenda items, reasons) and its state
    in each language its participants read: original, translated, outdated or missing."""
    _, found = _managed(meeting_id)
    return json_response(_status(found.id))


@registry.operation(bp, "PUT", "/meetings/{meeting_id}/translations",
                    summary="Add, correct or remove translations of one text",
                    tag="translations", body=s.TranslationsIn, response=s.TranslationsOut,
                    token=True, errors=(409,))
def translations_save(meeting_id: int, body: s.TranslationsIn):
    """All the languages given are saved together or not at all; null removes one."""
    account, found = _managed(meeting_id)
    texts: dict[str, str | None] = {str(k): v for k, v in body.texts.items()}
    content.translate_texts(body.subject, body.subject_id, body.field, texts,
                            now=utc_now(), actor=api_actor(account), within=found.id)
    return json_response(_status(found.id))
