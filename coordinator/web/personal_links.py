"""The one door every personal-link page goes through: verify the token, or answer with
the one page and status of `coordinator.links.STATUS`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import render_template, request, url_for

from coordinator.cadence.zones import utc_now
from coordinator.links import RENEWABLE, LinkRefused, PersonalLink, renewal_offered, verify

T = TypeVar("T")


def refusal_page(refused: LinkRefused, token: str) -> tuple[str, int]:
    """What happened, in the reader's language, and the way to a fresh link if any."""
    link = refused.link
    renew = (url_for(link.renewal.endpoint, token=token)
             if link.renewal is not None and renewal_offered(refused, utc_now()) else None)
    ask = url_for(link.ask) if link.ask and refused.outcome in RENEWABLE else None
    return render_template("link_problem.html", outcome=refused.outcome.value,
                           reason=refused.reason, renew=renew, ask=ask), refused.status


def personal_link(link: PersonalLink[T], *, renewing: bool = False
                  ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Call the view with the verified record (and the token) instead of the raw token.

    A POST is a change, so it also meets the kind's `closed`; a renewal view takes an
    expired or replaced link in exchange for a fresh one. A refusal raised by the service
    the view calls gets the same page.
    """
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def door(token: str, **kwargs: Any) -> Any:
            try:
                subject = verify(link, token, utc_now(), renewing=renewing,
                                 writing=request.method == "POST" and not renewing)
                return view(subject, token, **kwargs)
            except LinkRefused as refused:
                return refusal_page(refused, token)
        return door
    return decorate
