"""The secretariat's review of CSO registrations (owned by the registration work)."""

from __future__ import annotations

from coordinator.web.workspace import bp  # noqa: F401
