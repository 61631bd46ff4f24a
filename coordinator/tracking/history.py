"""The audit history of a meeting, a series, an organisation or an account, in sentences.

The audit log keeps every change with who made it and why (a move's reason, a decline's
reason); this read model is how people see it: one page per thing, newest first, with the
entries of what hangs on it (a meeting's agenda items, invitations and suggestions, an
organisation's contacts and private feed, an account's API tokens), each entry told in
the reader's language with its times in the reader's zone. Workspace pages, the API and
the command line show the same lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_decimal, gettext, lazy_gettext, ngettext
from sqlalchemy import ColumnElement, and_, false, func, or_, select

from coordinator.accounts.permissions import (
    can_manage_meeting,
    can_manage_series,
    is_secretariat,
)
from coordinator.cadence.errors import Np_, Plural, Template
from coordinator.cadence.zones import is_known_zone
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.i18n import local_time
from coordinator.models import (
    Account,
    ApiToken,
    AuditEntry,
    Contact,
    Invitation,
    Meeting,
    Organisation,
    Participant,
    Role,
    Series,
    Suggestion,
)
from coordinator.present import series_title

PAGE_SIZE = 50
ENTITIES = ("meeting", "series", "organisation", "account")
Subject = Meeting | Series | Organisation | Account


class OutsideScope(PermissionError):
    """The thing exists, but its history is not the reader's to see (403 at every door)."""


# What each action says, in the reader's language. Parameters come from the entry's
# details (times shown in the reader's zone); a reason, when one was given, follows the
# sentence. An action without a line here is still shown, by its name.
SENTENCES: dict[str, Template] = {
    "meeting.move": N_("Moved from %(before)s to %(after)s."),
    "meeting.retime": N_("Moved by a change of the series' rule from %(before)s to "
                         "%(after)s."),
    "meeting.cancel": N_("Cancelled."),
    "meeting.hold_outcomes:true": N_("Outcomes of suggested topics are held until they "
                                     "are released together."),
    "meeting.hold_outcomes:false": N_("Outcomes of suggested topics are announced as "
                                      "they are decided."),
    "agenda.add": N_("Agenda item added: %(title)s."),
    "agenda.update": N_("Agenda item no. %(item)s edited."),
    "agenda.remove": N_("Agenda item removed: %(title)s."),
    "agenda.move": N_("Agenda item no. %(item)s moved to position %(position)s."),
    "agenda.publish": Np_("Agenda version %(version)s published with %(num)s item.",
                          "Agenda version %(version)s published with %(num)s items."),
    "attendance.record:true": N_("Attendance recorded: held. Organisations present: "
                                 "%(organisations)s."),
    "attendance.record:false": N_("Attendance recorded: not held."),
    "attendance.update:true": N_("Attendance corrected: held. Organisations present: "
                                 "%(organisations)s."),
    "attendance.update:false": N_("Attendance corrected: not held."),
    "deadline.invitations": Np_("Invitations sent (%(num)s message).",
                                "Invitations sent (%(num)s messages)."),
    "deadline.reminder": Np_("Reminder sent %(num)s day before (%(sent)s).",
                             "Reminder sent %(num)s days before (%(sent)s)."),
    "deadline.suggestions-open": Np_("Topic suggestions opened (%(num)s message).",
                                     "Topic suggestions opened (%(num)s messages)."),
    "deadline.agenda-reminder": N_("The coordinator was reminded that the agenda is due."),
    "suggestion.submit": N_("Topic no. %(entity_id)s suggested."),
    "suggestion.edit": N_("Suggested topic no. %(entity_id)s edited by its proposer."),
    "suggestion.withdraw": N_("Suggested topic no. %(entity_id)s withdrawn by its proposer."),
    "suggestion.accepted": N_("Suggested topic no. %(entity_id)s accepted for the agenda."),
    "suggestion.declined": N_("Suggested topic no. %(entity_id)s declined."),
    "suggestion.deferred": N_("Suggested topic no. %(entity_id)s deferred to the next "
                              "meeting."),
    "suggestion.merged": N_("Suggested topic no. %(entity_id)s merged with another."),
    "suggestion.release": Np_("%(num)s held outcome announced.",
                              "%(num)s held outcomes announced."),
    "suggestion.renew_link": N_("A new topic link was sent."),
    "invitation.answer": N_("%(contact)s answered the invitation: %(answer)s."),
    "participant.add": N_("%(who)s invited (%(role)s)."),
    "participant.remove": N_("Invitation of %(who)s withdrawn."),
    "proposal.on_agenda": N_("Written proposal no. %(entity_id)s put on the agenda."),
    "series.schedule": Np_("Series scheduled from %(first_date)s at %(start_time)s "
                           "(%(zone)s), rule %(rrule)s: %(num)s meeting.",
                           "Series scheduled from %(first_date)s at %(start_time)s "
                           "(%(zone)s), rule %(rrule)s: %(num)s meetings."),
    "series.materialise": Np_("%(num)s more meeting added up to the horizon.",
                              "%(num)s more meetings added up to the horizon."),
    "series.change_rule": Np_("Rule changed from %(effective_from)s: %(rrule)s at "
                              "%(start_time)s (%(zone)s); %(num)s new meeting.",
                              "Rule changed from %(effective_from)s: %(rrule)s at "
                              "%(start_time)s (%(zone)s); %(num)s new meetings."),
    "organisation.register": N_("Registration submitted."),
    "organisation.register_known": N_("Registration submitted again by a known contact."),
    "organisation.verify": N_("E-mail address confirmed."),
    "organisation.confirmation_renewed": N_("Confirmation link sent again."),
    "organisation.approve": N_("Registration approved."),
    "organisation.decline": N_("Registration declined."),
    "feed_token.rotate": N_("Private feed link replaced."),
    "feed_token.revoke": N_("Private feed link stopped."),
    "feed_link.request": N_("Private feed link asked for by e-mail."),
    "committee.representative": N_("%(who)s chosen as the committee's CSO representative."),
    "suggestion.off_agenda": N_("Suggested topic no. %(entity_id)s taken off the agenda."),
    "proposal.off_agenda": N_("Written proposal no. %(entity_id)s taken off the agenda."),
    "participant.add_host_observers": N_("The convening country's organisations invited "
                                         "as observers: %(count)s."),
    "meeting.set_host_country": N_("Convening country: %(after)s."),
    "series.set_coordinator": N_("The series' coordinator changed."),
    "organisation.edit": N_("Organisation corrected: %(changes)s."),
    "contact.edit": N_("%(contact)s corrected: %(changes)s."),
    "contact.preferences": N_("A contact changed their mail preferences: %(changes)s."),
    "account.edit": N_("Account details changed: %(changes)s."),
    "account.create": N_("Account created (%(role)s)."),
    "account.password": N_("Password set."),
    "account.login": N_("Logged in."),
    "account.log_out": N_("Logged out everywhere."),
    "account.reset_requested": N_("A password link was asked for."),
    "account.active:true": N_("Account reactivated."),
    "account.active:false": N_("Account deactivated."),
    "api_token.create": N_("API token created: %(name)s."),
    "api_token.revoke": N_("API token revoked."),
    # Issue 16: commitments, the joint work plan, indicators and civil society's
    # contributions (their details name the meeting or the organisation concerned).
    "commitment.create": N_("Commitment no. %(entity_id)s made (pillar %(pillar)s), from "
                            "%(start_on)s to %(target_on)s."),
    "commitment.update": N_("Commitment no. %(entity_id)s corrected: %(changed)s."),
    "commitment.timeline:false": N_("An update of %(dated)s added to the public timeline of "
                                    "commitment no. %(entity_id)s."),
    "commitment.timeline:true": N_("Evidence from %(who)s, of %(dated)s, added to the public "
                                   "timeline of commitment no. %(entity_id)s."),
    "commitment.status": N_("Commitment no. %(entity_id)s moved from %(previous)s to "
                            "%(status)s."),
    "work_plan.create": Np_("Joint work plan drafted with %(num)s commitment.",
                            "Joint work plan drafted with %(num)s commitments."),
    "work_plan.edit": Np_("Draft of the joint work plan edited: %(num)s commitment.",
                          "Draft of the joint work plan edited: %(num)s commitments."),
    "work_plan.publish": Np_("Joint work plan version %(version)s published with %(num)s "
                             "commitment.",
                             "Joint work plan version %(version)s published with %(num)s "
                             "commitments."),
    "work_plan.revise": N_("Version %(version)s of the joint work plan drafted from the "
                           "published one."),
    "indicator.add:false": N_("Indicator no. %(entity_id)s added to commitment no. "
                              "%(commitment)s."),
    "indicator.add:true": N_("Indicator no. %(entity_id)s, proposed by %(proposer)s, added to "
                             "commitment no. %(commitment)s."),
    "indicator.measure": N_("Indicator no. %(entity_id)s measured: %(value)s on %(dated)s."),
    "indicator.assess": N_("Indicator no. %(entity_id)s rated %(rating)s on %(dated)s."),
    "contribution.submit:indicator": N_("%(who)s proposed an indicator for commitment no. "
                                        "%(commitment)s."),
    "contribution.submit:evidence": N_("%(who)s submitted evidence on commitment no. "
                                       "%(commitment)s."),
    "contribution.accepted:true": N_("Contribution no. %(entity_id)s accepted: it is "
                                     "indicator no. %(indicator)s of commitment no. "
                                     "%(commitment)s."),
    "contribution.accepted:false": N_("Contribution no. %(entity_id)s accepted: it is on the "
                                      "public timeline of commitment no. %(commitment)s."),
    "contribution.declined": N_("Contribution no. %(entity_id)s declined."),
    "contribution_link.request": N_("A link to contribute on commitment no. %(entity_id)s "
                                    "was asked for."),
}
# The detail whose count chooses a plural sentence's form (its `num`).
COUNTS = {"agenda.publish": "items", "deadline.invitations": "messages",
          "deadline.reminder": "offset_days", "deadline.suggestions-open": "messages",
          "suggestion.release": "outcomes", "series.schedule": "meetings",
          "series.materialise": "meetings", "series.change_rule": "new_meetings",
          "work_plan.create": "commitments", "work_plan.edit": "commitments",
          "work_plan.publish": "commitments"}
# Entries whose sentence depends on a yes/no in their details.
SWITCHES = {"meeting.hold_outcomes": "hold", "attendance.record": "held",
            "attendance.update": "held", "account.active": "active",
            "commitment.timeline": "organisation", "indicator.add": "proposed_by",
            "contribution.accepted": "indicator"}
# Entries whose sentence depends on the value of a detail (a contribution's kind).
VARIANTS = {"contribution.submit": "kind"}
INSTANTS = ("before", "after", "at")  # ISO instants in details, shown in the reader's zone
DAYS = ("first_date", "effective_from", "past_held_by", "start_on", "target_on", "dated")
# Names of changed fields (an edit's `changes`); the values stay out of the sentence.
FIELDS = {"name": lazy_gettext("name"), "email": lazy_gettext("e-mail address"),
          "website": lazy_gettext("website"), "countries": lazy_gettext("countries"),
          "language": lazy_gettext("language"), "zone": lazy_gettext("time zone"),
          "active": lazy_gettext("active"), "phone": lazy_gettext("phone")}
ANSWERS = {"accepted": lazy_gettext("coming"), "tentative": lazy_gettext("maybe"),
           "declined": lazy_gettext("not coming"),
           "needs-action": lazy_gettext("no answer")}
# A commitment's statuses, an indicator's ratings and the parts of a commitment an
# edit changed, as the workspace names them.
STATUSES = {"planned": lazy_gettext("planned"), "in-progress": lazy_gettext("in progress"),
            "achieved": lazy_gettext("achieved"),
            "partly-achieved": lazy_gettext("partly achieved"),
            "not-achieved": lazy_gettext("not achieved"), "dropped": lazy_gettext("dropped")}
RATINGS = {"not-started": lazy_gettext("not started"), "off-track": lazy_gettext("off track"),
           "some-progress": lazy_gettext("some progress"), "on-track": lazy_gettext("on track"),
           "achieved": lazy_gettext("achieved")}
COMMITMENT_PARTS = {"text": lazy_gettext("text"),
                    "responsible": lazy_gettext("who is responsible"),
                    "pillar": lazy_gettext("pillar"), "dates": lazy_gettext("dates"),
                    "made_at_id": lazy_gettext("meeting where it was made"),
                    "reviewed_at_id": lazy_gettext("meeting where it was last reviewed")}
ROLES = {"invited": lazy_gettext("invited"), "observer": lazy_gettext("observer"),
         "representative": lazy_gettext("representative"),
         Role.SECRETARIAT.value: lazy_gettext("secretariat"),
         Role.SPECIAL_COORDINATOR.value: lazy_gettext("special coordinator"),
         Role.COMMITTEE_COORDINATOR.value: lazy_gettext("committee coordinator")}


@dataclass(frozen=True)
class HistoryLine:
    id: int
    at: datetime  # UTC
    when: str  # `at` in the reader's zone and language
    actor: str  # as recorded: "cli", "scheduler", "account:<address>", "api:<address>"
    by: str  # the actor as a reader names it, in their language
    action: str
    entity: str
    entity_id: int | None
    sentence: str  # in the reader's language
    details: dict[str, Any]


@dataclass
class History:
    entity: str
    entity_id: int
    subject: Subject
    title: str
    zone: str  # the reader's zone, in which times are shown
    lines: list[HistoryLine]
    total: int
    page: int
    pages: int


def may_read_history(account: Account | None, entity: str, subject: Subject) -> bool:
    """Who may read a history: whoever may manage the meeting or series; the secretariat
    and the country's special coordinators for an organisation; the secretariat and the
    person themself for an account."""
    if account is None or not account.is_active:
        return False
    if isinstance(subject, Meeting):
        return can_manage_meeting(account, subject)
    if isinstance(subject, Series):
        return can_manage_series(account, subject)
    if is_secretariat(account):
        return True
    if isinstance(subject, Organisation):
        return (account.role == Role.SPECIAL_COORDINATOR and account.country_id is not None
                and any(c.id == account.country_id for c in subject.countries))
    return subject.id == account.id


def history_of(entity: str, entity_id: int, account: Account | None, *, page: int = 1,
               operator: bool = False, page_size: int = PAGE_SIZE) -> History:
    """One page of what happened to a thing and what hangs on it, newest first.

    `account` is the reader (their scope is checked: OutsideScope otherwise, their zone
    shows the times); `operator` is the command line's reader, who may read everything
    and reads in UTC.
    """
    subject = _subject(entity, entity_id)
    if not operator and not may_read_history(account, entity, subject):
        raise OutsideScope(entity, entity_id)
    zone = account.zone if account is not None and is_known_zone(account.zone) else "UTC"
    condition = _belongs(entity, entity_id)
    total = db.session.scalar(select(func.count(AuditEntry.id)).where(condition)) or 0
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    entries = list(db.session.scalars(
        select(AuditEntry).where(condition)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(page_size).offset((page - 1) * page_size)))
    names = _names(entries)
    lines = [HistoryLine(e.id, e.at, _when(e.at, zone), e.actor, actor_name(e.actor),
                         e.action, e.entity, e.entity_id, sentence(e, zone, names),
                         dict(e.details or {}))
             for e in entries]
    return History(entity, entity_id, subject, _title(subject, zone), zone, lines, total,
                   page, pages)


# One sentence per kind of thing, so each reads whole in every language.
MISSING = {"meeting": N_("No meeting %(id)s."), "series": N_("No series %(id)s."),
           "organisation": N_("No organisation %(id)s."), "account": N_("No account %(id)s.")}


def _subject(entity: str, entity_id: int) -> Subject:
    models: dict[str, type[Meeting] | type[Series] | type[Organisation] | type[Account]] = {
        "meeting": Meeting, "series": Series, "organisation": Organisation,
        "account": Account}
    model = models.get(entity)
    if model is None:
        raise NotFound(N_("There is no history of %(entity)s; ask for a meeting, a series, "
                          "an organisation or an account."), entity=entity)
    found: Subject | None = (db.session.get(model, entity_id)  # type: ignore[assignment]
                             if 0 < entity_id < 2**31 else None)
    if found is None:
        raise NotFound(MISSING[entity], id=entity_id)
    return found


def _title(subject: Subject, zone: str) -> str:
    if isinstance(subject, Meeting):
        return gettext("%(series)s, %(date)s", series=series_title(subject.series),
                       date=format_date(subject.start_local.date(), "long"))
    if isinstance(subject, Series):
        return series_title(subject)
    return subject.name


def _detail(key: str, entity_id: int) -> ColumnElement[bool]:
    """An entry whose details name the thing (`{"meeting": 42}` or `{"meeting_id": 42}`).

    Compared as text on PostgreSQL (a detail of another type never breaks the query) and
    as a number on SQLite, whose JSON_EXTRACT returns numbers as numbers."""
    conditions = []
    for name in (key, f"{key}_id"):
        field = AuditEntry.details[name]
        if db.session.get_bind().dialect.name == "postgresql":
            conditions.append(field.as_string() == str(entity_id))
        else:
            conditions.append(field.as_integer() == entity_id)
    return or_(*conditions)


def _of(entity: str, ids: Any) -> ColumnElement[bool]:
    return and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids))


def _belongs(entity: str, entity_id: int) -> ColumnElement[bool]:
    """The thing's own entries, and those of what hangs on it."""
    own = and_(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
    if entity == "meeting":
        return or_(own, _detail("meeting", entity_id),
                   _of("suggestion", select(Suggestion.id)
                       .where(Suggestion.meeting_id == entity_id)),
                   _of("invitation", select(Invitation.id)
                       .where(Invitation.meeting_id == entity_id)),
                   _of("participant", select(Participant.id)
                       .where(Participant.meeting_id == entity_id)))
    if entity == "series":
        return or_(own, _detail("series", entity_id),
                   _of("participant", select(Participant.id)
                       .where(Participant.series_id == entity_id)))
    if entity == "organisation":
        return or_(own, _detail("organisation", entity_id),
                   _of("contact", select(Contact.id)
                       .where(Contact.organisation_id == entity_id)))
    if entity == "account":
        return or_(own, _of("api_token", select(ApiToken.id)
                            .where(ApiToken.account_id == entity_id)))
    return false()


def actor_name(label: str) -> str:
    """Who made a change, as a reader names them: an address, or the door without one."""
    kind, _, address = label.partition(":")
    if kind == "account" and address:
        return address
    if kind == "api" and address:
        return gettext("%(address)s, through the API", address=address)
    if label == "cli":
        return gettext("the command line")
    if label == "scheduler":
        return gettext("the service, on schedule")
    return label


def _when(moment: datetime, zone: str) -> str:
    return local_time(moment, zone, "medium")


@dataclass(frozen=True)
class _Names:
    organisations: Mapping[int, str]
    contacts: Mapping[int, str]


def _names(entries: list[AuditEntry]) -> _Names:
    """Names of the organisations and contacts the page's entries mention, read at once."""
    organisation_ids: set[int] = set()
    contact_ids: set[int] = set()
    for entry in entries:
        details = entry.details or {}
        for key in ("organisation", "proposed_by"):
            if isinstance(details.get(key), int):
                organisation_ids.add(details[key])
        if isinstance(details.get("contact"), int):
            contact_ids.add(details["contact"])
        if entry.entity == "contact" and entry.entity_id is not None:
            contact_ids.add(entry.entity_id)
    organisations = {i: name for i, name in db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(organisation_ids)))} if organisation_ids else {}
    contacts = {c.id: f"{c.name} ({c.organisation.name})" for c in db.session.scalars(
        select(Contact).where(Contact.id.in_(contact_ids)))} if contact_ids else {}
    return _Names(organisations, contacts)


def sentence(entry: AuditEntry, zone: str, names: _Names | None = None) -> str:
    """One entry as a sentence in the current language, its times in `zone` (the names
    it mentions read for it alone, unless a page read them for all its entries)."""
    details = dict(entry.details or {})
    names = names or _names([entry])
    key = entry.action
    if key in SWITCHES:
        key = f"{key}:{'true' if details.get(SWITCHES[key]) else 'false'}"
    elif key in VARIANTS:
        key = f"{key}:{details.get(VARIANTS[key])}"
    template = SENTENCES.get(key)
    params = {k: _shown(k, v, zone) for k, v in details.items()}
    params["entity_id"] = entry.entity_id
    contact_id = details.get("contact") if entry.entity != "contact" else entry.entity_id
    contact = names.contacts.get(contact_id) if isinstance(contact_id, int) else None
    organisation_id = details.get("organisation")
    organisation = (names.organisations.get(organisation_id)
                    if isinstance(organisation_id, int) else None)
    params["who"] = contact or organisation or gettext("an organisation")
    params["contact"] = contact or gettext("A contact")
    if "answer" in details:
        params["answer"] = str(ANSWERS.get(details["answer"], details["answer"]))
    if "role" in details:
        params["role"] = str(ROLES.get(details["role"], details["role"]))
    listed = details.get("organisations")
    if isinstance(listed, list):
        params["count"] = len(listed)
        params["organisations"] = ", ".join(str(n) for n in listed) or gettext("none")
    if isinstance(details.get("changes"), dict):
        params["changes"] = ", ".join(str(FIELDS.get(k, k)) for k in sorted(details["changes"]))
    if entry.entity == "commitment":
        for name in ("status", "previous"):
            if name in details:
                params[name] = str(STATUSES.get(details[name], details[name]))
        if isinstance(details.get("changed"), list):
            params["changed"] = ", ".join(str(COMMITMENT_PARTS.get(k, k))
                                          for k in details["changed"])
    if entry.entity == "indicator":
        if "rating" in details:
            params["rating"] = str(RATINGS.get(details["rating"], details["rating"]))
        value = details.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            params["value"] = format_decimal(value)
        proposer = details.get("proposed_by")
        params["proposer"] = ((names.organisations.get(proposer) if isinstance(proposer, int)
                               else None) or gettext("an organisation"))
    if isinstance(details.get("messages"), int):
        params["sent"] = ngettext("%(num)s message", "%(num)s messages", details["messages"])
    try:
        if isinstance(template, Plural):
            params.pop("num", None)
            count = details[COUNTS[entry.action]]
            text = ngettext(template.singular, template.plural,
                            len(count) if isinstance(count, list) else count, **params)
        else:
            text = gettext(template, **params) if template else None
    except (KeyError, TypeError, ValueError):
        text = None  # details of an older shape: say what happened, without the detail
    if text is None:
        text = gettext("Recorded: %(action)s.", action=entry.action)
    reason = details.get("reason")
    if isinstance(reason, str) and reason.strip():
        text += " " + gettext("Reason: %(reason)s", reason=reason.strip())
    if details.get("past_held_by"):
        text += " " + gettext("Moved past the date it must be held by (%(date)s), on "
                              "purpose.", date=params["past_held_by"])
    return text


def _shown(key: str, value: Any, zone: str) -> Any:
    """A detail as a reader sees it: instants in their zone, days in their language."""
    if isinstance(value, str) and key in INSTANTS:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return _when(moment, zone)
    if isinstance(value, str) and key in DAYS:
        try:
            return format_date(date.fromisoformat(value[:10]), "long")
        except ValueError:
            return value
    if value is None:
        return "–"
    return value
