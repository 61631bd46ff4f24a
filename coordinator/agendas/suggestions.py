"""Topics participants suggest through their personal link, and the coordinator's answers.

The link is signed and bound to one invitation (a meeting and a contact); it works while
the suggestion window is open, and asking for a new one revokes the old.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select

from coordinator.addresses import web_address
from coordinator.agendas import services as agenda
from coordinator.agendas.messages import (
    suggest_link_message,
    suggestion_outcome_message,
    suggestion_received_message,
    topic_left_agenda_message,
)
from coordinator.agendas.proposals import proposal_link
from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations import services as invitations
from coordinator.links import PersonalLink, Renewal, invitation_cancelled, row
from coordinator.mail.outbox import enqueue
from coordinator.models import (
    Invitation,
    ItemKind,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalState,
    Suggestion,
    SuggestionState,
)
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TITLE, MAX_DESCRIPTION, MAX_LINK, MAX_REASON = 200, 4000, 500, 2000
# Topics one contact may have standing for one meeting: generous for a real agenda, and a
# ceiling for a leaked link (withdrawn topics do not count).
MAX_TOPICS = 10


def window_open(meeting: Meeting, now: datetime) -> bool:
    d = meeting.deadlines
    return (meeting.status == MeetingStatus.SCHEDULED
            and d.suggestions_open <= now < d.suggestions_close)


# The topic link: bound to one invitation, revoked by a newer one (asking for a new link
# bumps the version); it shows the page while the meeting stands and takes topics while
# the window is open. It carries no time: the window is its lifetime.
SUGGEST_LINK: PersonalLink[Invitation] = PersonalLink(
    "suggest", "/suggest/{token}", {"i": int, "v": int},
    bind=lambda payload: row(Invitation, payload["i"]),
    version=("v", lambda invitation: invitation.suggest_version),
    gone=invitation_cancelled,
    closed=lambda invitation, now: None if window_open(invitation.meeting, now) else "closed",
    renewal=Renewal("suggest.renew",
                    offered=lambda invitation, now: window_open(invitation.meeting, now)))

# A topic's status page, mailed with each answer: it shows the topic for as long as it
# exists.
STATUS_LINK: PersonalLink[Suggestion] = PersonalLink(
    "suggestion", "/suggestions/{token}", {"s": int},
    bind=lambda payload: row(Suggestion, payload["s"]))


def suggest_link(invitation: Invitation) -> str:
    return SUGGEST_LINK.url({"i": invitation.id, "v": invitation.suggest_version})


def status_link(suggestion: Suggestion) -> str:
    return STATUS_LINK.url({"s": suggestion.id})


def _taking_topics(invitation: Invitation, now: datetime) -> None:
    """The rule behind the link's door, for callers that hold an invitation directly."""
    if invitation_cancelled(invitation, now) or not window_open(invitation.meeting, now):
        raise Conflict(N_("Suggestions for this meeting are closed."))


def _check(title: str, description: str, link: str | None, language: str,
           minutes: int) -> tuple[str, str, str | None]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise InvalidInput(N_("Give your topic a title."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(Np_("The title is longer than %(num)s character.",
                               "The title is longer than %(num)s characters."),
                           field="title", num=MAX_TITLE)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(Np_("The description is longer than %(num)s character.",
                               "The description is longer than %(num)s characters."),
                           field="description", num=MAX_DESCRIPTION)
    link = (link or "").strip() or None
    if link is not None and (len(link) > MAX_LINK or web_address(link) is None):
        raise InvalidInput(N_("The link must be a web address starting with https://."),
                           field="link")
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    if not isinstance(minutes, int) or not 1 <= minutes <= 120:
        raise InvalidInput(N_("The time needed is a number of minutes from 1 to 120."),
                           field="minutes")
    return title, description, link


def submit_suggestion(invitation: Invitation, *, form_key: str, title: str, description: str,
                      link: str | None, language: str, minutes: int, show_name: bool,
                      now: datetime) -> Suggestion:
    """Store a topic once per form (a resubmitted form returns the first one) and confirm it."""
    ensure_aware(now, "now")
    if not form_key or len(form_key) > 64:
        raise InvalidInput(N_("The form has expired; reload the page."), field="form")
    with unit_of_work(Actor("suggestion-link"), now) as unit:
        _taking_topics(invitation, now)
        earlier = unit.session.scalars(select(Suggestion).where(
            Suggestion.contact_id == invitation.contact_id,
            Suggestion.form_key == form_key)).first()
        if earlier is not None:
            return earlier
        title, description, link = _check(title, description, link, language, minutes)
        standing = unit.session.scalar(select(func.count(Suggestion.id)).where(
            Suggestion.contact_id == invitation.contact_id,
            Suggestion.meeting_id == invitation.meeting_id,
            Suggestion.state != SuggestionState.WITHDRAWN)) or 0
        if standing >= MAX_TOPICS:
            raise Conflict(Np_("You have suggested %(num)s topic for this meeting, the most "
                               "one person can. Withdraw it to suggest another.",
                               "You have suggested %(num)s topics for this meeting, the most "
                               "one person can. Withdraw one to suggest another."),
                           field="title", num=MAX_TOPICS)
        suggestion = Suggestion(
            meeting=invitation.meeting, contact=invitation.contact, form_key=form_key,
            title=title, description=description, link=link, language=language,
            minutes_needed=minutes, show_name=show_name, created_at=now, updated_at=now)
        unit.session.add(suggestion)
        unit.session.flush()
        _tell(unit, suggestion, "received")
        unit.record("suggestion.submit", "suggestion", suggestion.id,
                    meeting=invitation.meeting_id, contact=invitation.contact_id)
    return suggestion


def _own(unit: Unit, invitation: Invitation, suggestion_id: int) -> Suggestion:
    suggestion = unit.session.get(Suggestion, suggestion_id)
    if (suggestion is None or suggestion.contact_id != invitation.contact_id
            or suggestion.meeting_id != invitation.meeting_id):
        raise NotFound(N_("No such suggestion."))
    if suggestion.state != SuggestionState.SUBMITTED:
        raise Conflict(N_("This suggestion was withdrawn or already decided."))
    return suggestion


def edit_suggestion(invitation: Invitation, suggestion_id: int, *, title: str,
                    description: str, link: str | None, language: str, minutes: int,
                    show_name: bool, now: datetime) -> Suggestion:
    with unit_of_work(Actor("suggestion-link"), now) as unit:
        _taking_topics(invitation, now)
        suggestion = _own(unit, invitation, suggestion_id)
        title, description, link = _check(title, description, link, language, minutes)
        suggestion.title, suggestion.description, suggestion.link = title, description, link
        suggestion.language, suggestion.minutes_needed = language, minutes
        suggestion.show_name, suggestion.updated_at = show_name, now
        unit.record("suggestion.edit", "suggestion", suggestion.id)
    return suggestion


def withdraw_suggestion(invitation: Invitation, suggestion_id: int, *,
                        now: datetime) -> Suggestion:
    with unit_of_work(Actor("suggestion-link"), now) as unit:
        _taking_topics(invitation, now)
        suggestion = _own(unit, invitation, suggestion_id)
        suggestion.state, suggestion.updated_at = SuggestionState.WITHDRAWN, now
        unit.record("suggestion.withdraw", "suggestion", suggestion.id)
    return suggestion


def renew_link(invitation: Invitation, *, now: datetime) -> bool:
    """A new topic link by mail (the old one stops working), if the window is still open."""
    with unit_of_work(Actor("suggestion-link"), now) as unit:
        if not window_open(invitation.meeting, now):
            return False
        invitation.suggest_version += 1
        send_link(unit, invitation)
        unit.record("suggestion.renew_link", "invitation", invitation.id)
    return True


@invitations.suggestion_window_opened.connect
def send_links(unit: Unit, meeting: Meeting) -> int:
    """The window is open: each invited contact who has not declined gets their link."""
    if not window_open(meeting, unit.now):
        return 0
    # Topic links are civil society's channel: government coordinators invited as
    # accounts (the special coordinators' meeting) get none.
    return sum(send_link(unit, invitation)
               for invitation in invitations.invited(unit, meeting, declined=False)
               if invitation.contact_id is not None)


def send_link(unit: Unit, invitation: Invitation) -> bool:
    """Mail this person their topic link (when the window opens, or on request)."""
    return enqueue(unit.session, suggest_link_message(invitation, suggest_link(invitation),
                                                      now=unit.now), unit.now)


def _tell(unit: Unit, suggestion: Suggestion, what: Literal["received", "outcome"]) -> None:
    """Mail the proposer: their topic was received, or its outcome."""
    message = suggestion_received_message if what == "received" else suggestion_outcome_message
    enqueue(unit.session, message(suggestion, status_link(suggestion), now=unit.now), unit.now)


# --- moderation -------------------------------------------------------------------------

def _pending(unit: Unit, suggestion_id: int) -> Suggestion:
    suggestion = unit.session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(N_("No suggestion %(id)s."), id=suggestion_id)
    if suggestion.state != SuggestionState.SUBMITTED:
        raise Conflict(N_("Suggestion %(id)s is %(state)s, not pending."),
                       id=suggestion_id, state=suggestion.state.value)
    return suggestion


def _decide(unit: Unit, suggestion: Suggestion, state: SuggestionState,
            reason: str | None) -> None:
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(Np_("The reason is longer than %(num)s character.",
                               "The reason is longer than %(num)s characters."),
                           field="reason", num=MAX_REASON)
    suggestion.state, suggestion.reason = state, (reason or "").strip() or None
    suggestion.reason_language = content.author_language(unit) if suggestion.reason else None
    suggestion.decided_at = suggestion.updated_at = unit.now
    if not suggestion.meeting.hold_outcomes:
        suggestion.released_at = unit.now
        _tell(unit, suggestion, "outcome")
    unit.record(f"suggestion.{state.value}", "suggestion", suggestion.id, reason=reason,
                held=suggestion.released_at is None)


def accept_suggestion(suggestion_id: int, *, now: datetime, actor: Actor,
                      reason: str | None = None, duration: int | None = None) -> Suggestion:
    """Put a suggested topic on the agenda draft, presented by the proposer's organisation
    if they agreed to be named."""
    with unit_of_work(actor, now) as unit:
        suggestion = _pending(unit, suggestion_id)
        agenda.add_item_in(unit, suggestion.meeting, kind=ItemKind.CSO_PROPOSAL.value,
                           title=suggestion.title,
                           presenter=agenda.proposer_presenter(suggestion.contact,
                                                               consent=suggestion.show_name),
                           duration=duration or suggestion.minutes_needed,
                           language=suggestion.language, suggestion_id=suggestion.id,
                           written_in=suggestion.language)
        _decide(unit, suggestion, SuggestionState.ACCEPTED, reason)
    return suggestion


def merge_suggestion(suggestion_id: int, into_id: int, *, now: datetime, actor: Actor,
                     reason: str | None = None) -> Suggestion:
    with unit_of_work(actor, now) as unit:
        suggestion = _pending(unit, suggestion_id)
        target = unit.session.get(Suggestion, into_id)
        if target is None or target.meeting_id != suggestion.meeting_id or target.id == \
                suggestion.id:
            raise InvalidInput(N_("Merge into another suggestion for the same meeting."),
                               field="into")
        suggestion.merged_into_id = target.id
        _decide(unit, suggestion, SuggestionState.MERGED, reason)
    return suggestion


def defer_suggestion(suggestion_id: int, *, now: datetime, actor: Actor,
                     reason: str | None = None) -> Suggestion:
    """Carry a topic over to the series' next meeting, where it waits for a decision."""
    with unit_of_work(actor, now) as unit:
        suggestion = _pending(unit, suggestion_id)
        following = unit.session.scalars(
            select(Meeting).where(Meeting.series_id == suggestion.meeting.series_id,
                                  Meeting.start_at > suggestion.meeting.start_at,
                                  Meeting.status == MeetingStatus.SCHEDULED)
            .order_by(Meeting.start_at)).first()
        if following is None:
            raise Conflict(N_("The series has no later meeting to defer to."))
        suggestion.deferred_to = following
        unit.session.add(Suggestion(
            meeting=following, contact=suggestion.contact,
            form_key=f"deferred:{suggestion.id}", title=suggestion.title,
            description=suggestion.description, link=suggestion.link,
            language=suggestion.language, minutes_needed=suggestion.minutes_needed,
            show_name=suggestion.show_name, created_at=now, updated_at=now))
        _decide(unit, suggestion, SuggestionState.DEFERRED, reason)
    return suggestion


def decline_suggestion(suggestion_id: int, *, reason: str, now: datetime,
                       actor: Actor) -> Suggestion:
    if not (reason or "").strip():
        raise InvalidInput(N_("Say why the topic is declined: the reason is sent and "
                              "published."),
                           field="reason")
    with unit_of_work(actor, now) as unit:
        suggestion = _pending(unit, suggestion_id)
        _decide(unit, suggestion, SuggestionState.DECLINED, reason)
    return suggestion


def release_outcomes(meeting_id: int, *, now: datetime, actor: Actor) -> int:
    """Announce every held outcome of a meeting at once (mails and the public page)."""
    with unit_of_work(actor, now) as unit:
        if unit.lock_meeting(meeting_id) is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        held = list(unit.session.scalars(select(Suggestion).where(
            Suggestion.meeting_id == meeting_id, Suggestion.decided_at.is_not(None),
            Suggestion.released_at.is_(None))))
        for suggestion in held:
            suggestion.released_at = now
            _tell(unit, suggestion, "outcome")
        unit.record("suggestion.release", "meeting", meeting_id, outcomes=len(held))
    return len(held)


@agenda.topics_left_agenda.connect
def topics_left(unit: Unit, meeting: Meeting, suggestions: list[Suggestion],
                proposals: list[Proposal]) -> int:
    """Topics taken off a meeting's agenda: an accepted suggestion becomes "taken off the
    agenda" (its status page and the meeting page say so), a proposal goes back to "under
    consideration" (the committee still has it); each proposer is told by mail. A held
    outcome stays held: its announcement will say where the topic ended."""
    queued = 0
    for suggestion in suggestions:
        suggestion.state, suggestion.updated_at = SuggestionState.OFF_AGENDA, unit.now
        if suggestion.released_at is not None:
            queued += enqueue(unit.session, topic_left_agenda_message(
                suggestion.contact, meeting, suggestion.title, status_link(suggestion),
                proposal=False, about=suggestion.id, now=unit.now), unit.now)
        unit.record("suggestion.off_agenda", "suggestion", suggestion.id, meeting=meeting.id,
                    held=suggestion.released_at is None)
    for proposal in proposals:
        proposal.state, proposal.meeting = ProposalState.UNDER_CONSIDERATION, None
        proposal.updated_at = unit.now
        queued += enqueue(unit.session, topic_left_agenda_message(
            proposal.contact, meeting, proposal.title,
            proposal_link(proposal.contact, proposal.committee), proposal=True,
            about=proposal.id, now=unit.now), unit.now)
        unit.record("proposal.off_agenda", "proposal", proposal.id, meeting=meeting.id)
    return queued


def new_form_key() -> str:
    return secrets.token_urlsafe(16)


def own_suggestions(invitation: Invitation) -> list[Suggestion]:
    """The topics this invitee sent for this meeting, oldest first (their link's page)."""
    return list(db.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == invitation.meeting_id,
        Suggestion.contact_id == invitation.contact_id).order_by(Suggestion.created_at)))
