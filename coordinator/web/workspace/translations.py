"""A meeting's texts in its participants' languages: what is missing, and forms to add,
correct or remove translations (the service keeps the original and marks outdated ones)."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from coordinator.cadence.zones import utc_now
from coordinator.content import services as content
from coordinator.content.machine import machine_translator
from coordinator.errors import Refusal, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.present import series_title
from coordinator.web.workspace import actor, an_id, bp, done, managed_meeting

MAX_FORM_TEXT = 5000


def _page(meeting_id: int, *, error: Refusal | None = None, form=None, status: int = 200):
    meeting = managed_meeting(meeting_id)
    wanted = request.args.getlist("language") or None
    status_ = content.translation_status(meeting, wanted)
    drafts = {}
    machine = machine_translator()
    for text in status_.texts:  # a machine draft (none installed by default) prefills a gap
        for language, state in text.states.items():
            if state == "missing":
                draft = machine.suggest(text.original, text.written_in, language)
                if draft:
                    drafts[text.subject, text.subject_id, text.field, language] = draft
    return render_template("workspace/translations.html", meeting=meeting,
                           title=series_title(meeting.series), status=status_,
                           languages=LANGUAGE_NAMES, error=error, form=form or {},
                           drafts=drafts), status


@bp.get("/meetings/<int:meeting_id>/translations")
def translations(meeting_id: int):
    return _page(meeting_id)


@bp.post("/meetings/<int:meeting_id>/translations")
def translations_save(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = request.form
    subject, field = form.get("subject") or "", form.get("field") or ""
    subject_id = an_id(form.get("subject_id"))
    texts = {name.removeprefix("text-"): value[: MAX_FORM_TEXT + 1]
             for name, value in form.items() if name.startswith("text-")}
    try:
        content.translate_texts(subject, subject_id or 0, field, texts, now=utc_now(),
                                actor=actor(), within=meeting.id)
    except Refusal as exc:
        return _page(meeting.id, error=exc, form=form, status=status_of(exc))
    return done(gettext("Translations saved."),
                url_for("workspace.translations", meeting_id=meeting.id))
