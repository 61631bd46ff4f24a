"""A meeting as a CalendarEvent, in one reader's language (the same UID everywhere)."""

from __future__ import annotations

from flask_babel import force_locale, gettext, ngettext

from coordinator.calendar.event import CalendarEvent, EventStatus
from coordinator.content import services as content
from coordinator.i18n import local_time, written_in_note
from coordinator.links import absolute_url
from coordinator.models import Meeting
from coordinator.outcomes.published import has_minutes
from coordinator.present import (
    ITEM_KIND_LABELS,
    KIND_LABELS,
    cancel_reason,
    meeting_place,
    series_title,
    typed_place,
)


def _marked(shown: content.Shown) -> str:
    note = written_in_note(shown.language)
    return f"{shown.text} [{note}]" if note else shown.text


def _marked_title(item: dict) -> str:
    note = written_in_note(item.get("written_in"))
    return f"{item['title']} [{note}]" if note else item["title"]


def meeting_url(meeting: Meeting) -> str:
    return absolute_url(f"/meetings/{meeting.id}")


def meeting_event(meeting: Meeting, language: str, *, private: bool,
                  translations: content.Translations | None = None,
                  minutes: bool | None = None) -> CalendarEvent:
    """The VEVENT data of a meeting; `private` adds the online link (invitations, private feeds).

    Clients rarely show URL, so the page address and the join link go in DESCRIPTION too.
    Texts people wrote are in `language` where translated, else marked with their own
    (`translations`: a feed loads them once for all its meetings).
    """
    translations = translations if translations is not None else content.for_meetings(
        [meeting])
    with force_locale(language):
        title = series_title(meeting.series, translations)
        if meeting.cancelled:
            # Some clients show only SUMMARY and ignore STATUS:CANCELLED.
            title = gettext("Cancelled: %(title)s", title=title)
        d = meeting.deadlines
        lines = []
        description = translations.of(meeting.series, "description", language)
        if description is not None:
            lines.append(_marked(description))
        if meeting.cancelled:
            lines.append(" ".join(filter(None, (gettext("This meeting is cancelled."),
                                                cancel_reason(meeting, translations)))))
        elif meeting.published_agenda:
            lines.append(gettext("Agenda:") + "\n" + "\n".join(
                f"{n}. {_marked_title(item)} ({ITEM_KIND_LABELS[item['kind']]}, "
                + ngettext("%(num)s minute", "%(num)s minutes", item["duration"])
                + (f", {item['presenter']}" if item.get("presenter") else "") + ")"
                for n, item in enumerate(content.agenda_for(meeting, language, translations),
                                         start=1)))
        else:
            lines.append(gettext("Suggest agenda topics until %(close)s.",
                                 close=local_time(d.suggestions_close, meeting.zone, "long")))
            lines.append(gettext("The agenda is due by %(due)s.",
                                 due=local_time(d.agenda_due, meeting.zone, "long")))
        online = meeting.online_url or meeting.series.online_url
        if private and online and not meeting.cancelled:  # nobody is asked to join it
            lines.append(gettext("Join online: %(url)s", url=online))
        if minutes if minutes is not None else has_minutes([meeting.id]):
            lines.append(gettext("Minutes of the meeting: %(url)s",
                                 url=meeting_url(meeting) + "#minutes"))
        lines.append(gettext("Meeting page: %(url)s", url=meeting_url(meeting)))
        category = str(KIND_LABELS[meeting.series.kind])
        # Invitees get the join link as the place of an online meeting; others read "Online".
        location = meeting_place(meeting)
        if private and online and not meeting.cancelled and typed_place(meeting) is None:
            location = online
    # Confirmed once its agenda is out; until then the date stands but the meeting is tentative.
    if meeting.cancelled:
        status = EventStatus.CANCELLED
    elif meeting.agenda_published_at is not None:
        status = EventStatus.CONFIRMED
    else:
        status = EventStatus.TENTATIVE
    return CalendarEvent(
        uid=meeting.uid, sequence=meeting.sequence, last_modified=meeting.updated_at,
        created=meeting.created_at, start=meeting.start_local, end=meeting.end_local,
        summary=title, description="\n\n".join(lines), status=status, location=location,
        url=meeting_url(meeting), categories=(category,),
    )
