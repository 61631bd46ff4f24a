"""Countries of the Declaration and the action package committees."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.types import enum_column


class Country(Model):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso: Mapped[str] = mapped_column(String(2), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_es: Mapped[str] = mapped_column(String(100))
    # "2022-06", "2022-09", "2023" or "partner" (Spain: a partner, not a signatory).
    endorsement: Mapped[str] = mapped_column(String(16))
    capital_zone: Mapped[str] = mapped_column(String(64))
    zones: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    dst_2026: Mapped[str] = mapped_column(String(16), default="no")

    @property
    def is_signatory(self) -> bool:
        return self.endorsement != "partner"

    @property
    def first_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    def __repr__(self) -> str:
        return f"<Country {self.iso}>"


class CommitteeRole(StrEnum):
    LEAD = "lead"
    PARTICIPANT = "participant"


class Committee(Model):
    """An action package and the committee of governments that carries it."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    pillar: Mapped[str] = mapped_column(String(4))
    name_en: Mapped[str] = mapped_column(String(200))
    # "yes", "partly" or "no": Pillar III packages are placeholders the secretariat renames.
    confirmed: Mapped[str] = mapped_column(String(8), default="yes")
    # Recommendation 4: each committee has a designated CSO representative.
    representative_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )

    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )
    representative = relationship("Contact", foreign_keys=[representative_contact_id])

    def countries(self, role: CommitteeRole) -> list[Country]:
        return [m.country for m in self.members if m.role == role]

    @property
    def lead_countries(self) -> list[Country]:
        return self.countries(CommitteeRole.LEAD)

    def __repr__(self) -> str:
        return f"<Committee {self.slug}>"


class CommitteeMember(Model):
    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("committee_id", "country_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"))
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id", ondelete="CASCADE"))
    role: Mapped[CommitteeRole] = mapped_column(enum_column(CommitteeRole, "committee_role"))

    committee: Mapped[Committee] = relationship(back_populates="members")
    country: Mapped[Country] = relationship()
