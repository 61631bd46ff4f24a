"""Tracking: the weekly cadence digest to the secretariat."""

from __future__ import annotations

from datetime import datetime

from coordinator.cadence.zones import get_zone
from coordinator.mail.addressing import to_account
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account


def digest_key(account: Account, now: datetime) -> str:
    """One digest per reader and ISO week of their zone."""
    year, week, _ = now.astimezone(get_zone(account.zone)).isocalendar()
    return outbox_key("digest", account=account.id, week=f"{year}-W{week:02d}")


def digest_message(account: Account, report: dict, *, now: datetime) -> Outgoing:
    """Late agendas and missed cadence (`report` from `tracking.digest.digest_content`)."""
    return compose(MailKind.DIGEST, digest_key(account, now), "digest",
                   recipient=to_account(account), now=now,
                   context={"report": report,
                            "day": now.astimezone(get_zone(account.zone)).date()},
                   account_id=account.id)
