"""Keys for rate limits on personal links: each link has its own budget."""

from __future__ import annotations

from flask import request


def per_link() -> str:
    return "link:" + (request.view_args or {}).get("token", "")[:120]
