"""Action items: who does what by when, where it came from, and how it ends (issue 16).

An item has exactly one owner: a country's coordination (its special coordinators), a
committee (its coordinators), an organisation (its active contacts) or one account.
`owners_of` says who stands behind each, for reminders and for the pages that list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from coordinator.agendas import services as agendas
from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.i18n import supported_language
from coordinator.links import row
from coordinator.models import (
    Account,
    AgendaItem,
    Committee,
    Contact,
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    Proposal,
    RegistrationState,
    Role,
    Series,
    Suggestion,
)
from coordinator.outcomes.models import ActionItem, ActionStatus, FollowUp, Minutes
from coordinator.unit import Actor, Unit, unit_of_work

MAX_TEXT, MAX_REASON = 1000, 2000
AUDIT = "action_item"
UNSETTLED = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# Where an item may go from each status: done and dropped items can be reopened, but a
# done item is not dropped afterwards (nor a dropped one done) without reopening it first.
TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE,
                                  ActionStatus.DROPPED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.OPEN, ActionStatus.DONE,
                                         ActionStatus.DROPPED}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.DROPPED: frozenset({ActionStatus.OPEN}),
}
FOLLOW_UP_TITLE_LIMIT = agendas.MAX_TITLE


@dataclass(frozen=True)
class Owner:
    """Exactly one of: a country's ISO code, a committee's slug, an organisation's id, an
    account's id (as every door receives it)."""

    country: str | None = None
    committee: str | None = None
    organisation_id: int | None = None
    account_id: int | None = None


def _check_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(N_("Say what is to be done."), field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(Np_("The action item is longer than %(num)s character.",
                               "The action item is longer than %(num)s characters."),
                           field="text", num=MAX_TEXT)
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInput(N_("The action item contains control characters."), field="text")
    return text


def _local_today(now: datetime, zone: str) -> date:
    return now.astimezone(get_zone(zone)).date()


def _check_due(due_on: object, now: datetime, zone: str) -> date:
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise InvalidInput(N_("Give the due date as a date."), field="due_on")
    if due_on < _local_today(now, zone):
        raise InvalidInput(N_("The due date %(date)s has already passed."), field="due_on",
                           date=due_on)
    return due_on


def _resolve_owner(unit: Unit, owner: Owner) -> dict[str, int]:
    given = [v for v in (owner.country, owner.committee, owner.organisation_id,
                         owner.account_id) if v not in (None, "")]
    if len(given) != 1:
        raise InvalidInput(N_("Choose one owner: a country, a committee, an organisation "
                              "or a person."), field="owner")
    session = unit.session
    if owner.country:
        country = session.scalar(select(Country).where(
            Country.iso == str(owner.country).upper()))
        if country is None:
            raise InvalidInput(N_("Unknown country %(value)s."), field="owner",
                               value=owner.country)
        return {"owner_country_id": country.id}
    if owner.committee:
        committee = session.scalar(select(Committee).where(
            Committee.slug == owner.committee))
        if committee is None:
            raise InvalidInput(N_("Unknown committee %(value)s."), field="owner",
                               value=owner.committee)
        return {"owner_committee_id": committee.id}
    if owner.organisation_id is not None:
        organisation = row(Organisation, owner.organisation_id)
        if organisation is None or organisation.registration_state != RegistrationState.APPROVED:
            raise InvalidInput(N_("Organisation %(value)s is not an approved organisation."),
                               field="owner", value=owner.organisation_id)
        return {"owner_organisation_id": organisation.id}
    account = row(Account, owner.account_id)
    if account is None or not account.active:
        raise InvalidInput(N_("Account %(value)s is not an active account."), field="owner",
                           value=owner.account_id)
    return {"owner_account_id": account.id}


def _in_scope(session: DbSession, actor: Account | None, owner: dict[str, int]) -> bool:
    """Whether a coordinator may give an item to this owner: their own country (and its
    organisations and coordinators), their own committee (and its member countries).
    The secretariat and doors without an account (CLI, scheduler) may give it to anyone."""
    if actor is None or actor.role == Role.SECRETARIAT:
        return True
    if owner.get("owner_account_id") == actor.id:
        return True
    if actor.role == Role.SPECIAL_COORDINATOR and actor.country_id is not None:
        if "owner_country_id" in owner:
            return owner["owner_country_id"] == actor.country_id
        if "owner_organisation_id" in owner:
            organisation = session.get(Organisation, owner["owner_organisation_id"])
            return organisation is not None and any(
                c.id == actor.country_id for c in organisation.countries)
        if "owner_account_id" in owner:
            account = session.get(Account, owner["owner_account_id"])
            return account is not None and account.country_id == actor.country_id
    if actor.role == Role.COMMITTEE_COORDINATOR and actor.committee_id is not None:
        committee = session.get(Committee, actor.committee_id)
        members = {m.country_id for m in committee.members} if committee else set()
        if "owner_committee_id" in owner:
            return owner["owner_committee_id"] == actor.committee_id
        if "owner_country_id" in owner:
            return owner["owner_country_id"] in members
        if "owner_account_id" in owner:
            account = session.get(Account, owner["owner_account_id"])
            return account is not None and account.committee_id == actor.committee_id
        if "owner_organisation_id" in owner:
            organisation = session.get(Organisation, owner["owner_organisation_id"])
            return organisation is not None and any(
                c.id in members for c in organisation.countries)
    return False


def _owner(unit: Unit, owner: Owner) -> dict[str, int]:
    resolved = _resolve_owner(unit, owner)
    account = (unit.session.get(Account, unit.actor.account_id)
               if unit.actor.account_id is not None else None)
    if not _in_scope(unit.session, account, resolved):
        raise InvalidInput(N_("This owner is outside what you coordinate."), field="owner")
    return resolved


def _origin(unit: Unit, meeting: Meeting | None, agenda_item_id: int | None,
            suggestion_id: int | None, proposal_id: int | None) -> None:
    """Links to where an item came from must point inside its meeting."""
    if agenda_item_id is not None:
        item = row(AgendaItem, agenda_item_id)
        if item is None or meeting is None or item.meeting_id != meeting.id:
            raise InvalidInput(N_("No agenda item %(id)s on this meeting."),
                               field="agenda_item_id", id=agenda_item_id)
    if suggestion_id is not None:
        suggestion = row(Suggestion, suggestion_id)
        if suggestion is None or meeting is None or suggestion.meeting_id != meeting.id:
            raise InvalidInput(N_("No suggested topic %(id)s for this meeting."),
                               field="suggestion_id", id=suggestion_id)
    if proposal_id is not None and row(Proposal, proposal_id) is None:
        raise InvalidInput(N_("No proposal %(id)s."), field="proposal_id", id=proposal_id)


def add_action_item(*, text: str, owner: Owner, due_on: date, now: datetime, actor: Actor,
                    series_id: int | None = None, meeting_id: int | None = None,
                    minutes_id: int | None = None, agenda_item_id: int | None = None,
                    suggestion_id: int | None = None, proposal_id: int | None = None,
                    written_in: str | None = None) -> ActionItem:
    """A new open item, from a meeting's minutes, from a meeting, or on its own in a
    series; its due date is a day in the meeting's zone (the series' when it has none)."""
    ensure_aware(now, "now")
    text = _check_text(text)
    with unit_of_work(actor, now) as unit:
        if minutes_id is not None:
            minutes = row(Minutes, minutes_id)
            if minutes is None or (meeting_id is not None and minutes.meeting_id != meeting_id):
                raise NotFound(N_("No minutes %(id)s."), id=minutes_id)
            meeting_id = minutes.meeting_id
        meeting: Meeting | None = None
        if meeting_id is not None:
            meeting = (unit.lock_meeting(meeting_id) if row(Meeting, meeting_id) is not None
                       else None)
            if meeting is None:
                raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
            if series_id is not None and series_id != meeting.series_id:
                raise InvalidInput(N_("This meeting is not in that series."), field="series_id")
            series = meeting.series
        else:
            found = row(Series, series_id)
            if found is None:
                raise NotFound(N_("No series %(id)s."), id=series_id)
            series = found
        zone = meeting.zone if meeting is not None else series.current_rule.zone
        due = _check_due(due_on, now, zone)
        _origin(unit, meeting, agenda_item_id, suggestion_id, proposal_id)
        item = ActionItem(
            series_id=series.id, text=text, written_in=content.author_language(unit, written_in),
            due_on=due, zone=zone, status=ActionStatus.OPEN, meeting_id=meeting_id,
            minutes_id=minutes_id, agenda_item_id=agenda_item_id, suggestion_id=suggestion_id,
            proposal_id=proposal_id, account_id=actor.account_id, created_at=now,
            updated_at=now, **_owner(unit, owner))
        unit.session.add(item)
        unit.session.flush()
        unit.record("action_item.add", AUDIT, item.id, series=series.id, meeting=meeting_id,
                    due_on=due, owner=_owner_key(item))
    return item


def update_action_item(item_id: int, *, now: datetime, actor: Actor,
                       status: str | None = None, reason: str | None = None,
                       text: str | None = None, due_on: date | None = None,
                       owner: Owner | None = None, written_in: str | None = None) -> ActionItem:
    """Change what, when, who or how far along; a dropped item says why."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        item = row(ActionItem, item_id)
        if item is None:
            raise NotFound(N_("No action item %(id)s."), id=item_id)
        if item.meeting_id is not None:
            unit.lock_meeting(item.meeting_id)
            unit.session.refresh(item)
        before = item.status
        target = before
        if status is not None:
            try:
                target = ActionStatus(status)
            except ValueError as exc:
                raise InvalidInput(N_("Unknown status."), field="status") from exc
            if target != before and target not in TRANSITIONS[before]:
                raise Conflict(N_("This item is done: mark it in progress to reopen it.")
                               if before == ActionStatus.DONE else
                               N_("This item was dropped: reopen it first."), field="status")
        if target.settled and before.settled and (text is not None or due_on is not None
                                                  or owner is not None):
            raise Conflict(N_("Reopen the item before changing it."), field="status")
        if target == ActionStatus.DROPPED:
            why = (reason if reason is not None else item.reason or "").strip()
            if not why:
                raise InvalidInput(N_("Say why the item is dropped."), field="reason")
            if len(why) > MAX_REASON:
                raise InvalidInput(Np_("The reason is longer than %(num)s character.",
                                       "The reason is longer than %(num)s characters."),
                                   field="reason", num=MAX_REASON)
            item.reason = why
        else:
            item.reason = None
        if text is not None:
            new = _check_text(text)
            if new != item.text or written_in:
                item.written_in = content.author_language(unit, written_in) or item.written_in
            item.text = new
        if due_on is not None and due_on != item.due_on:
            item.due_on = _check_due(due_on, now, item.zone)
        if owner is not None:
            for column in ("owner_country_id", "owner_committee_id", "owner_organisation_id",
                           "owner_account_id"):
                setattr(item, column, None)
            for column, value in _owner(unit, owner).items():
                setattr(item, column, value)
        item.status, item.updated_at = target, now
        unit.session.flush()
        unit.record("action_item.update", AUDIT, item.id, status=target,
                    previous=before, due_on=item.due_on, owner=_owner_key(item))
    return item


def _owner_key(item: ActionItem) -> str:
    for name in ("country", "committee", "organisation", "account"):
        value = getattr(item, f"owner_{name}_id")
        if value is not None:
            return f"{name}:{value}"
    return ""


# --- reading -----------------------------------------------------------------------------

def open_items_for_series(series_id: int, *,
                          session: DbSession | None = None) -> list[ActionItem]:
    """Items of a series still to be done (open or in progress), soonest due first."""
    return list((session or db.session).scalars(select(ActionItem).where(
        ActionItem.series_id == series_id, ActionItem.status.in_(UNSETTLED))
        .order_by(ActionItem.due_on, ActionItem.id)))


def overdue_items(now: datetime, *, session: DbSession | None = None) -> list[ActionItem]:
    """Unsettled items whose due day has ended in their own zone."""
    ensure_aware(now, "now")
    # No zone is more than a day ahead of UTC: the UTC date bounds the query, the zone
    # decides.
    candidates = (session or db.session).scalars(select(ActionItem).where(
        ActionItem.status.in_(UNSETTLED), ActionItem.due_on <= now.date())
        .order_by(ActionItem.due_on, ActionItem.id))
    return [item for item in candidates if item.due_on < _local_today(now, item.zone)]


def days_left(item: ActionItem, now: datetime) -> int:
    """Days from today (in the item's zone) to its due date; negative once overdue."""
    return (item.due_on - _local_today(now, item.zone)).days


def owners_of(item: ActionItem, *, session: DbSession | None = None) -> list[Contact | Account]:
    """The people behind an item's owner: a country's special coordinators, a committee's
    coordinators, an organisation's active contacts, or the account itself (active only)."""
    session = session or db.session
    if item.owner_account_id is not None:
        account = session.get(Account, item.owner_account_id)
        return [account] if account is not None and account.active else []
    if item.owner_organisation_id is not None:
        return list(session.scalars(select(Contact).where(
            Contact.organisation_id == item.owner_organisation_id,
            Contact.active.is_(True)).order_by(Contact.id)))
    accounts = select(Account).where(Account.active.is_(True)).order_by(Account.id)
    if item.owner_country_id is not None:
        return list(session.scalars(accounts.where(
            Account.role == Role.SPECIAL_COORDINATOR,
            Account.country_id == item.owner_country_id)))
    return list(session.scalars(accounts.where(
        Account.role == Role.COMMITTEE_COORDINATOR,
        Account.committee_id == item.owner_committee_id)))


# --- follow-up at the next meeting ---------------------------------------------------------

def next_meeting(session: DbSession, meeting: Meeting) -> Meeting | None:
    """The series' next scheduled meeting after this one."""
    return session.scalar(select(Meeting).where(
        Meeting.series_id == meeting.series_id, Meeting.start_at > meeting.start_at,
        Meeting.status == MeetingStatus.SCHEDULED).order_by(Meeting.start_at).limit(1))


def follow_up_title(items: list[ActionItem], language: str) -> str:
    """"Follow-up on action items: …" in `language`, listing the items as far as an
    agenda item's title allows (the rest counted)."""
    texts = [" ".join(item.text.split()) for item in items]
    with force_locale(language):
        title = _("Follow-up on action items")
        if not texts:
            return title
        listed = _("%(label)s: %(value)s", label=title, value="; ".join(texts))
        shown = len(texts)
        while len(listed) > FOLLOW_UP_TITLE_LIMIT and shown > 0:
            shown -= 1
            head = "; ".join(t if len(t) <= 60 else t[:59] + "…" for t in texts[:shown])
            tail = ngettext("(and %(num)s more)", "(and %(num)s more)", len(texts) - shown)
            listed = (_("%(label)s: %(value)s", label=title, value=f"{head} {tail}") if shown
                      else f"{title} {tail}")
    return listed[:FOLLOW_UP_TITLE_LIMIT]


def follow_up_on_next_meeting(meeting_id: int, *, now: datetime,
                              actor: Actor) -> AgendaItem | None:
    """Put "Follow-up on action items" on the next meeting's draft agenda, once.

    Kept current while that agenda is unpublished; left alone once it is published (the
    coordinator edits it then), and not put back if someone removed it. Nothing while
    the series has no open items, or when the next meeting has started or is cancelled.
    """
    with unit_of_work(actor, now) as unit:
        meeting = unit.session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        following = next_meeting(unit.session, meeting)
        if following is None or following.start_at <= now:
            return None
        following = unit.lock_meeting(following.id)
        assert following is not None  # just found, and meetings are not deleted
        items = open_items_for_series(meeting.series_id, session=unit.session)
        follow = unit.session.scalar(select(FollowUp).where(
            FollowUp.meeting_id == following.id))
        language = _coordinator_language(following)
        if follow is not None:
            agenda_item = follow.agenda_item
            if agenda_item is None or following.agenda_version > 0:
                return agenda_item
            title = follow_up_title(items, agenda_item.written_in or language)
            if title != agenda_item.title:
                agenda_item.title, agenda_item.updated_at = title, now
                unit.record("agenda.follow_up", "meeting", following.id,
                            item=agenda_item.id, open_items=len(items))
            return agenda_item
        if not items:
            return None
        agenda_item = agendas.add_item_in(unit, following, kind="progress",
                                          title=follow_up_title(items, language),
                                          written_in=language)
        unit.session.add(FollowUp(meeting_id=following.id, agenda_item_id=agenda_item.id,
                                  created_at=now, updated_at=now))
        unit.record("agenda.follow_up", "meeting", following.id, item=agenda_item.id,
                    open_items=len(items), source=meeting.id)
        return agenda_item


def _coordinator_language(meeting: Meeting) -> str:
    coordinator = meeting.series.coordinator
    return supported_language(coordinator.language if coordinator is not None else None)


