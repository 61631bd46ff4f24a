"""Reviewers of a call, their conflicts of interest and their scores (issue 17, point 3).

The secretariat appoints the reviewers of a call: its own staff and the civil-society
members of the technical secretariat (recommendation 1). Each reviewer scores the
applications against the call's published criteria, 0 to 5 each, once the call has
closed and until its results are published. A reviewer never scores their own
organisation's application (no declaration needed: it is left out of what they see) nor
one they declared a conflict with. When the call is anonymised, reviewers see
applications by number, without the names of the organisation, its contact or who would
attend.

An application's score is the mean, over the reviewers who scored it, of each reviewer's
weighted mean (sum of weight x score over sum of weights); unreviewed, it scores 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, select

from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.models import Account, Role
from coordinator.selection.models import (
    Application,
    ApplicationState,
    Call,
    Criterion,
    Review,
    Reviewer,
)
from coordinator.selection.models import Conflict as Conflicted  # not errors.Conflict
from coordinator.texts import check_text
from coordinator.unit import Actor, Unit, unit_of_work

AUDIT = "call"
SCALE = range(0, 6)  # every criterion is scored 0 to 5, in whole points
MAX_REASON, MAX_COMMENT = 2000, 4000
REVIEWER_ROLES = (Role.SECRETARIAT, Role.CSO_REVIEWER)


# --- shared checks (the selection uses them too) ----------------------------------------

def lock_call(unit: Unit, call_id: int) -> Call:
    """The call, read afresh with its review and selection held until this unit ends:
    two reviewers scoring, a reviewer scoring while the secretariat proposes the selection
    or publishes it, run one after the other. The lock is taken first (SQLite takes its
    write lock with it, before anything is read)."""
    unit.serialise(f"call:{call_id}")
    call = row(Call, call_id)
    if call is None:
        raise NotFound(N_("No call for participation %(id)s."), id=call_id)
    unit.session.refresh(call)
    return call


def account_of(unit: Unit) -> Account | None:
    """The acting account; None for doors without one (the command line, the scheduler)."""
    if unit.actor.account_id is None:
        return None
    return unit.session.get(Account, unit.actor.account_id)


def secretariat_only(unit: Unit) -> None:
    """Refuse anyone but the secretariat (and the command line)."""
    account = account_of(unit)
    if account is not None and account.role != Role.SECRETARIAT:
        raise InvalidInput(N_("Only the secretariat manages the review and the selection "
                              "of a call."), field="call")


def review_open(call: Call) -> None:
    """Refuse once the results are published: what was decided stays as published."""
    if call.results_at is not None:
        raise Conflict(N_("The results of this call are published; its review and "
                          "selection are closed."), field="call")


def call_closed(call: Call, now: datetime) -> None:
    """Refuse while the call is open: applications may still change until it closes."""
    if now < call.closes_at:
        raise Conflict(N_("The call is still open: its review and selection start when "
                          "it closes."), field="call")


def _application(unit: Unit, call: Call, application_id: int) -> Application:
    application = row(Application, application_id)
    if application is None or application.call_id != call.id:
        raise NotFound(N_("No application %(id)s in this call."), field="application_id",
                       id=application_id)
    unit.session.refresh(application)
    return application


def _reviewer(unit: Unit, call: Call) -> tuple[Reviewer, Account]:
    """The acting account as one of the call's reviewers."""
    account = account_of(unit)
    found = None if account is None else unit.session.scalar(select(Reviewer).where(
        Reviewer.call_id == call.id, Reviewer.account_id == account.id))
    if found is None or account is None or not account.active:
        raise InvalidInput(N_("You are not a reviewer of this call."), field="call")
    return found, account


def _conflict(reviewer_id: int, application_id: int) -> Conflicted | None:
    return db.session.scalar(select(Conflicted).where(
        Conflicted.reviewer_id == reviewer_id, Conflicted.application_id == application_id))


# --- reviewers ------------------------------------------------------------------------

def appoint_reviewer(call_id: int, account_id: int, *, now: datetime,
                     actor: Actor) -> Reviewer:
    """Make an account (the secretariat's, or a civil-society reviewer's) a reviewer of
    the call."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        secretariat_only(unit)
        review_open(call)
        account = row(Account, account_id)
        if account is None:
            raise InvalidInput(N_("No account %(id)s."), field="account_id", id=account_id)
        if account.role not in REVIEWER_ROLES or not account.active:
            raise InvalidInput(N_("A reviewer is a member of the secretariat or one of its "
                                  "civil-society reviewers, with an open account."),
                               field="account_id")
        if unit.session.scalar(select(Reviewer.id).where(
                Reviewer.call_id == call.id, Reviewer.account_id == account.id)) is not None:
            raise Conflict(N_("%(name)s already reviews this call."), field="account_id",
                           name=account.name)
        reviewer = Reviewer(call_id=call.id, account_id=account.id, created_at=now)
        unit.session.add(reviewer)
        unit.session.flush()
        unit.record("call.reviewer.appoint", AUDIT, call.id, reviewer=reviewer.id,
                    account=account.id, role=account.role)
    return reviewer


def remove_reviewer(call_id: int, account_id: int, *, now: datetime, actor: Actor) -> None:
    """Stop an account reviewing the call; their scores and conflicts go with them."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        secretariat_only(unit)
        review_open(call)
        reviewer = unit.session.scalar(select(Reviewer).where(
            Reviewer.call_id == call.id, Reviewer.account_id == account_id))
        if reviewer is None:
            raise NotFound(N_("This account does not review this call."), field="account_id")
        scored = list(unit.session.scalars(select(Review.application_id).where(
            Review.reviewer_id == reviewer.id)))
        # Explicit, not left to ON DELETE CASCADE: the session must not keep them either.
        unit.session.execute(delete(Review).where(Review.reviewer_id == reviewer.id))
        unit.session.execute(delete(Conflicted).where(Conflicted.reviewer_id == reviewer.id))
        reviewer_id = reviewer.id
        unit.session.delete(reviewer)
        unit.session.flush()
        unit.record("call.reviewer.remove", AUDIT, call.id, reviewer=reviewer_id,
                    account=account_id, scores_dropped=sorted(scored))


# --- conflicts and scores ---------------------------------------------------------------

def declare_conflict(call_id: int, application_id: int, *, reason: str, now: datetime,
                     actor: Actor) -> Conflicted:
    """The acting reviewer declares a conflict of interest with one application: they no
    longer score it, and a score they gave it before no longer counts."""
    ensure_aware(now, "now")
    reason = check_text(reason, field="reason", limit=MAX_REASON, empty=InvalidInput(
        N_("Say why you have a conflict of interest with this application."), field="reason"))
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        reviewer, _ = _reviewer(unit, call)
        review_open(call)
        application = _application(unit, call, application_id)
        if _conflict(reviewer.id, application.id) is not None:
            raise Conflict(N_("You have already declared a conflict with this application."),
                           field="application_id")
        dropped = unit.session.execute(delete(Review).where(
            Review.reviewer_id == reviewer.id, Review.application_id == application.id))
        conflict = Conflicted(reviewer_id=reviewer.id, application_id=application.id,
                              reason=reason, created_at=now)
        unit.session.add(conflict)
        unit.session.flush()
        unit.record("call.conflict.declare", AUDIT, call.id, reviewer=reviewer.id,
                    application=application.id,
                    score_dropped=bool(getattr(dropped, "rowcount", 0)))
    return conflict


def _criterion_id(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) < 12:
        return int(key)
    return None


def check_scores(criteria: list[Criterion], scores: object) -> dict[str, int]:
    """Every criterion of the call scored 0 to 5 in whole points, and nothing else; the
    refusal names the criterion's field (`scores.<criterion id>`)."""
    if not isinstance(scores, dict):
        raise InvalidInput(N_("Give a score from 0 to 5 for every criterion."),
                           field="scores")
    known = {criterion.id for criterion in criteria}
    given: dict[int, object] = {}
    for key, value in scores.items():
        number = _criterion_id(key)
        if number is None or number not in known:
            raise InvalidInput(N_("This call has no criterion %(id)s."),
                               field=f"scores.{key}", id=str(key)[:40])
        given[number] = value
    checked: dict[str, int] = {}
    for criterion in criteria:
        if criterion.id not in given:
            raise InvalidInput(N_("Give a score from 0 to 5 for every criterion."),
                               field=f"scores.{criterion.id}")
        value = given[criterion.id]
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise InvalidInput(N_("A score is a whole number from 0 to 5."),
                               field=f"scores.{criterion.id}")
        checked[str(criterion.id)] = value
    return checked


def _comment(comment: str | None) -> str | None:
    if comment is None or not comment.strip():
        return None
    return check_text(comment, field="comment", limit=MAX_COMMENT,
                      empty=InvalidInput(N_("Write a comment, or leave it empty."),
                                         field="comment"))


def score(call_id: int, application_id: int, scores: dict[int, int], *,
          comment: str | None = None, now: datetime, actor: Actor) -> Review:
    """The acting reviewer's scores of one application (again: the same review, updated)."""
    ensure_aware(now, "now")
    comment = _comment(comment)
    with unit_of_work(actor, now) as unit:
        call = lock_call(unit, call_id)
        reviewer, account = _reviewer(unit, call)
        review_open(call)
        call_closed(call, now)
        application = _application(unit, call, application_id)
        if application.state == ApplicationState.WITHDRAWN:
            raise Conflict(N_("This application was withdrawn."), field="application_id")
        if account.organisation_id is not None \
                and account.organisation_id == application.organisation_id:
            raise InvalidInput(N_("You cannot score your own organisation's application."),
                               field="application_id")
        if _conflict(reviewer.id, application.id) is not None:
            raise InvalidInput(N_("You declared a conflict of interest with this "
                                  "application: you do not score it."),
                               field="application_id")
        checked = check_scores(list(call.criteria), scores)
        review = unit.session.scalar(select(Review).where(
            Review.reviewer_id == reviewer.id, Review.application_id == application.id))
        again = review is not None
        if review is None:
            review = Review(reviewer_id=reviewer.id, application_id=application.id,
                            created_at=now)
            unit.session.add(review)
        review.scores = checked
        review.comment = comment
        review.updated_at = now
        unit.session.flush()
        unit.record("call.review.score", AUDIT, call.id, reviewer=reviewer.id,
                    application=application.id, scores=checked, again=again)
    return review


# --- what a reviewer sees ---------------------------------------------------------------

@dataclass(frozen=True)
class ToReview:
    """One application as a reviewer sees it; `name`, `contact` and the attendees' names
    are None when the call is anonymised."""

    application_id: int
    number: int  # "Application no. N": its place among the call's applications, from 1
    name: str | None
    contact: str | None
    attendees: list[dict[str, Any]]
    motivation: str
    written_in: str | None
    countries: list[str]
    scope: str
    kinds: list[str]
    led_by: list[str]
    languages: list[str]
    mechanisms: list[str]
    other_mechanism: str | None
    online: bool
    interpretation: list[str]
    accessibility: str | None
    state: ApplicationState
    scores: dict[int, int] | None = None  # this reviewer's, by criterion id
    comment: str | None = None
    conflict: str | None = None  # the reason this reviewer declared, if they did

    @property
    def title(self) -> str:
        """The organisation's name, or "Application no. N" in the reader's language."""
        return self.name or gettext("Application no. %(num)s", num=self.number)


def numbers(call: Call) -> dict[int, int]:
    """Each application's number within its call (1, 2, ...: in the order they came)."""
    ids = db.session.scalars(select(Application.id).where(Application.call_id == call.id)
                             .order_by(Application.created_at, Application.id))
    return {application_id: n for n, application_id in enumerate(ids, start=1)}


def to_review(account: Account, call: Call) -> list[ToReview]:
    """The applications a reviewer reviews, with their own scores and conflicts; those of
    their own organisation and withdrawn ones are left out."""
    reviewer = db.session.scalar(select(Reviewer).where(
        Reviewer.call_id == call.id, Reviewer.account_id == account.id))
    if reviewer is None:
        raise NotFound(N_("You are not a reviewer of this call."), field="call")
    query = select(Application).where(Application.call_id == call.id,
                                      Application.state != ApplicationState.WITHDRAWN)
    if account.organisation_id is not None:
        query = query.where(Application.organisation_id != account.organisation_id)
    reviews = {r.application_id: r for r in db.session.scalars(
        select(Review).where(Review.reviewer_id == reviewer.id))}
    conflicts = {c.application_id: c.reason for c in db.session.scalars(
        select(Conflicted).where(Conflicted.reviewer_id == reviewer.id))}
    number = numbers(call)
    hidden = call.anonymised
    found = []
    for application in db.session.scalars(query):
        organisation = application.organisation
        review = reviews.get(application.id)
        attendees = [({k: v for k, v in person.items() if k != "name"} if hidden else
                      dict(person)) for person in (application.attendees or [])]
        found.append(ToReview(
            application_id=application.id, number=number[application.id],
            name=None if hidden else organisation.name,
            contact=None if hidden or application.contact is None
            else application.contact.name,
            attendees=attendees, motivation=application.motivation,
            written_in=application.written_in,
            countries=sorted(c.iso for c in organisation.countries),
            scope=organisation.scope.value, kinds=list(organisation.kinds or []),
            led_by=list(organisation.led_by or []),
            languages=list(organisation.languages or []),
            mechanisms=list(application.mechanisms or []),
            other_mechanism=application.other_mechanism, online=application.online,
            interpretation=list(application.interpretation or []),
            accessibility=application.accessibility, state=application.state,
            scores=({int(k): v for k, v in review.scores.items()}
                    if review is not None else None),
            comment=review.comment if review is not None else None,
            conflict=conflicts.get(application.id)))
    return sorted(found, key=lambda item: item.number)


# --- scores ---------------------------------------------------------------------------

def weighted(review_scores: dict[str, int], weights: dict[int, int]) -> float | None:
    """One reviewer's weighted mean over the call's criteria they scored (None: none)."""
    pairs = [(weights[int(k)], v) for k, v in review_scores.items() if int(k) in weights]
    total = sum(weight for weight, _ in pairs)
    return sum(weight * value for weight, value in pairs) / total if total else None


def weighted_scores(call: Call) -> dict[int, float]:
    """Each application's score, 0 to 5: the mean over its reviewers of their weighted
    means; 0 for an application nobody scored. Withdrawn applications are left out."""
    weights = {c.id: c.weight for c in db.session.scalars(
        select(Criterion).where(Criterion.call_id == call.id))}
    applications = list(db.session.scalars(select(Application.id).where(
        Application.call_id == call.id, Application.state != ApplicationState.WITHDRAWN)))
    means: dict[int, list[float]] = {application_id: [] for application_id in applications}
    reviews = db.session.scalars(select(Review).join(Reviewer).where(
        Reviewer.call_id == call.id, Review.application_id.in_(applications)))
    for review in reviews:
        mean = weighted(review.scores or {}, weights)
        if mean is not None:
            means[review.application_id].append(mean)
    return {application_id: (sum(found) / len(found) if found else 0.0)
            for application_id, found in means.items()}
