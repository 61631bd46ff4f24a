"""When each job last succeeded, for `/healthz`."""

from __future__ import annotations

import threading
from datetime import datetime

_lock = threading.Lock()
_last: dict[str, str] = {}


def mark_success(name: str, when: datetime) -> None:
    with _lock:
        _last[name] = when.isoformat()


def last_runs() -> dict[str, str]:
    with _lock:
        return dict(_last)
