"""What the doors read about minutes and action items: the public record of a meeting, a
coordinator's owner choices, and the lists the workspace, the API and the CLI show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coordinator.content import services as content
from coordinator.errors import N_, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.models import (
    Account,
    Committee,
    Country,
    Meeting,
    Organisation,
    RegistrationState,
)
from coordinator.outcomes import rendering
from coordinator.outcomes.action_items import UNSETTLED, Owner, _in_scope, overdue_items
from coordinator.outcomes.messages import owner_label as owner_label  # one definition
from coordinator.outcomes.minutes import minutes_of
from coordinator.outcomes.models import ActionItem, ActionStatus, MinutesVersion
from coordinator.present import committee_name, country_name


@dataclass(frozen=True)
class PublicMinutes:
    """The latest published version as one reader sees it: its HTML in their language
    where a current translation exists, else the original's (`language` says which)."""

    version: MinutesVersion
    html: str
    language: str | None
    translated: bool


def public_minutes(meeting: Meeting, reader: str | None) -> PublicMinutes | None:
    """The published minutes for the meeting page and the API (None: none yet)."""
    version = minutes_of(meeting)
    if version is None:
        return None
    shown = content.for_meetings([meeting]).show("minutes", version.minutes_id, "text",
                                                 version.text, version.written_in, reader)
    html = rendering.to_html(shown.text) if shown.translated else version.html
    return PublicMinutes(version, html, shown.language, shown.translated)


def find_action_item(item_id: int) -> ActionItem:
    """The item of an id, or the one refusal every door gives for a missing one."""
    found = row(ActionItem, item_id)
    if found is None:
        raise NotFound(N_("No action item %(id)s."), id=item_id)
    return found


def items_of_meeting(meeting_id: int, *, unsettled_only: bool = False) -> list[ActionItem]:
    """A meeting's action items, soonest due first."""
    query = select(ActionItem).where(ActionItem.meeting_id == meeting_id)
    if unsettled_only:
        query = query.where(ActionItem.status.in_(UNSETTLED))
    return list(db.session.scalars(query.order_by(ActionItem.due_on, ActionItem.id)))


def action_items(*, status: str | None = None, overdue: bool = False,
                 now: datetime) -> list[ActionItem]:
    """Every item, or those of one status, or the overdue ones (for the API and CLI)."""
    if overdue:
        found = overdue_items(now)
        return [i for i in found if status is None or i.status == ActionStatus(status)]
    query = select(ActionItem)
    if status is not None:
        query = query.where(ActionItem.status == ActionStatus(status))
    return list(db.session.scalars(query.order_by(ActionItem.due_on, ActionItem.id)))


def owner_key(item: ActionItem) -> str:
    """The owner as the API and forms write it: country:GT, committee:slug,
    organisation:ID, account:ID."""
    if item.owner_country is not None:
        return f"country:{item.owner_country.iso}"
    if item.owner_committee is not None:
        return f"committee:{item.owner_committee.slug}"
    if item.owner_organisation_id is not None:
        return f"organisation:{item.owner_organisation_id}"
    return f"account:{item.owner_account_id}"


def owner_choices(account: Account) -> list[tuple[str, str]]:
    """Owners this account may give an item to, as (key, label): the same scope rule the
    service applies (`_in_scope`), so the list never offers what would be refused."""
    session = db.session
    candidates: list[tuple[str, str, dict[str, int]]] = []
    for country in session.scalars(select(Country).order_by(Country.name_en)):
        candidates.append((f"country:{country.iso}", country_name(country),
                           {"owner_country_id": country.id}))
    for committee in session.scalars(select(Committee).order_by(Committee.id)):
        candidates.append((f"committee:{committee.slug}", committee_name(committee),
                           {"owner_committee_id": committee.id}))
    for organisation in session.scalars(select(Organisation).where(
            Organisation.registration_state == RegistrationState.APPROVED)
            .order_by(Organisation.name)):
        candidates.append((f"organisation:{organisation.id}", organisation.name,
                           {"owner_organisation_id": organisation.id}))
    for person in session.scalars(select(Account).where(Account.active.is_(True))
                                  .order_by(Account.name)):
        candidates.append((f"account:{person.id}", person.name,
                           {"owner_account_id": person.id}))
    return [(key, label) for key, label, owner in candidates
            if _in_scope(session, account, owner)]


def owner_from_key(key: str | None) -> Owner:
    """An owner written as country:GT, committee:slug, organisation:ID or account:ID (a
    form's select, an API field, a command's option); the service checks it exists."""
    kind, _, value = (key or "").strip().partition(":")
    if kind == "country" and value:
        return Owner(country=value)
    if kind == "committee" and value:
        return Owner(committee=value)
    if kind in ("organisation", "account") and value.isascii() and value.isdecimal() \
            and len(value) <= 10:
        number = int(value)
        return Owner(organisation_id=number) if kind == "organisation" \
            else Owner(account_id=number)
    raise InvalidInput(N_("Choose one owner: a country, a committee, an organisation or a "
                          "person."), field="owner")
