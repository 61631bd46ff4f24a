"""Test set-up: every database test runs on SQLite and on PostgreSQL, never on a mock.

PostgreSQL: `COORDINATOR_TEST_POSTGRES_URL` (default: the local server's `test` database).
Each test session works in a database of its own, built by the Alembic migrations,
and dropped at the end. When the server is unreachable the PostgreSQL variants skip,
unless `COORDINATOR_REQUIRE_POSTGRES=1` (CI), where they fail instead.
"""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.test import TestResponse

from coordinator import create_app
from coordinator.extensions import db
from tests.smtp import SmtpServer
from tests.support.compiled import reuse_templates, reuse_url_builders
from tests.support.redis import shared_limits  # noqa: F401  (a fixture)
from tests.web.people import HASH_PARAMETERS

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "COORDINATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("COORDINATOR_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    reuse_url_builders()  # every test builds an app: compile its URL builders once


def _postgres_admin_engine() -> sa.Engine | None:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (COORDINATOR_REQUIRE_POSTGRES=1) but "
                        f"unreachable at {POSTGRES_URL}: {exc}", pytrace=False)
        return None
    return engine


def _test_config(uri: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": uri,
        "BASE_URL": "https://coordinator.test",
        "MAIL_FOLDER": str(instance / "mail"),
        "MAIL_DEFAULT_SENDER": "coordinator@coordinator.test",
        "WTF_CSRF_ENABLED": True,
        "PASSWORD_HASH_PARAMETERS": HASH_PARAMETERS,
    }


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str | None]]:
    """One migrated database per backend for the whole session."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    sqlite_file = tmp_path_factory.mktemp("sqlite") / "coordinator.sqlite"
    urls: dict[str, str | None] = {"sqlite": f"sqlite:///{sqlite_file}", "postgresql": None}
    admin = _postgres_admin_engine()
    name = f"coordinator_test_{worker}_{uuid.uuid4().hex[:8]}"
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        urls["postgresql"] = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    instance = tmp_path_factory.mktemp("instance")
    for url in urls.values():
        if url is not None:
            app = create_app(_test_config(url, instance))
            with app.app_context():
                upgrade()
                db.engine.dispose()
    yield urls
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_all_tables() -> None:
    """Every table empty and every id counting from 1 again, in one transaction.

    Only the tables holding rows are emptied, with DELETE: on PostgreSQL a TRUNCATE of every
    table costs a new file per table (about half a second a test, twice a test), while a
    DELETE of the few rows a test leaves costs milliseconds. The sequences a test drew from
    start again, as TRUNCATE ... RESTART IDENTITY did.
    """
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]  # children first
    holding = {row[0] for row in db.session.execute(sa.text(" UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)))}
    for table in tables:
        if table in holding:
            db.session.execute(sa.text(f'DELETE FROM "{table}"'))
    if db.engine.dialect.name == "postgresql":
        # (setval is not undone by a rollback; pg_sequences shows NULL for a sequence
        # not drawn from since its start)
        db.session.execute(sa.text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, "
            "start_value, false) FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, database_urls: dict[str, str | None]) -> str:
    if database_urls[request.param] is None:
        pytest.skip(f"{request.param} is not reachable")
    return request.param


class IsolatedClient(FlaskClient):
    """A test client whose every request runs as in production: in a context of its own.

    The test body holds an app context (to call services and read the database); without
    this, each request would reuse it, and `g` (the locale, the CSRF token, the logged-in
    user), the database session and its identity map would carry over from the test and
    from one request to the next, hiding bugs a real server shows. The test's own session
    is committed first, so it holds no SQLite read lock while the request writes, and its
    objects are read afresh afterwards.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(backend: str, database_urls: dict[str, str | None], tmp_path: Path) -> Iterator[Flask]:
    """The app on one backend, with empty tables, inside an app context (requests made
    through its test clients run in contexts of their own)."""
    url = database_urls[backend]
    assert url is not None
    application = create_app(_test_config(url, tmp_path))
    application.test_client_class = IsolatedClient
    reuse_templates(application)
    with application.app_context():
        _empty_all_tables()
        yield application
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The app with countries and committees loaded."""
    from coordinator.reference.services import seed_reference

    seed_reference(now=NOW)
    return app


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


def use_smtp(app: Flask, server: SmtpServer) -> None:
    """Point the app's Flask-Mail at `server` (Flask-Mail copies settings at init_app)."""
    state = app.extensions["mail"]
    state.server, state.port, state.suppress = "127.0.0.1", server.port, False
    state.use_tls = state.use_ssl = False
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)


@pytest.fixture
def mailed(app: Flask, smtp: SmtpServer) -> SmtpServer:
    use_smtp(app, smtp)
    return smtp


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    """The clock stopped at NOW (a module may define its own `frozen` for another date)."""
    import time_machine

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
