"""A meeting as a CalendarEvent, in one reader's language (the same UID everywhere)."""

from __future__ import annotations

from flask_babel import force_locale, gettext, ngettext

from coordinator.calendar.event import CalendarEvent, EventStatus
from coordinator.i18n import local_time
from coordinator.links import absolute_url
from coordinator.models import Meeting
from coordinator.present import ITEM_KIND_LABELS, KIND_LABELS, cancel_reason, series_title


def meeting_url(meeting: Meeting) -> str:
    return absolute_url(f"/meetings/{meeting.id}")


def meeting_event(meeting: Meeting, language: str, *, private: bool) -> CalendarEvent:
    """The VEVENT data of a meeting; `private` adds the online link (invitations, private feeds).

    Clients rarely show URL, so the page address and the join link go in DESCRIPTION too.
    """
    with force_locale(language):
        title = series_title(meeting.series)
        if meeting.cancelled:
            # Some clients show only SUMMARY and ignore STATUS:CANCELLED.
            title = gettext("Cancelled: %(title)s", title=title)
        d = meeting.deadlines
        lines = []
        if meeting.series.description:
            lines.append(meeting.series.description)
        if meeting.cancelled:
            lines.append(" ".join(filter(None, (gettext("This meeting is cancelled."),
                                                cancel_reason(meeting)))))
        elif meeting.published_agenda:
            lines.append(gettext("Agenda:") + "\n" + "\n".join(
                f"{n}. {item['title']} ({ITEM_KIND_LABELS[item['kind']]}, "
                + ngettext("%(num)s minute", "%(num)s minutes", item["duration"])
                + (f", {item['presenter']}" if item.get("presenter") else "") + ")"
                for n, item in enumerate(meeting.published_agenda, start=1)))
        else:
            lines.append(gettext("Suggest agenda topics until %(close)s.",
                                 close=local_time(d.suggestions_close, meeting.zone, "long")))
            lines.append(gettext("The agenda is due by %(due)s.",
                                 due=local_time(d.agenda_due, meeting.zone, "long")))
        online = meeting.online_url or meeting.series.online_url
        if private and online and not meeting.cancelled:  # nobody is asked to join it
            lines.append(gettext("Join online: %(url)s", url=online))
        lines.append(gettext("Meeting page: %(url)s", url=meeting_url(meeting)))
        category = str(KIND_LABELS[meeting.series.kind])
        location = meeting.effective_location
        if private and online and not meeting.cancelled and (
                not location or location.lower() == "online"):
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
