"""Web addresses people type (websites, online meeting links, topic links): one check."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit


def web_address(value: str) -> SplitResult | None:
    """The parts of an http(s) address with a host, or None when it is not one.

    `urlsplit` raises ValueError on a malformed IPv6 host ("http://[::1") and reading
    `.port` on an impossible port; both are a person's typing error, never a crash.
    """
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(c.isspace() for c in value):
        return None
    return parts
