"""Commitments, their public timeline, and the joint work plan (issue 16, point 3).

A commitment is kept by whoever is responsible for it: a country's special coordinators,
or a committee's coordinators; the secretariat (and the command line) keeps them all.
Every change is audited, and what the public should know of it (a status change, an
update) is an entry of the commitment's timeline.

The joint work plan is the set of commitments a regional meeting agreed, in order. A
published plan never changes: it is what was agreed. Progress afterwards goes on each
commitment's timeline; a change of the plan itself (a commitment added or removed) is a
new version, drafted from the published one, which supersedes it once published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy import or_, select

from coordinator.cadence.errors import Np_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.links import row
from coordinator.models import Account, Committee, Country, Meeting, MeetingStatus, Role
from coordinator.outcomes.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    PlanState,
    WorkPlan,
    WorkPlanEntry,
)
from coordinator.texts import check_text, has_controls
from coordinator.unit import Actor, Unit, unit_of_work

# The Declaration's pillars as the action package committees carry them (committees.csv).
PILLARS = ("I", "II", "III")
MAX_TEXT, MAX_REASON, MAX_UPDATE, MAX_SOURCE, MAX_URL = 2000, 2000, 4000, 300, 500
MAX_TITLE, MAX_WHAT_CHANGED, MAX_PLAN = 200, 2000, 500
AUDIT, PLAN_AUDIT = "commitment", "work_plan"


class _Keep(Enum):
    KEEP = 0


KEEP = _Keep.KEEP  # "leave as it is" for the optional fields update_commitment may clear


@dataclass(frozen=True)
class Responsible:
    """Exactly one of a country's ISO code or a committee's slug, as doors receive them."""

    country: str | None = None
    committee: str | None = None


# --- checks ---------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def check_url(url: str | None, *, field: str = "source_url") -> str | None:
    """A document's public address (http or https only), or None when none is given."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > MAX_URL or not _URL.fullmatch(url) or has_controls(url):
        raise InvalidInput(N_("Give the document's address as an http or https link."),
                           field=field)
    return url


def check_day(value: object, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidInput(N_("Give the date as a date."), field=field)
    return value


def local_today(commitment: Commitment, now: datetime) -> date:
    """Today where the commitment is kept: its country's capital, or for a committee the
    member country furthest ahead (a date there is no longer in the future anywhere)."""
    countries = ([commitment.country] if commitment.country is not None else
                 [m.country for m in commitment.committee.members]
                 if commitment.committee is not None else [])
    days = [now.astimezone(get_zone(c.capital_zone)).date() for c in countries]
    return max(days) if days else now.date()


def not_future(day: date, commitment: Commitment, now: datetime, field: str) -> date:
    if day > local_today(commitment, now):
        raise InvalidInput(N_("The date %(date)s is in the future."), field=field, date=day)
    return day


# --- scope ----------------------------------------------------------------------------

def may_keep(account: Account | None, country_id: int | None,
             committee_id: int | None) -> bool:
    """Whether an account keeps commitments of this country or committee: a special
    coordinator their own country's, a committee coordinator their own committee's, the
    secretariat and doors without an account (CLI, scheduler) all of them."""
    if account is None or account.role == Role.SECRETARIAT:
        return True
    if account.role == Role.SPECIAL_COORDINATOR:
        return country_id is not None and country_id == account.country_id
    if account.role == Role.COMMITTEE_COORDINATOR:
        return committee_id is not None and committee_id == account.committee_id
    return False


def _account(unit: Unit) -> Account | None:
    if unit.actor.account_id is None:
        return None
    return unit.session.get(Account, unit.actor.account_id)


def check_keeper(unit: Unit, commitment: Commitment) -> None:
    """Refuse a change by someone who does not keep this commitment."""
    if not may_keep(_account(unit), commitment.country_id, commitment.committee_id):
        raise InvalidInput(N_("This commitment is outside what you coordinate."),
                           field="commitment")


def _responsible(unit: Unit, responsible: Responsible) -> dict[str, int | None]:
    given = [v for v in (responsible.country, responsible.committee) if v]
    if len(given) != 1:
        raise InvalidInput(N_("Choose who is responsible: one country or one committee."),
                           field="responsible")
    if responsible.country:
        country = unit.session.scalar(select(Country).where(
            Country.iso == str(responsible.country).upper()))
        if country is None:
            raise InvalidInput(N_("Unknown country %(value)s."), field="responsible",
                               value=responsible.country)
        found: dict[str, int | None] = {"country_id": country.id, "committee_id": None}
    else:
        committee = _committee(unit, str(responsible.committee), "responsible")
        found = {"country_id": None, "committee_id": committee.id}
    if not may_keep(_account(unit), found["country_id"], found["committee_id"]):
        raise InvalidInput(N_("This commitment is outside what you coordinate."),
                           field="responsible")
    return found


def _committee(unit: Unit, slug: str, field: str) -> Committee:
    committee = unit.session.scalar(select(Committee).where(Committee.slug == slug))
    if committee is None:
        raise InvalidInput(N_("Unknown committee %(value)s."), field=field, value=slug)
    return committee


def _pillar(unit: Unit, pillar: str | None, package: str | None,
            responsible_committee: int | None) -> tuple[str, int | None]:
    """The pillar, and the action package's id, which must be of that pillar. Without a
    pillar, the action package's (or the responsible committee's) gives it."""
    found = _committee(unit, package, "action_package") if package else None
    if not pillar:
        source = found or (unit.session.get(Committee, responsible_committee)
                           if responsible_committee is not None else None)
        pillar = source.pillar if source is not None else None
    pillar = (pillar or "").strip().upper()
    if pillar not in PILLARS:
        raise InvalidInput(N_("Choose the pillar: I, II or III."), field="pillar")
    if found is not None and found.pillar != pillar:
        raise InvalidInput(N_("The action package %(value)s is under pillar %(pillar)s."),
                           field="action_package", value=found.slug, pillar=found.pillar)
    return pillar, found.id if found is not None else None


def _meeting_id(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if row(Meeting, value) is None:
        raise InvalidInput(N_("No meeting %(id)s."), field=field, id=value)
    return value


def _dates(start_on: object, target_on: object) -> tuple[date, date]:
    start, target = check_day(start_on, "start_on"), check_day(target_on, "target_on")
    if target < start:
        raise InvalidInput(N_("The target date comes before the start date."),
                           field="target_on")
    return start, target


def _reason(reason: str | None) -> str:
    return check_text(reason, field="reason", limit=MAX_REASON,
                      empty=InvalidInput(N_("Say why the commitment is dropped."), field="reason"))


# --- commitments ------------------------------------------------------------------------

def create_commitment(*, text: str, responsible: Responsible, start_on: date,
                      target_on: date, now: datetime, actor: Actor,
                      pillar: str | None = None, action_package: str | None = None,
                      made_at_id: int | None = None, reviewed_at_id: int | None = None,
                      status: str = CommitmentStatus.PLANNED.value,
                      written_in: str | None = None) -> Commitment:
    """A new commitment of a country or a committee, kept by its coordinators."""
    ensure_aware(now, "now")
    text = check_text(text, field="text", limit=MAX_TEXT,
                      empty=InvalidInput(N_("Say what is committed to."), field="text"))
    start, target = _dates(start_on, target_on)
    state = _status(status)
    if state == CommitmentStatus.DROPPED:
        raise InvalidInput(N_("A new commitment cannot be dropped."), field="status")
    with unit_of_work(actor, now) as unit:
        owner = _responsible(unit, responsible)
        pillar_code, package_id = _pillar(unit, pillar, action_package, owner["committee_id"])
        commitment = Commitment(
            text=text, written_in=content.author_language(unit, written_in),
            pillar=pillar_code, action_package_id=package_id, start_on=start,
            target_on=target, status=state,
            made_at_id=_meeting_id(made_at_id, "made_at_id"),
            reviewed_at_id=_meeting_id(reviewed_at_id, "reviewed_at_id"),
            account_id=actor.account_id, created_at=now, updated_at=now, **owner)
        unit.session.add(commitment)
        unit.session.flush()
        unit.record("commitment.create", AUDIT, commitment.id, pillar=pillar_code,
                    country=owner["country_id"], committee=owner["committee_id"],
                    status=state, start_on=start, target_on=target)
    return commitment


def _status(value: str) -> CommitmentStatus:
    try:
        return CommitmentStatus(value)
    except ValueError as exc:
        raise InvalidInput(N_("Unknown status."), field="status") from exc


def _find(unit: Unit, commitment_id: int) -> Commitment:
    if row(Commitment, commitment_id) is None:
        raise NotFound(N_("No commitment %(id)s."), id=commitment_id)
    # Changes to one commitment run one after the other (a status set twice at once is
    # one change and one refusal, not two timeline entries).
    unit.serialise(f"commitment:{commitment_id}")
    found = unit.session.get(Commitment, commitment_id, populate_existing=True)
    assert found is not None  # commitments are not deleted
    check_keeper(unit, found)
    return found


def update_commitment(commitment_id: int, *, now: datetime, actor: Actor,
                      text: str | None = None, responsible: Responsible | None = None,
                      pillar: str | None = None, action_package: str | _Keep | None = KEEP,
                      start_on: date | None = None, target_on: date | None = None,
                      made_at_id: int | _Keep | None = KEEP,
                      reviewed_at_id: int | _Keep | None = KEEP,
                      written_in: str | None = None) -> Commitment:
    """Correct what a commitment says, who keeps it, its pillar or its dates (None, or
    KEEP for what may be cleared, leaves a field as it is)."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        commitment = _find(unit, commitment_id)
        changed: list[str] = []
        if text is not None:
            new = check_text(text, field="text", limit=MAX_TEXT,
                             empty=InvalidInput(N_("Say what is committed to."), field="text"))
            if new != commitment.text or written_in:
                commitment.written_in = (content.author_language(unit, written_in)
                                         or commitment.written_in)
                commitment.text = new
                changed.append("text")
        if responsible is not None:
            owner = _responsible(unit, responsible)
            if (owner["country_id"], owner["committee_id"]) != (commitment.country_id,
                                                                 commitment.committee_id):
                commitment.country_id = owner["country_id"]
                commitment.committee_id = owner["committee_id"]
                changed.append("responsible")
        if pillar is not None or action_package is not KEEP:
            package = (action_package if action_package is not KEEP else
                       commitment.action_package.slug if commitment.action_package else None)
            code, package_id = _pillar(unit, pillar or commitment.pillar, package,
                                       commitment.committee_id)
            if (code, package_id) != (commitment.pillar, commitment.action_package_id):
                commitment.pillar, commitment.action_package_id = code, package_id
                changed.append("pillar")
        if start_on is not None or target_on is not None:
            start, target = _dates(start_on or commitment.start_on,
                                   target_on or commitment.target_on)
            if (start, target) != (commitment.start_on, commitment.target_on):
                commitment.start_on, commitment.target_on = start, target
                changed.append("dates")
        for name, value in (("made_at_id", made_at_id), ("reviewed_at_id", reviewed_at_id)):
            if not isinstance(value, _Keep) and value != getattr(commitment, name):
                setattr(commitment, name, _meeting_id(value, name))
                changed.append(name)
        if changed:
            commitment.updated_at = now
            unit.session.flush()
            unit.record("commitment.update", AUDIT, commitment.id, changed=changed,
                        country=commitment.country_id, committee=commitment.committee_id,
                        pillar=commitment.pillar, start_on=commitment.start_on,
                        target_on=commitment.target_on)
    return commitment


def add_update_in(unit: Unit, commitment: Commitment, *, text: str, dated: date,
                  source_meeting_id: int | None = None, source_url: str | None = None,
                  source_text: str | None = None, source_organisation_id: int | None = None,
                  status: CommitmentStatus | None = None,
                  written_in: str | None = None) -> CommitmentUpdate:
    """A timeline entry inside a unit already checked (contributions accept evidence
    through it). A meeting cited as the source becomes where the commitment was last
    reviewed, when it is the latest."""
    # A status change may go on the timeline without words: the status says it.
    if status is None or (text or "").strip():
        text = check_text(text, field="text", limit=MAX_UPDATE,
                          empty=InvalidInput(N_("Say what happened."), field="text"))
    else:
        text = ""
    day = not_future(check_day(dated, "dated"), commitment, unit.now, "dated")
    url = check_url(source_url)
    note = (source_text or "").strip() or None
    if note is not None and (len(note) > MAX_SOURCE or has_controls(note) or "\n" in note):
        raise InvalidInput(Np_("Name the source on one line of up to %(num)s character.",
                               "Name the source on one line of up to %(num)s characters."),
                           field="source_text", num=MAX_SOURCE)
    meeting = row(Meeting, source_meeting_id) if source_meeting_id is not None else None
    if source_meeting_id is not None and meeting is None:
        raise InvalidInput(N_("No meeting %(id)s."), field="source_meeting_id",
                           id=source_meeting_id)
    if meeting is not None and (meeting.start_at > unit.now
                                or meeting.status == MeetingStatus.CANCELLED):
        raise InvalidInput(N_("Only a meeting that took place can be the source."),
                           field="source_meeting_id")
    update = CommitmentUpdate(
        commitment_id=commitment.id, dated=day, text=text,
        written_in=content.author_language(unit, written_in),
        source_meeting_id=source_meeting_id, source_url=url, source_text=note,
        source_organisation_id=source_organisation_id,
        status=status.value if status is not None else None,
        account_id=unit.actor.account_id, created_at=unit.now)
    unit.session.add(update)
    if meeting is not None and (commitment.reviewed_at is None
                                or commitment.reviewed_at.start_at < meeting.start_at):
        commitment.reviewed_at_id = meeting.id
    commitment.updated_at = unit.now
    unit.session.flush()
    unit.record("commitment.timeline", AUDIT, commitment.id, update=update.id, dated=day,
                meeting=source_meeting_id, organisation=source_organisation_id,
                status=update.status)
    return update


def add_update(commitment_id: int, *, text: str, dated: date, now: datetime, actor: Actor,
               source_meeting_id: int | None = None, source_url: str | None = None,
               source_text: str | None = None,
               written_in: str | None = None) -> CommitmentUpdate:
    """Add a dated entry to a commitment's public timeline, with its source: a meeting,
    a document's address or a few words."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        commitment = _find(unit, commitment_id)
        return add_update_in(unit, commitment, text=text, dated=dated,
                             source_meeting_id=source_meeting_id, source_url=source_url,
                             source_text=source_text, written_in=written_in)


def set_status(commitment_id: int, status: str, *, now: datetime, actor: Actor,
               text: str | None = None, reason: str | None = None,
               dated: date | None = None, source_meeting_id: int | None = None,
               written_in: str | None = None) -> Commitment:
    """Move a commitment to another status; a dropped one says why. The change is on the
    public timeline, with `text` (or the reason) as what is said about it."""
    ensure_aware(now, "now")
    target = _status(status)
    with unit_of_work(actor, now) as unit:
        commitment = _find(unit, commitment_id)
        before = commitment.status
        if target == before:
            raise Conflict(N_("The commitment already has this status."), field="status")
        said = text or ""
        if target == CommitmentStatus.DROPPED:
            commitment.reason = _reason(reason)
            commitment.reason_written_in = content.author_language(unit, written_in)
            said = said or commitment.reason
        else:
            commitment.reason = commitment.reason_written_in = None
        commitment.status = target
        unit.session.flush()
        add_update_in(unit, commitment, text=said, dated=dated or local_today(commitment, now),
                      source_meeting_id=source_meeting_id, status=target,
                      written_in=written_in)
        unit.record("commitment.status", AUDIT, commitment.id, status=target,
                    previous=before, reason=commitment.reason)
    return commitment


# --- reading --------------------------------------------------------------------------

def find_commitment(commitment_id: int) -> Commitment:
    """The commitment of an id, or the one refusal every door gives for a missing one."""
    found = row(Commitment, commitment_id)
    if found is None:
        raise NotFound(N_("No commitment %(id)s."), id=commitment_id)
    return found


def commitments(*, country: str | None = None, committee: str | None = None,
                pillar: str | None = None, status: str | None = None,
                session: DbSession | None = None) -> list[Commitment]:
    """Commitments, soonest target first: of a country (ISO code), of a committee (slug:
    the ones it is responsible for and those of its action package), of a pillar, of a
    status. An unknown country or committee has none."""
    session = session or db.session
    query = select(Commitment)
    if country:
        query = query.join(Country, Commitment.country_id == Country.id).where(
            Country.iso == country.upper())
    if committee:
        found = session.scalar(select(Committee.id).where(Committee.slug == committee))
        if found is None:
            return []
        query = query.where(or_(Commitment.committee_id == found,
                                Commitment.action_package_id == found))
    if pillar:
        query = query.where(Commitment.pillar == pillar.upper())
    if status:
        query = query.where(Commitment.status == _status(status))
    return list(session.scalars(query.order_by(Commitment.target_on, Commitment.id)))


@dataclass(frozen=True)
class CommitmentRecord:
    """One commitment as its page shows it: the timeline newest first, its indicators,
    and the published work plans it belongs to."""

    commitment: Commitment
    timeline: list[CommitmentUpdate]
    plans: list[WorkPlan]


def commitment_record(commitment_id: int) -> CommitmentRecord:
    """A commitment with its timeline and the plans it is part of."""
    commitment = find_commitment(commitment_id)
    timeline = list(db.session.scalars(select(CommitmentUpdate).where(
        CommitmentUpdate.commitment_id == commitment.id)
        .order_by(CommitmentUpdate.dated.desc(), CommitmentUpdate.id.desc())))
    plans = list(db.session.scalars(select(WorkPlan).join(WorkPlanEntry).where(
        WorkPlanEntry.commitment_id == commitment.id,
        WorkPlan.state == PlanState.PUBLISHED).order_by(WorkPlan.id)))
    return CommitmentRecord(commitment, timeline, plans)


# --- the joint work plan ----------------------------------------------------------------

def _plan_meeting(unit: Unit, meeting_id: int) -> Meeting:
    meeting = unit.lock_meeting(meeting_id) if row(Meeting, meeting_id) is not None else None
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    if meeting.series.kind != SeriesKind.REGIONAL:
        raise InvalidInput(N_("A joint work plan is agreed at a regional meeting."),
                           field="meeting_id")
    account = _account(unit)
    if account is not None and account.role != Role.SECRETARIAT \
            and meeting.series.coordinator_id != account.id:
        raise InvalidInput(N_("Only the secretariat or the regional meeting's coordinator "
                              "keeps its joint work plan."), field="meeting_id")
    return meeting


def _plan(unit: Unit, plan_id: int, *, draft: bool = True) -> WorkPlan:
    plan = row(WorkPlan, plan_id)
    if plan is None:
        raise NotFound(N_("No work plan %(id)s."), id=plan_id)
    _plan_meeting(unit, plan.meeting_id)
    unit.session.refresh(plan)
    if draft and plan.state != PlanState.DRAFT:
        raise Conflict(N_("This version of the plan is published: draft a new version to "
                          "change it."), field="plan")
    return plan


def _title(title: str) -> str:
    title = check_text(title, field="title", limit=MAX_TITLE,
                       empty=InvalidInput(N_("Give the plan a title."), field="title"))
    if "\n" in title:
        raise InvalidInput(N_("Write the title on one line."), field="title")
    return title


def _entries(unit: Unit, plan: WorkPlan, commitment_ids: Sequence[int]) -> None:
    ids = list(commitment_ids)
    if len(ids) > MAX_PLAN:
        raise InvalidInput(Np_("A plan holds at most %(num)s commitment.",
                               "A plan holds at most %(num)s commitments."),
                           field="commitments", num=MAX_PLAN)
    if len(set(ids)) != len(ids):
        raise InvalidInput(N_("A commitment is listed twice."), field="commitments")
    for commitment_id in ids:
        if row(Commitment, commitment_id) is None:
            raise InvalidInput(N_("No commitment %(id)s."), field="commitments",
                               id=commitment_id)
    plan.entries.clear()
    unit.session.flush()
    plan.entries.extend(WorkPlanEntry(commitment_id=cid, position=i)
                        for i, cid in enumerate(ids))


def create_plan(meeting_id: int, *, title: str, now: datetime, actor: Actor,
                commitment_ids: Sequence[int] = (), written_in: str | None = None) -> WorkPlan:
    """Start the draft of a regional meeting's joint work plan (its first version)."""
    ensure_aware(now, "now")
    title = _title(title)
    with unit_of_work(actor, now) as unit:
        meeting = _plan_meeting(unit, meeting_id)
        if unit.session.scalar(select(WorkPlan.id).where(WorkPlan.meeting_id == meeting.id)):
            raise Conflict(N_("This meeting has a joint work plan already."), field="plan")
        plan = WorkPlan(meeting_id=meeting.id, version=1, title=title,
                        written_in=content.author_language(unit, written_in),
                        state=PlanState.DRAFT, account_id=actor.account_id,
                        created_at=now, updated_at=now)
        unit.session.add(plan)
        _entries(unit, plan, commitment_ids)
        unit.session.flush()
        unit.record("work_plan.create", PLAN_AUDIT, plan.id, meeting=meeting.id,
                    commitments=list(commitment_ids))
    return plan


def edit_plan(plan_id: int, *, now: datetime, actor: Actor, title: str | None = None,
              commitment_ids: Sequence[int] | None = None,
              written_in: str | None = None) -> WorkPlan:
    """Change a draft's title or its commitments and their order."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        plan = _plan(unit, plan_id)
        if title is not None:
            plan.title = _title(title)
            plan.written_in = content.author_language(unit, written_in) or plan.written_in
        if commitment_ids is not None:
            _entries(unit, plan, commitment_ids)
        plan.updated_at = now
        unit.session.flush()
        unit.record("work_plan.edit", PLAN_AUDIT, plan.id, meeting=plan.meeting_id,
                    commitments=[e.commitment_id for e in plan.entries])
    return plan


def publish_plan(plan_id: int, *, now: datetime, actor: Actor,
                 what_changed: str | None = None) -> WorkPlan:
    """Publish a draft once the meeting has taken place; a later version says what
    changed and supersedes the one before. Its commitments are marked as made at the
    meeting where they did not say where they were made."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        plan = _plan(unit, plan_id)
        if plan.meeting.start_at > now:
            raise Conflict(N_("The plan can be published once the meeting has started."),
                           field="plan")
        if not plan.entries:
            raise Conflict(N_("Put at least one commitment in the plan."), field="commitments")
        if plan.version > 1:
            plan.what_changed = check_text(
                what_changed, field="what_changed", limit=MAX_WHAT_CHANGED,
                empty=InvalidInput(N_("Say what changed since the last version."),
                                   field="what_changed"))
        for earlier in unit.session.scalars(select(WorkPlan).where(
                WorkPlan.meeting_id == plan.meeting_id,
                WorkPlan.state == PlanState.PUBLISHED)):
            earlier.state, earlier.updated_at = PlanState.SUPERSEDED, now
        for entry in plan.entries:
            if entry.commitment.made_at_id is None:
                entry.commitment.made_at_id = plan.meeting_id
        plan.state, plan.published_at, plan.updated_at = PlanState.PUBLISHED, now, now
        unit.session.flush()
        unit.record("work_plan.publish", PLAN_AUDIT, plan.id, meeting=plan.meeting_id,
                    version=plan.version, commitments=[e.commitment_id for e in plan.entries])
    return plan


def revise_plan(plan_id: int, *, now: datetime, actor: Actor) -> WorkPlan:
    """A new draft version of a published plan, with its title and commitments."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        plan = _plan(unit, plan_id, draft=False)
        if plan.state != PlanState.PUBLISHED:
            raise Conflict(N_("Only the published version of a plan can be revised."),
                           field="plan")
        if unit.session.scalar(select(WorkPlan.id).where(
                WorkPlan.meeting_id == plan.meeting_id, WorkPlan.state == PlanState.DRAFT)):
            raise Conflict(N_("A new version of this plan is being drafted already."),
                           field="plan")
        draft = WorkPlan(meeting_id=plan.meeting_id, version=plan.version + 1,
                         title=plan.title, written_in=plan.written_in, state=PlanState.DRAFT,
                         account_id=actor.account_id, created_at=now, updated_at=now)
        unit.session.add(draft)
        _entries(unit, draft, [e.commitment_id for e in plan.entries])
        unit.session.flush()
        unit.record("work_plan.revise", PLAN_AUDIT, draft.id, meeting=plan.meeting_id,
                    version=draft.version, previous=plan.id)
    return draft


def published_plan(meeting_id: int) -> WorkPlan | None:
    """The plan as agreed now (its latest published version), or None."""
    return db.session.scalar(select(WorkPlan).where(
        WorkPlan.meeting_id == meeting_id, WorkPlan.state == PlanState.PUBLISHED))


def plan_versions(meeting_id: int) -> list[WorkPlan]:
    """Every version of a meeting's plan, oldest first (drafts included: for keepers)."""
    return list(db.session.scalars(select(WorkPlan).where(
        WorkPlan.meeting_id == meeting_id).order_by(WorkPlan.version)))
