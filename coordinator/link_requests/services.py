"""Ask for a link now, answer it from the scheduler.

The web request only stores the address (the same insert for a known address and an
unknown one), so neither its time nor its answer tells a registered address from an
unknown one. The job then does the real lookup and mails, under the per-recipient caps
of the services it calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select

from coordinator.accounts.services import request_password_reset
from coordinator.agendas.proposals import request_proposal_link
from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.feeds.tokens import request_feed_link
from coordinator.link_requests.models import LinkKind, LinkRequest
from coordinator.outcomes.contributions import request_contribution_link

log = logging.getLogger(__name__)

# Past this many waiting requests new ones are dropped (and logged): the per-client rate
# limits keep honest use far below it; it bounds what a botnet can park in the table.
MAX_WAITING = 5000
BATCH = 200


def ask_for_link(kind: LinkKind | str, address: str, *, now: datetime,
                 committee: str | None = None, commitment_id: int | None = None) -> None:
    """Queue one request; the caller answers the same whatever happens here."""
    ensure_aware(now, "now")
    kind = LinkKind(kind)
    address = (address or "").strip()[:254]
    if not address:
        return
    waiting = db.session.scalar(select(func.count(LinkRequest.id))) or 0
    if waiting >= MAX_WAITING:
        db.session.rollback()
        log.warning("link requests: %s waiting, request dropped", waiting)
        return
    if commitment_id is not None and not 0 < commitment_id < 2**31:
        commitment_id = None  # answered like any unknown commitment: nothing is mailed
    db.session.add(LinkRequest(kind=kind, address=address,
                               committee=(committee or "")[:80] or None,
                               commitment_id=commitment_id, created_at=now))
    db.session.commit()


def _answer(kind: LinkKind, address: str, committee: str | None, commitment_id: int | None,
            now: datetime) -> None:
    answers: dict[LinkKind, Callable[[], object]] = {
        LinkKind.CONTRIBUTION: lambda: request_contribution_link(
            address, commitment_id or 0, now=now),
        LinkKind.FEED: lambda: request_feed_link(address, now=now),
        LinkKind.PROPOSAL: lambda: request_proposal_link(address, committee or "", now=now),
        LinkKind.PASSWORD: lambda: request_password_reset(address, now=now),
    }
    answers[kind]()


def answer_link_requests(*, now: datetime) -> int:
    """Answer waiting requests, oldest first; each is deleted once answered, and one that
    fails is logged and deleted too (asking again is easy; a poison row must not block)."""
    ensure_aware(now, "now")
    rows = db.session.execute(select(LinkRequest.id, LinkRequest.kind, LinkRequest.address,
                                     LinkRequest.committee, LinkRequest.commitment_id)
                              .order_by(LinkRequest.created_at, LinkRequest.id)
                              .limit(BATCH)).all()
    db.session.rollback()
    for row in rows:
        try:
            _answer(row.kind, row.address, row.committee, row.commitment_id, now)
        except Exception:
            db.session.rollback()
            log.exception("link request %s could not be answered", row.id)
        db.session.execute(delete(LinkRequest).where(LinkRequest.id == row.id))
        db.session.commit()
    return len(rows)
