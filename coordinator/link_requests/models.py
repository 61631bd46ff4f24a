"""A link asked for by address, waiting for the job that looks the address up."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime, enum_column


class LinkKind(StrEnum):
    FEED = "feed-link"
    PROPOSAL = "proposal-link"
    PASSWORD = "password-link"  # noqa: S105  (a kind of mail, not a secret)
    CONTRIBUTION = "contribution-link"  # to contribute on one commitment


class LinkRequest(Model):
    """Kept only until answered (seconds): strangers' addresses are not stored for long."""

    __tablename__ = "link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(enum_column(LinkKind, "link_kind"))
    address: Mapped[str] = mapped_column(String(254))
    committee: Mapped[str | None] = mapped_column(String(80))  # a proposal link's committee
    commitment_id: Mapped[int | None]  # a contribution link's commitment (checked when answered)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
