"""Civil-society organisations, their contacts, and the accounts of those who coordinate."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coordinator.cadence.errors import N_, InvalidInput
from coordinator.extensions import Model, db
from coordinator.models.places import Committee, Country
from coordinator.models.types import UTCDateTime, enum_column


class Scope(StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    REGIONAL = "regional"


class OrganisationKind(StrEnum):
    SERVICE_PROVIDER = "service-provider"
    RESEARCH = "research"
    ADVOCACY = "advocacy"
    LEGAL_AID = "legal-aid"
    FAITH_BASED = "faith-based"
    NETWORK = "network"


class LedBy(StrEnum):
    INDIGENOUS = "indigenous"
    REFUGEE = "refugee"
    MIGRANT = "migrant"
    BLACK = "black"
    WOMEN = "women"
    YOUTH = "youth"
    LGBTIQ = "lgbtiq"


class RegistrationState(StrEnum):
    PENDING = "pending"  # submitted, address not yet confirmed
    VERIFIED = "verified"  # address confirmed, waiting for the secretariat
    APPROVED = "approved"
    DECLINED = "declined"


organisation_countries = Table(
    "organisation_countries",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("country_id", ForeignKey("countries.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(Model):
    """A civil-society organisation (CSO) taking part in the cadence."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, "organisation_scope"))
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    led_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    registration_state: Mapped[RegistrationState] = mapped_column(
        enum_column(RegistrationState, "registration_state"), default=RegistrationState.PENDING
    )
    # Recommendation 2: transparent criteria, so every decision keeps its reason.
    registration_reason: Mapped[str | None] = mapped_column(Text)
    # Languages the organisation works in (published criteria: who speaks what).
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # address confirmed
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # who: the audit log
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    countries: Mapped[list[Country]] = relationship(secondary=organisation_countries)
    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation",
                                                   cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Contact(Model):
    """A person of an organisation: where invitations go, in their language and zone."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id",
                                                            ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="en")
    zone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The contact's own choice on their preferences page: reminders, digests and the like
    # stop; invitations, their changes and link mails still come (MailKind.essential).
    non_essential_mail: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Part of the preferences link: raised to void every link mailed before (e.g. after
    # the address changed hands).
    preferences_version: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")

    @validates("email")
    def _check_email(self, _key: str, value: str) -> str:
        return checked_email(value)

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.email}>"


def checked_email(value: str) -> str:
    """A normalised address, or InvalidInput: a bad address is refused at entry, not at send."""
    try:
        return validate_email(value or "", check_deliverability=False).normalized
    except EmailNotValidError as exc:
        # The validator's own reason is English only; the address and the field say enough.
        raise InvalidInput(N_("%(value)s is not a valid e-mail address."), field="email",
                           value=repr(value)) from exc


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    SPECIAL_COORDINATOR = "special-coordinator"  # scoped to a country
    COMMITTEE_COORDINATOR = "committee-coordinator"  # scoped to a committee
    # A civil-society member of the technical secretariat (recommendation 1): reviews the
    # calls for participation they are appointed to, nothing else.
    CSO_REVIEWER = "cso-reviewer"


class Account(Model):
    """Someone who logs in to run the cadence: secretariat or a coordinator."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "account_role"))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    # A CSO reviewer's own organisation (they never score its applications).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # argon2 hash; None until the person sets a password through the mailed link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Changing it voids every mailed set-up or reset link issued before.
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone: Mapped[str | None] = mapped_column(String(40))  # given to committee representatives
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's key: raised at log-out, closing and reopening, so a copied
    # session or remember-me cookie dies with them on every device.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()
    committee: Mapped[Committee | None] = relationship()

    @validates("email")
    def _check_email(self, _key: str, value: str) -> str:
        return checked_email(value)

    # Flask-Login's user protocol, written out so models stay free of web imports.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session's key: a password change, a log-out, closing or reopening the
        account ends every session opened before it."""
        epoch = int(self.password_changed_at.timestamp()) if self.password_changed_at else 0
        return f"{self.id}:{epoch}:{self.session_version or 0}"

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.role} {self.email}>"
