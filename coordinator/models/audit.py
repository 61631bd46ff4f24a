"""The audit log: who changed what, when, through which door."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime


class AuditEntry(Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # "cli", "scheduler", an account's email
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
