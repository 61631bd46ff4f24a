"""The shapes the API reads and writes; pydantic checks them and writes their JSON Schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from coordinator.cadence.errors import N_, InvalidInput
from coordinator.cadence.kinds import SeriesKind


def _printable(value: str) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it) never belong in these fields.
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        # A refusal (a ValueError) so that the problem document says it in the reader's
        # language (coordinator.api.problems.validation_problem).
        raise InvalidInput(N_("Control characters are not allowed."))
    return value


def text(max_length: int, min_length: int = 0):
    return Annotated[str, Field(min_length=min_length, max_length=max_length),
                     AfterValidator(_printable)]


def _in_range(value: date) -> date:
    # Dates the service can reason about (and that every time zone can represent).
    if not 2000 <= value.year <= 2100:
        raise InvalidInput(N_("Use a year from %(first)s to %(last)s."), first=2000, last=2100)
    return value


Day = Annotated[date, AfterValidator(_in_range)]
Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
Name = text(200, 1)
Reason = text(2000)
Iso = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,80}$")]
Zone = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Input(BaseModel):
    """Request bodies: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Paging(Query):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


# --- reference data ---------------------------------------------------------------------

class CountryOut(BaseModel):
    iso: str
    name_en: str
    name_es: str
    endorsement: str
    capital_zone: str
    zones: list[str]
    languages: list[str]


class CountryList(BaseModel):
    items: list[CountryOut]


class RepresentativeOut(BaseModel):
    name: str | None = Field(description="The person's name: only for secretariat tokens "
                             "(their registration did not agree to publish it).")
    organisation: str
    website: str | None = Field(description="The organisation's website, to reach it.")


class CommitteeOut(BaseModel):
    id: int
    slug: str
    pillar: str
    name_en: str
    lead_countries: list[str]
    representative: RepresentativeOut | None


class CommitteeList(BaseModel):
    items: list[CommitteeOut]


# --- organisations and contacts -------------------------------------------------------

class OrganisationQuery(Paging):
    state: Literal["pending", "verified", "approved", "declined"] | None = None
    country: Iso | None = None


class OrganisationOut(BaseModel):
    id: int
    name: str
    scope: str
    kinds: list[str]
    led_by: list[str] | None = Field(
        description="Who leads the organisation, as it told the secretariat: only for "
        "secretariat tokens (the registration did not agree to publish it).")
    countries: list[str]
    languages: list[str]
    website: str | None
    registration_state: str


class OrganisationPage(BaseModel):
    items: list[OrganisationOut]
    total: int
    next_offset: int | None


class ContactOut(BaseModel):
    id: int
    name: str
    email: str
    language: str
    zone: str
    active: bool


class ContactList(BaseModel):
    items: list[ContactOut]


# --- series and meetings --------------------------------------------------------------

class Offsets(Input):
    suggestions_open: int = Field(42, ge=0, le=365)
    suggestions_close: int = Field(21, ge=0, le=365)
    agenda_due: int = Field(14, ge=0, le=365)
    reminders: list[Annotated[int, Field(ge=0, le=365)]] = Field([7, 1], max_length=5)


class SeriesIn(Input):
    kind: SeriesKind
    first_date: Day
    start_time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    zone: Zone
    duration_minutes: int = Field(90, ge=1, le=1440)
    rrule: text(500) | None = None  # type: ignore[valid-type]
    title: text(200) | None = None  # type: ignore[valid-type]
    country: Iso | None = None
    committee: Slug | None = None
    holiday_country: Annotated[str, Field(pattern=r"^([A-Z]{2})?$")] | None = None
    allow_weekends: bool | None = Field(
        None, description="True: a meeting the rule puts on a weekend stays there; false: it "
        "moves to a working day, like a holiday. Default: only extraordinary meetings stay.")
    location: text(300) | None = None  # type: ignore[valid-type]
    online_url: text(500) | None = None  # type: ignore[valid-type]
    description: text(5000) | None = None  # type: ignore[valid-type]
    held_by: Day | None = None
    offsets: Offsets = Field(default_factory=Offsets)
    short_notice_justification: text(2000) | None = None  # type: ignore[valid-type]
    dry_run: bool = Field(False, description="Only compute the dates, deadlines and clashes.")


class RuleOut(BaseModel):
    rrule: str | None
    first_date: date
    start_time: str
    zone: str
    duration_minutes: int
    valid_from: date | None
    valid_until: date | None


class SeriesOut(BaseModel):
    id: int
    kind: str
    title: str
    country: str | None
    committee: str | None
    holiday_country: str | None
    allow_weekends: bool
    rules: list[RuleOut]
    location: str | None
    online_url: str | None = Field(description="Only for accounts that manage the series.")
    held_by: date | None
    active: bool
    meetings: int
    coordinator_id: int | None = Field(None, description="The account that coordinates the "
                                       "series (its mails' organizer and Reply-To).")


class SeriesQuery(Paging):
    country: Iso | None = None
    committee: Slug | None = None
    kind: SeriesKind | None = None


class SeriesPage(BaseModel):
    items: list[SeriesOut]
    total: int
    next_offset: int | None


class DeadlinesOut(BaseModel):
    suggestions_open: AwareDatetime
    suggestions_close: AwareDatetime
    agenda_due: AwareDatetime


class ClashOut(BaseModel):
    source: Literal["external", "meeting"]
    title: str
    start: AwareDatetime
    end: AwareDatetime


class PlannedOut(BaseModel):
    start: AwareDatetime
    end: AwareDatetime
    zone: str
    shifted_from: date | None
    holiday: str | None
    moved_because: Literal["holiday", "weekend"] | None
    deadlines: DeadlinesOut
    clashes: list[ClashOut]


class DryRunOut(BaseModel):
    """A dry run: the meetings the series would get; nothing was written."""

    meetings: list[PlannedOut]


class AgendaEntryOut(BaseModel):
    id: int | None = None
    title: str
    kind: str
    duration: int | None = None
    presenter: str | None = None
    language: str | None = None
    written_in: str | None = Field(None, description="The language `title` is in.")
    translated: bool = Field(False, description="`title` is a translation of the original.")


class MeetingOut(BaseModel):
    id: int
    uid: str
    series_id: int
    title: str
    kind: str
    country: str | None
    committee: str | None
    start: AwareDatetime
    end: AwareDatetime
    zone: str
    status: str
    sequence: int
    moved: bool
    shifted_from: date | None
    holiday: str | None
    moved_because: Literal["holiday", "weekend"] | None
    deadlines: DeadlinesOut
    agenda_version: int
    agenda_published_at: AwareDatetime | None
    agenda: list[AgendaEntryOut]
    url: str


class MeetingQuery(Paging):
    country: Iso | None = None
    committee: Slug | None = None
    kind: SeriesKind | None = None
    start_from: Moment | None = Field(None, alias="from")
    start_before: Moment | None = Field(None, alias="to")
    status: Literal["scheduled", "cancelled"] | None = None


class MeetingPage(BaseModel):
    items: list[MeetingOut]
    total: int
    next_offset: int | None


class MoveIn(Input):
    start: Moment = Field(description="The new start, with its UTC offset.")
    zone: Zone | None = Field(None, description="Zone whose wall clock the meeting keeps.")
    duration_minutes: int | None = Field(None, ge=1, le=1440)
    reason: Reason | None = None  # type: ignore[valid-type]
    past_held_by: bool = Field(False, description="Move past the series' 'held by' date "
                               "(refused with 409 otherwise); the override is recorded.")


class CancelIn(Input):
    reason: Reason | None = None  # type: ignore[valid-type]


# --- participants, agenda, suggestions, proposals ---------------------------------------

class ParticipantIn(Input):
    organisation_id: Id | None = Field(None, description="An approved organisation; or "
                                       "give account_id.")
    account_id: Id | None = Field(None, description="A coordinator's account: only for the "
                                  "special coordinators' meetings.")
    role: Literal["invited", "observer", "representative"] = "invited"


class RuleChangeIn(Input):
    effective_from: Day = Field(description="The new rule applies to meetings from this "
                                "local date on; earlier and individually moved ones stay.")
    start_time: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    zone: Zone
    duration_minutes: int = Field(90, ge=1, le=1440)
    rrule: text(500) | None = Field(None, description="The new RFC 5545 rule; empty: the "  # type: ignore[valid-type]
                                    "kind's usual cadence.")
    first_date: Day | None = Field(None, description="A new anchor; empty: the series keeps "
                                   "its own, so its months and day of the month stay.")
    preview: bool = Field(False, description="Only say what saving would do.")


class MovedOut(BaseModel):
    meeting_id: int
    start: datetime
    new_start: datetime
    invited: bool = Field(description="Invitations are out: people get an update.")


class CancelledOut(BaseModel):
    meeting_id: int
    start: datetime
    invited: bool = Field(description="Invitations are out: people get a cancellation.")


class RuleChangeOut(BaseModel):
    rrule: str | None
    first_date: date
    moved: list[MovedOut]
    cancelled: list[CancelledOut]
    added: list[datetime]
    saved: bool


class InviteAllIn(Input):
    country: str | None = Field(None, min_length=2, max_length=2,
                                description="ISO code: its approved organisations.")
    committee: str | None = Field(None, max_length=80, description="A committee's slug: the "
                                  "approved organisations of its member countries.")
    role: Literal["invited", "observer"] = "invited"
    dry_run: bool = Field(False, description="List who would be invited; write nothing.")


class InvitedAll(BaseModel):
    organisations: list[int] = Field(description="Approved organisations invited now (or, "
                                     "with dry_run, who would be), by name.")
    invited: bool


class ParticipantOut(BaseModel):
    id: int
    organisation_id: int | None
    contact_id: int | None
    role: str
    account_id: int | None = None


class ParticipantList(BaseModel):
    items: list[ParticipantOut]


class AgendaItemIn(Input):
    title: text(200, 1)  # type: ignore[valid-type]
    kind: Literal["progress", "cso-proposal", "discussion", "other"] = "discussion"
    presenter: text(200) | None = None  # type: ignore[valid-type]
    duration: int = Field(15, ge=1, le=480)
    language: Literal["en", "es", "pt", "fr", "ht", "nl"] | None = None
    written_in: Literal["en", "es", "pt", "fr", "ht", "nl"] | None = Field(
        None, description="The language the title is written in (default: the caller's).")


class TranslationsIn(Input):
    subject: Literal["agenda_item", "series", "meeting", "suggestion"]
    subject_id: Id
    field: Literal["title", "description", "short_notice_justification", "cancel_reason",
                   "reason"]
    texts: dict[Literal["en", "es", "pt", "fr", "ht", "nl"], text(5000) | None] = Field(  # type: ignore[valid-type]
        description="Language → translation; null or empty removes that translation.")


class TextStatusOut(BaseModel):
    subject: str
    subject_id: int
    field: str
    original: str
    written_in: str | None
    states: dict[str, Literal["original", "translated", "outdated", "missing"]]
    texts: dict[str, str]


class TranslationsOut(BaseModel):
    meeting_id: int
    languages: list[str]
    missing: int
    texts: list[TextStatusOut]


class PositionIn(Input):
    position: int = Field(ge=1, le=1000)


class AgendaOut(BaseModel):
    meeting_id: int
    version: int
    draft_changed: bool
    items: list[AgendaEntryOut]


class SuggestionOut(BaseModel):
    id: int
    meeting_id: int
    title: str
    description: str
    organisation: str
    show_name: bool = Field(description="The proposer agreed to publish the organisation's "
                            "name; without it, accepting leaves the agenda item unnamed.")
    language: str
    minutes_needed: int
    state: str
    reason: str | None


class SuggestionList(BaseModel):
    items: list[SuggestionOut]


class DecisionIn(Input):
    decision: Literal["accept", "decline", "defer", "merge"]
    reason: Reason | None = None  # type: ignore[valid-type]
    into: Id | None = Field(None, description="For merge: the suggestion to join.")


class HoldIn(Input):
    hold: bool = Field(description="true: proposers hear of every decision together, when "
                       "the outcomes are released; false: each as soon as it is decided.")


class OutcomesOut(BaseModel):
    meeting_id: int
    hold: bool
    held: int = Field(description="Decided topics whose outcome is not yet announced.")
    released: int = Field(0, description="Outcomes this request announced.")


class PlacementIn(Input):
    meeting_id: Id | None = Field(None, description="One of the committee's briefings "
                                  "ahead; without it, the next.")


class ProposalOut(BaseModel):
    id: int
    committee: str
    title: str
    body: str
    organisation: str
    show_name: bool = Field(description="The proposer agreed to publish the organisation's "
                            "name with the proposal (public summary, a briefing's agenda).")
    state: str
    answer: str | None
    meeting_id: int | None
    created_at: AwareDatetime


class ProposalPage(BaseModel):
    items: list[ProposalOut]
    total: int
    next_offset: int | None


class AnswerIn(Input):
    answer: text(4000, 1)  # type: ignore[valid-type]


# --- compliance and outbox ------------------------------------------------------------

class ComplianceQuery(Query):
    year: int = Field(ge=2022, le=2100)


class CellOut(BaseModel):
    period: str
    state: str  # held, unrecorded (started, attendance not yet recorded), scheduled, ...
    label: str = ""  # the state in the caller's language (Accept-Language)
    meeting_ids: list[int]


class AgendaRecordOut(BaseModel):
    meeting_id: int
    state: str
    days_late: float
    lead_days: float | None


class ComplianceOut(BaseModel):
    year: int
    countries: dict[str, list[CellOut]]
    committees: dict[str, list[CellOut]]
    agendas: list[AgendaRecordOut]


class OutboxQuery(Paging):
    state: Literal["queued", "sending", "sent", "failed"] | None = None


class OutboxItemOut(BaseModel):
    id: int
    kind: str
    recipient: str
    subject: str
    state: str
    attempts: int
    last_error: str | None
    meeting_id: int | None
    created_at: AwareDatetime
    sent_at: AwareDatetime | None


class OutboxOut(BaseModel):
    counts: dict[str, int]
    items: list[OutboxItemOut]
    total: int
    next_offset: int | None


# --- RSVP details (who answered what, interpretation) ---------------------------------

class RsvpOut(BaseModel):
    invitation_id: int
    organisation: str | None
    name: str
    email: str
    role: str
    answer: Literal["accepted", "tentative", "declined", "needs-action"]
    speaks: str | None = Field(description="Language tag the person will speak in.")
    interpretation_into: str | None = Field(description="Language tag they need "
                                            "interpretation into.")
    answered_at: AwareDatetime | None


class RsvpListOut(BaseModel):
    meeting_id: int
    answers: dict[str, int] = Field(description="How many gave each answer.")
    speaks: dict[str, int] = Field(description="People coming (yes or maybe) per language "
                                   "they will speak.")
    interpretation_into: dict[str, int] = Field(description="People coming (yes or maybe) "
                                                "per language they need interpretation into.")
    items: list[RsvpOut]


# --- Series' coordinators and convening countries ---------------------------------------

class SeriesPatch(Input):
    coordinator_id: Id = Field(description="The account that coordinates the series: the "
                               "organizer and Reply-To of its mails.")


class HostCountryIn(Input):
    country: Iso | None = Field(description="The convening country of this special "
                                "coordinators' meeting (ISO code), or null for none.")


class HostCountryOut(BaseModel):
    meeting_id: int
    host_country: str | None


# --- Minutes and action items (issue 16) ------------------------------------------------

Language = Literal["en", "es", "pt", "fr", "ht", "nl"]
OwnerKey = Annotated[str, Field(
    pattern=r"^(country:[A-Z]{2}|committee:[a-z0-9-]{1,80}|organisation:[1-9][0-9]{0,9}"
            r"|account:[1-9][0-9]{0,9})$",
    description="country:GT, committee:<slug>, organisation:<id> or account:<id>.")]
MinutesText = text(20000)
Decision = text(500)
ItemText = text(1000, 1)


class MinutesIn(Input):
    text: MinutesText  # type: ignore[valid-type]
    decisions: list[Decision] = Field(default_factory=list, max_length=50,  # type: ignore[valid-type]
                                       description="One decision per entry.")
    written_in: Language | None = Field(
        None, description="The language the minutes are written in (default: the caller's).")


class PublishMinutesIn(Input):
    what_changed: Reason | None = Field(  # type: ignore[valid-type]
        None, description="Required from the second version on.")


class MinutesVersionOut(BaseModel):
    version: int
    text: str = Field(description="Markdown, as written.")
    html: str = Field(description="Rendered and sanitised HTML.")
    decisions: list[str]
    written_in: str | None
    what_changed: str | None
    published_at: AwareDatetime


class MinutesOut(BaseModel):
    meeting_id: int
    versions: list[MinutesVersionOut] = Field(description="Published versions, oldest first.")


class DraftOut(BaseModel):
    meeting_id: int
    text: str
    decisions: list[str]
    written_in: str | None
    version: int = Field(description="The last published version (0: none).")
    draft_changed: bool


class ActionItemIn(Input):
    text: ItemText  # type: ignore[valid-type]
    owner: OwnerKey
    due_on: Day
    agenda_item_id: Id | None = None
    written_in: Language | None = None


class ActionItemPatch(Input):
    status: Literal["open", "in-progress", "done", "dropped"] | None = None
    reason: Reason | None = Field(None, description="Why it is dropped.")  # type: ignore[valid-type]
    due_on: Day | None = None
    text: ItemText | None = None  # type: ignore[valid-type]


class ActionItemQuery(Query):
    status: Literal["open", "in-progress", "done", "dropped"] | None = None
    overdue: bool = False


class ActionItemOut(BaseModel):
    id: int
    series_id: int
    meeting_id: int | None
    agenda_item_id: int | None
    text: str
    written_in: str | None
    owner: str = Field(description="country:GT, committee:<slug>, organisation:<id> or "
                       "account:<id>.")
    owner_name: str
    due_on: date
    status: str
    reason: str | None
    updated_at: AwareDatetime


class ActionItemList(BaseModel):
    items: list[ActionItemOut]


# --- Commitments, indicators, contributions, the joint work plan (issue 16) -------------

Pillar = Literal["I", "II", "III"]
CommitmentState = Literal["planned", "in-progress", "achieved", "partly-achieved",
                          "not-achieved", "dropped"]
UnitName = Literal["number", "percent", "people", "money", "days", "other"]
RatingName = Literal["not-started", "off-track", "some-progress", "on-track", "achieved"]
CommitmentText = text(2000, 1)
UpdateText = text(4000)
MAX_NUMBER = 1e15  # as coordinator.outcomes.indicators.MAX_VALUE


def _number(value: object) -> object:
    # A number as JSON writes it: true, "3" and Infinity are not quantities.
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not abs(value) <= MAX_NUMBER:
        raise InvalidInput(N_("Give a number."))
    return value


Number = Annotated[float, BeforeValidator(_number),
                   Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]


class CommitmentQuery(Query):
    country: Iso | None = None
    committee: Slug | None = Field(None, description="Its own commitments and those of its "
                                   "action package.")
    pillar: Pillar | None = None
    status: CommitmentState | None = None


class CommitmentIn(Input):
    text: CommitmentText  # type: ignore[valid-type]
    country: Iso | None = Field(None, description="The responsible country; or committee.")
    committee: Slug | None = Field(None, description="The responsible committee.")
    pillar: Pillar | None = Field(None, description="Default: the action package's, or the "
                                  "responsible committee's.")
    action_package: Slug | None = Field(None, description="A committee's slug, of the pillar.")
    start_on: Day
    target_on: Day
    status: Literal["planned", "in-progress", "achieved", "partly-achieved",
                    "not-achieved"] = "planned"
    made_at_id: Id | None = Field(None, description="The meeting where it was made.")
    reviewed_at_id: Id | None = Field(None, description="The meeting where it was last "
                                      "reviewed.")
    written_in: Language | None = Field(None, description="The language of the text "
                                        "(default: the caller's).")


class CommitmentPatch(Input):
    """Only the fields sent change; null clears action_package, made_at_id, reviewed_at_id."""

    text: CommitmentText | None = None  # type: ignore[valid-type]
    country: Iso | None = Field(None, description="A new responsible country; or committee.")
    committee: Slug | None = None
    pillar: Pillar | None = None
    action_package: Slug | None = None
    start_on: Day | None = None
    target_on: Day | None = None
    made_at_id: Id | None = None
    reviewed_at_id: Id | None = None
    written_in: Language | None = None


class TimelineIn(Input):
    text: text(4000, 1)  # type: ignore[valid-type]
    dated: Day = Field(description="When it happened (not in the future).")
    source_meeting_id: Id | None = Field(None, description="A meeting that took place.")
    source_url: text(500) | None = Field(None, description="A document's http(s) address.")  # type: ignore[valid-type]
    source_text: text(300) | None = Field(None, description="The source in a few words.")  # type: ignore[valid-type]
    written_in: Language | None = None


class CommitmentStatusIn(Input):
    status: CommitmentState
    reason: Reason | None = Field(None, description="Why it is dropped (public).")  # type: ignore[valid-type]
    text: UpdateText | None = Field(None, description="What the timeline says of it.")  # type: ignore[valid-type]
    dated: Day | None = Field(None, description="Default: today where it is kept.")
    source_meeting_id: Id | None = None
    written_in: Language | None = None


class TimelineEntryOut(BaseModel):
    id: int
    dated: date
    text: str
    written_in: str | None
    status: str | None = Field(description="The status the commitment moved to with it.")
    source_meeting_id: int | None
    source_url: str | None
    source_text: str | None
    source_organisation: str | None = Field(description="The organisation whose evidence "
                                            "it is.")
    created_at: AwareDatetime


class CommitmentOut(BaseModel):
    id: int
    text: str
    written_in: str | None
    country: str | None
    committee: str | None
    pillar: str
    action_package: str | None
    start_on: date
    target_on: date
    status: str
    reason: str | None = Field(description="Why it was dropped.")
    made_at_id: int | None
    reviewed_at_id: int | None
    updated_at: AwareDatetime


class CommitmentList(BaseModel):
    items: list[CommitmentOut]


class MeasurementIn(Input):
    dated: Day = Field(description="Not in the future, not before the baseline.")
    value: Number = Field(description="In the indicator's unit (a percentage: 0 to 100).")
    source: text(500, 1)  # type: ignore[valid-type]


class AssessmentIn(Input):
    dated: Day
    rating: RatingName
    narrative: text(4000, 1)  # type: ignore[valid-type]
    written_in: Language | None = None


class MeasurementOut(BaseModel):
    id: int
    dated: date
    value: float
    source: str
    created_at: AwareDatetime


class MeasurementList(BaseModel):
    indicator_id: int
    items: list[MeasurementOut] = Field(description="Oldest first.")


class AssessmentOut(BaseModel):
    id: int
    dated: date
    rating: str
    narrative: str
    written_in: str | None
    created_at: AwareDatetime


class IndicatorIn(Input):
    kind: Literal["quantitative", "qualitative"]
    name: text(300, 1)  # type: ignore[valid-type]
    unit: UnitName | None = Field(None, description="Quantitative only.")
    unit_label: text(60) | None = Field(None, description="What is counted (required for "  # type: ignore[valid-type]
                                        "'other').")
    baseline: Number | None = None
    baseline_on: Day | None = Field(None, description="Not in the future.")
    target: Number | None = None
    direction: Literal["increase", "decrease"] | None = Field(
        None, description="Which way is progress: the target lies on that side.")
    written_in: Language | None = None


class IndicatorOut(BaseModel):
    id: int
    commitment_id: int
    kind: str
    name: str
    written_in: str | None
    unit: str | None
    unit_label: str | None
    baseline: float | None
    baseline_on: date | None
    target: float | None
    direction: str | None
    proposed_by: str | None = Field(description="The organisation that proposed it.")
    progress: float | None = Field(description="The latest measurement's way from baseline "
                                   "to target, 0 to 1 (null: qualitative or not measured).")
    rating: str | None = Field(description="A qualitative indicator's latest rating.")
    measurements: list[MeasurementOut] = Field(description="Oldest first.")
    assessments: list[AssessmentOut] = Field(description="Oldest first.")


class IndicatorList(BaseModel):
    items: list[IndicatorOut]


class IndicatorQuery(Query):
    commitment: Id = Field(description="The commitment's id.")


class ProposedIndicatorOut(BaseModel):
    kind: str
    name: str
    unit: str | None
    unit_label: str | None
    baseline: float | None
    baseline_on: date | None
    target: float | None
    direction: str | None


class WaitingContributionOut(BaseModel):
    id: int
    commitment_id: int
    kind: str
    text: str
    written_in: str | None
    url: str | None
    organisation: str
    indicator: ProposedIndicatorOut | None = Field(description="The proposed indicator.")
    created_at: AwareDatetime


class WaitingContributionList(BaseModel):
    items: list[WaitingContributionOut] = Field(description="Oldest first.")


class DecidedContributionOut(BaseModel):
    id: int
    kind: str
    state: str
    organisation: str
    text: str
    written_in: str | None
    reason: str | None = Field(description="Public; always given for a decline.")
    reason_written_in: str | None
    decided_at: AwareDatetime | None
    indicator_id: int | None = Field(description="The indicator an accepted proposal became.")
    update_id: int | None = Field(description="The timeline entry accepted evidence became.")


class AcceptIn(Input):
    reason: Reason | None = Field(None, description="Optional; public.")  # type: ignore[valid-type]
    written_in: Language | None = None


class DeclineIn(Input):
    reason: text(2000, 1) = Field(description="Public: the organisation and readers see it.")  # type: ignore[valid-type]
    written_in: Language | None = None


class PlanRefOut(BaseModel):
    id: int
    meeting_id: int
    version: int
    title: str
    published_at: AwareDatetime | None


class CommitmentRecordOut(CommitmentOut):
    timeline: list[TimelineEntryOut] = Field(description="Newest first.")
    indicators: list[IndicatorOut]
    plans: list[PlanRefOut] = Field(description="Published joint work plans it is part of.")
    contributions: list[DecidedContributionOut] = Field(
        description="Civil society's contributions, accepted or declined.")


class WorkPlanIn(Input):
    title: text(200, 1)  # type: ignore[valid-type]
    commitments: list[Id] = Field(default_factory=list, max_length=500,
                                  description="Commitment ids, in the plan's order.")
    written_in: Language | None = None


class WorkPlanPatch(Input):
    title: text(200, 1) | None = None  # type: ignore[valid-type]
    commitments: list[Id] | None = Field(None, max_length=500)
    written_in: Language | None = None


class PublishPlanIn(Input):
    what_changed: Reason | None = Field(  # type: ignore[valid-type]
        None, description="Required from the second version on.")


class WorkPlanOut(BaseModel):
    id: int
    meeting_id: int
    version: int
    title: str
    written_in: str | None
    state: str
    what_changed: str | None
    published_at: AwareDatetime | None
    commitments: list[CommitmentOut] = Field(description="In the plan's order.")
