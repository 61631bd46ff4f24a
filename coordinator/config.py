"""Settings: safe defaults here, overridden by `COORDINATOR_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class ConfigurationError(RuntimeError):
    """The service cannot start with the settings it was given."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Defaults that let `make run` work on a fresh clone with nothing configured."""
    port = os.environ.get("PORT", "5000")
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(instance_path) / "coordinator.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": f"http://127.0.0.1:{port}",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["en", "es", "pt", "fr", "ht", "nl"],
        # Meetings are materialised this many months ahead of today.
        "HORIZON_MONTHS": 18,
        # Invitations go out this many days before a meeting (at once when scheduled later).
        "INVITE_HORIZON_DAYS": 100,
        "ORGANIZER_NAME": "Secretariat",
        "ORGANIZER_EMAIL": None,
        "SCHEDULER_DISPATCH_SECONDS": 30,
        "SCHEDULER_DEADLINES_SECONDS": 120,
        # Links asked for by address (private feed, proposal, password) are looked up and
        # mailed this often: the page that asks does no lookup (nobody can time it).
        "SCHEDULER_LINK_REQUESTS_SECONDS": 10,
        "SCHEDULER_MATERIALISE_SECONDS": 86400,
        "SCHEDULER_DIGEST_SECONDS": 3600,
        "SCHEDULER_PRUNE_SECONDS": 86400,
        # Owners of action items are reminded these many days before the due date, and
        # once when it has passed; the job looks for what is owed this often.
        "SCHEDULER_ACTION_ITEMS_SECONDS": 3600,
        "ACTION_ITEM_REMINDER_DAYS": [7, 1],
        # Rendered public pages of the tracker kept in memory, per process (bytes).
        "PAGE_CACHE_BYTES": 32 * 1024 * 1024,
        # Bytes of documents deleted with their meeting are swept this often.
        "SCHEDULER_DOCUMENTS_SECONDS": 86400,
        # Watched external calendars (clash warnings) are fetched this often.
        "SCHEDULER_CALENDARS_SECONDS": 21600,
        # Calendars just added, or whose owner asked for a fresh copy, are fetched this often
        # (pages only queue them; both calendar jobs have a thread of their own).
        "SCHEDULER_CALENDAR_REQUESTS_SECONDS": 30,
        "EXTERNAL_FEEDS_ALLOW_PRIVATE": False,
        # One calendar's download, from DNS to the last byte, is cut after this many seconds;
        # reading it may take this many seconds of CPU, in a child process.
        "EXTERNAL_FEEDS_FETCH_SECONDS": 30,
        "EXTERNAL_FEEDS_EXPAND_SECONDS": 10,
        # Sent messages are kept this long (failed ones until someone looks at them).
        "OUTBOX_KEEP_DAYS": 400,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Counters kept per process are only right when one process serves; gunicorn is
        # refused them (set a shared store) unless this says one process is all there is.
        "RATELIMIT_PER_PROCESS": False,
        # If the shared store goes away, count in memory meanwhile instead of failing
        # every request (limits are then per process until it is back).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Reverse proxies in front of the service (each adds X-Forwarded-For/-Proto). Rate
        # limits key on the client the outermost trusted proxy saw; 0 trusts no header.
        "TRUSTED_PROXIES": 0,
        # A form opened on a phone may be sent hours later: the CSRF token lives as long
        # as the session instead of an hour, so nobody loses what they typed.
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_HEADERS_ENABLED": True,
        # No form or API body is near this; larger bodies get 413 before any parsing.
        "MAX_CONTENT_LENGTH": 512 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        # Session cookies: never readable by scripts, not sent on cross-site posts, and
        # HTTPS-only whenever the public address is HTTPS (see `check`).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": None,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 14 * 86400,
        # argon2-cffi's PasswordHasher arguments; empty: its defaults (RFC 9106). Hashes
        # made with other parameters are redone at the next log-in.
        "PASSWORD_HASH_PARAMETERS": {},
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_DEFAULT_SENDER": "coordinator@localhost",
        "MAIL_FOLDER": str(Path(instance_path) / "mail"),
    }


def check(config: dict[str, Any], *, debug: bool, testing: bool,
          instance_path: str | None = None, server: str = "") -> None:
    """Refuse to start in production without the settings that keep it safe.

    `server` is the SERVER_SOFTWARE gunicorn announces: its workers are processes, so
    rate-limit counters kept in memory would let each process allow the whole limit.
    """
    key_file = Path(instance_path or ".") / "secret_key"
    if not config.get("SECRET_KEY") and instance_path and key_file.is_file():
        # `make run` writes a random key here once, so a local install keeps its sessions.
        config["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    if not config.get("SECRET_KEY"):
        if debug or testing:
            config["SECRET_KEY"] = "dev-only-not-secret"  # noqa: S105
        else:
            raise ConfigurationError(
                "COORDINATOR_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
                "  export COORDINATOR_SECRET_KEY=$(python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')\n"
                f"or put one in {key_file} (as `make run` does), "
                "or run with --debug for local development."
            )
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    if (server.startswith("gunicorn") and not (debug or testing)
            and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://")
            and not config.get("RATELIMIT_PER_PROCESS")):
        raise ConfigurationError(
            "Several processes serve (gunicorn), but rate limits are counted in each "
            "process's memory, so each would allow the whole limit. Point them at one "
            "shared store, e.g.\n  export COORDINATOR_RATELIMIT_STORAGE_URI="
            "redis://127.0.0.1:6379\n(or set COORDINATOR_RATELIMIT_PER_PROCESS=true if "
            "exactly one gunicorn worker serves).")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = config["BASE_URL"].startswith("https://")
    config.setdefault("REMEMBER_COOKIE_SECURE", config["SESSION_COOKIE_SECURE"])
    uri = str(config["SQLALCHEMY_DATABASE_URI"])
    # psycopg 3 is our PostgreSQL driver; accept the plain URLs people copy from hosting panels.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri[len(prefix):]
