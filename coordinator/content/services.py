"""Add, correct or remove a translation; show a text in the reader's language; list what a
meeting still lacks in its participants' languages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from coordinator.cadence.errors import N_, Np_
from coordinator.content.fields import FIELDS, Translatable
from coordinator.content.models import ContentTranslation
from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import (
    Account,
    AgendaItem,
    Contact,
    Invitation,
    Meeting,
    MeetingStatus,
    Suggestion,
)
from coordinator.outcomes.models import ActionItem, Minutes
from coordinator.unit import Actor, Unit, unit_of_work

TRANSLATION = "translation"  # the audit entity


def digest(original: str) -> str:
    """What a translation was made from: an edited original outdates it."""
    return hashlib.sha256(original.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Shown:
    """A text as one reader sees it: a translation into their language, or the original
    with the language it was written in (None: not known)."""

    text: str
    language: str | None
    translated: bool = False

    def foreign_to(self, reader: str | None) -> bool:
        return bool(self.language and reader and self.language != reader)


class Translations:
    """A batch of translations, loaded once for a page, a mail or a feed."""

    def __init__(self, rows: Iterable[ContentTranslation] = ()) -> None:
        self.rows = {(r.subject, r.subject_id, r.field, r.language): r for r in rows}

    def show(self, subject: str, subject_id: int | None, field_name: str, original: str,
             written_in: str | None, reader: str | None) -> Shown:
        """The reader's translation if one is current, else the original."""
        if reader and written_in != reader and subject_id is not None:
            row = self.rows.get((subject, subject_id, field_name, reader))
            if row is not None and row.original_digest == digest(original):
                return Shown(row.text, reader, translated=True)
        return Shown(original, written_in)

    def of(self, row: Any, field_name: str, reader: str | None) -> Shown | None:
        """A registered field of a row for this reader (None when the field is empty)."""
        spec = _spec_for(row, field_name)
        original = spec.original(row)
        if not original:
            return None
        return self.show(spec.subject, row.id, field_name, original, spec.written_in(row),
                         reader)

    def state(self, subject: str, subject_id: int, field_name: str, original: str,
              language: str) -> str:
        row = self.rows.get((subject, subject_id, field_name, language))
        if row is None:
            return "missing"
        return "translated" if row.original_digest == digest(original) else "outdated"

    def text(self, subject: str, subject_id: int, field_name: str, language: str) -> str:
        row = self.rows.get((subject, subject_id, field_name, language))
        return row.text if row is not None else ""


_SPECS: dict[tuple[type, str], Translatable] = {}


def _spec_for(row: Any, field_name: str) -> Translatable:
    """The registered field of a row's class (found once per class: pages ask thousands
    of times)."""
    found = _SPECS.get((type(row), field_name))
    if found is not None:
        return found
    for spec in FIELDS.values():
        if isinstance(row, spec.model) and spec.field == field_name:
            _SPECS[(type(row), field_name)] = spec
            return spec
    raise LookupError(f"{type(row).__name__}.{field_name} is not translatable")


def for_meetings(meetings: Sequence[Meeting], *,
                 session: DbSession | None = None) -> Translations:
    """Every translation hanging on these meetings and their series, in one query."""
    meeting_ids = {m.id for m in meetings}
    series_ids = {m.series_id for m in meetings}
    if not meeting_ids:
        return Translations()
    return Translations((session or db.session).scalars(select(ContentTranslation).where(or_(
        ContentTranslation.meeting_id.in_(meeting_ids),
        ContentTranslation.series_id.in_(series_ids)))))


def for_series(series_ids: Iterable[int]) -> Translations:
    ids = set(series_ids)
    if not ids:
        return Translations()
    return Translations(db.session.scalars(
        select(ContentTranslation).where(ContentTranslation.series_id.in_(ids))))


def for_subjects(ids: Mapping[str, Iterable[int]], language: str | None, *,
                 session: DbSession | None = None) -> Translations:
    """One language's translations of texts that hang on no meeting (commitments, their
    indicators and timelines), for whole pages of them: one query per subject."""
    if not language:
        return Translations()
    rows: list[ContentTranslation] = []
    for subject, subject_ids in ids.items():
        wanted = sorted(set(subject_ids))
        for start in range(0, len(wanted), 900):  # below any database's parameter limit
            rows.extend((session or db.session).scalars(select(ContentTranslation).where(
                ContentTranslation.subject == subject,
                ContentTranslation.language == language,
                ContentTranslation.subject_id.in_(wanted[start:start + 900]))))
    return Translations(rows)


def shown(row: Any, field_name: str, reader: str | None) -> Shown | None:
    """One registered field of one row for a reader (None when empty): one small query,
    made only when the reader's language is not the original's."""
    spec = _spec_for(row, field_name)
    original = spec.original(row)
    if not original:
        return None
    written_in = spec.written_in(row)
    if not reader or reader == written_in or row.id is None:
        return Shown(original, written_in)
    found = db.session.scalars(select(ContentTranslation).filter_by(
        subject=spec.subject, subject_id=row.id, field=field_name, language=reader))
    return Translations(found).show(spec.subject, row.id, field_name, original, written_in,
                                    reader)


def agenda_for(meeting: Meeting, reader: str | None,
               translations: Translations | None = None) -> list[dict[str, Any]]:
    """The published agenda for one reader: each entry as published, its title in the
    reader's language where a current translation exists, with the title's language
    (`written_in`) and whether it is a translation (`translated`)."""
    translations = translations if translations is not None else for_meetings([meeting])
    entries = []
    for entry in meeting.published_agenda or []:
        shown = translations.show("agenda_item", entry.get("id"), "title",
                                  entry.get("title", ""), entry.get("written_in"), reader)
        entries.append({**entry, "title": shown.text, "written_in": shown.language,
                        "translated": shown.translated})
    return entries


def author_language(unit: Unit, given: str | None = None) -> str | None:
    """The language a text is written in: the one given, else the writer's own (their
    account's language); None when nobody with a language wrote it (the command line)."""
    if given:
        if given not in LANGUAGE_NAMES:
            raise InvalidInput(N_("Choose a language from the list."), field="written_in")
        return given
    if unit.actor.account_id is None:
        return None
    account = unit.session.get(Account, unit.actor.account_id)
    return account.language if account is not None else None


# --- changing translations --------------------------------------------------------------

def _check(subject: str, field_name: str, language: str | None,
           text: str | None) -> Translatable:
    spec = FIELDS.get((subject, field_name))
    if spec is None:
        raise InvalidInput(N_("This text cannot be translated."), field="field")
    if language is None:
        return spec
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    if text is not None and len(text) > spec.limit:
        raise InvalidInput(Np_("The translation is longer than %(num)s character.",
                               "The translation is longer than %(num)s characters."),
                           field="text", num=spec.limit)
    if text is not None and any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInput(N_("The translation contains control characters."), field="text")
    return spec


def translate(subject: str, subject_id: int, field_name: str, language: str,
              text: str | None, *, now: datetime, actor: Actor,
              within: int | None = None) -> ContentTranslation | None:
    """Add or correct the `language` translation of one text; an empty text removes it."""
    return translate_texts(subject, subject_id, field_name, {language: text}, now=now,
                           actor=actor, within=within).get(language)


def translate_texts(subject: str, subject_id: int, field_name: str,
                    texts: Mapping[str, str | None], *, now: datetime, actor: Actor,
                    within: int | None = None) -> dict[str, ContentTranslation | None]:
    """Add, correct or remove (empty text) translations of one text, several languages at
    once and all or nothing.

    Each translation records which original it was made from, so an edit of the original
    shows as "outdated" and readers get the original until someone translates it again.
    Texts of a meeting change under the meeting's lock, like everything hanging on it.
    `within`: the meeting the door was allowed to change; a text of another is not found.
    """
    cleaned = {language: (text or "").replace("\r\n", "\n").strip() or None
               for language, text in texts.items()}
    spec = _check(subject, field_name, None, None)
    for language, text in cleaned.items():
        _check(subject, field_name, language, text)
    done: dict[str, ContentTranslation | None] = {}
    with unit_of_work(actor, now) as unit:
        row = (unit.session.get(spec.model, subject_id) if 0 < subject_id < 2**31 else None)
        meeting_id, series_id = spec.scope(row) if row is not None else (None, None)
        if row is None or (within is not None and not _belongs(unit, within, meeting_id,
                                                               series_id)):
            raise NotFound(N_("No text %(id)s to translate."), id=subject_id)
        if meeting_id is not None:
            unit.lock_meeting(meeting_id)
            unit.session.refresh(row)
        original = spec.original(row)
        if not original:
            raise Conflict(N_("There is no text to translate yet."), field="text")
        for language, text in cleaned.items():
            if spec.written_in(row) == language:
                if text is None:
                    continue  # the original's own column, left empty in a form: nothing to do
                raise InvalidInput(N_("The text was written in this language: edit the "
                                      "text itself."), field="language")
            done[language] = _store(unit, spec, row, original, language, text,
                                    (meeting_id, series_id))
    return done


def _belongs(unit: Unit, meeting_id: int, text_meeting: int | None,
             text_series: int | None) -> bool:
    if text_meeting is not None:
        return text_meeting == meeting_id
    meeting = unit.session.get(Meeting, meeting_id)
    return meeting is not None and meeting.series_id == text_series


def _store(unit: Unit, spec: Translatable, row: Any, original: str, language: str,
           text: str | None, scope: tuple[int | None, int | None]) -> ContentTranslation | None:
    existing = unit.session.scalar(select(ContentTranslation).filter_by(
        subject=spec.subject, subject_id=row.id, field=spec.field, language=language))
    if text is None:
        if existing is not None:
            unit.session.delete(existing)
            unit.record("translation.remove", TRANSLATION, row.id, subject=spec.subject,
                        field=spec.field, language=language)
        return None
    if existing is not None and existing.text == text and (
            existing.original_digest == digest(original)):
        return existing  # saved again unchanged: no new version, no audit entry
    if existing is None:
        existing = ContentTranslation(subject=spec.subject, subject_id=row.id, field=spec.field,
                                      language=language, meeting_id=scope[0], series_id=scope[1])
        unit.session.add(existing)
    existing.text, existing.original_digest = text, digest(original)
    existing.account_id, existing.updated_at = unit.actor.account_id, unit.now
    unit.session.flush()
    unit.record("translation.set", TRANSLATION, row.id, subject=spec.subject, field=spec.field,
                language=language)
    return existing


# --- what a meeting lacks ---------------------------------------------------------------

@dataclass(frozen=True)
class TextStatus:
    """One text of a meeting and its state in each language: "original", "translated",
    "outdated" (the original changed since) or "missing"."""

    subject: str
    subject_id: int
    field: str
    label: str
    original: str
    written_in: str | None
    states: dict[str, str]
    texts: dict[str, str]

    @property
    def complete(self) -> bool:
        return all(state in ("original", "translated") for state in self.states.values())


@dataclass(frozen=True)
class TranslationStatus:
    languages: list[str]
    texts: list[TextStatus]

    @property
    def missing(self) -> int:
        return sum(1 for t in self.texts for s in t.states.values()
                   if s in ("missing", "outdated"))


def participant_languages(meeting: Meeting) -> list[str]:
    """The languages the meeting's invited people read (contacts and accounts)."""
    contacts = db.session.scalars(
        select(Contact.language).join(Invitation, Invitation.contact_id == Contact.id)
        .where(Invitation.meeting_id == meeting.id, Invitation.cancelled.is_(False))
        .distinct())
    accounts = db.session.scalars(
        select(Account.language).join(Invitation, Invitation.account_id == Account.id)
        .where(Invitation.meeting_id == meeting.id, Invitation.cancelled.is_(False))
        .distinct())
    found = {code for code in (*contacts, *accounts) if code in LANGUAGE_NAMES}
    return [code for code in LANGUAGE_NAMES if code in found]


def _texts_of(meeting: Meeting) -> list[tuple[Translatable, Any]]:
    series = meeting.series
    texts: list[tuple[Translatable, Any]] = [
        (FIELDS["series", name], series)
        for name in ("title", "description", "short_notice_justification")
        if getattr(series, name)]
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position))
    texts += [(FIELDS["agenda_item", "title"], item) for item in items]
    if meeting.status == MeetingStatus.CANCELLED and meeting.cancel_reason:
        texts.append((FIELDS["meeting", "cancel_reason"], meeting))
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    if minutes is not None and minutes.text:
        texts.append((FIELDS["minutes", "text"], minutes))
    actions = db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                 .order_by(ActionItem.id))
    texts += [(FIELDS["action_item", "text"], action) for action in actions]
    released = db.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == meeting.id, Suggestion.released_at.is_not(None))
        .order_by(Suggestion.id))
    for suggestion in released:
        texts.append((FIELDS["suggestion", "title"], suggestion))
        if suggestion.reason:
            texts.append((FIELDS["suggestion", "reason"], suggestion))
    return texts


def translation_status(meeting: Meeting,
                       languages: Sequence[str] | None = None) -> TranslationStatus:
    """Each text of a meeting against each language its participants read (or `languages`):
    what a coordinator sees at a glance, and what the API reports."""
    wanted = list(languages) if languages is not None else participant_languages(meeting)
    translations = for_meetings([meeting])
    rows = []
    for spec, row in _texts_of(meeting):
        original = spec.original(row) or ""
        written_in = spec.written_in(row)
        states = {language: ("original" if language == written_in else
                             translations.state(spec.subject, row.id, spec.field, original,
                                                language))
                  for language in wanted}
        texts = {language: translations.text(spec.subject, row.id, spec.field, language)
                 for language in wanted}
        rows.append(TextStatus(spec.subject, row.id, spec.field, str(spec.label), original,
                               written_in, states, texts))
    return TranslationStatus(wanted, rows)
