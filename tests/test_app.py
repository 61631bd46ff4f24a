"""The app factory and its settings."""

from __future__ import annotations

import pytest

from coordinator import create_app
from coordinator.config import ConfigurationError


def test_missing_secret_key_outside_debug_is_a_clear_start_up_error(monkeypatch,
                                                                      tmp_path) -> None:
    monkeypatch.delenv("COORDINATOR_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("COORDINATOR_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="COORDINATOR_SECRET_KEY"):
        create_app()


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COORDINATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("COORDINATOR_SECRET_KEY", "from-env")
    monkeypatch.setenv("COORDINATOR_BASE_URL", "https://calendar.example.org/")
    monkeypatch.setenv("COORDINATOR_MAIL_PORT", "2525")
    monkeypatch.setenv("COORDINATOR_SQLALCHEMY_DATABASE_URI", "postgres://u@db/coordinator")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["BASE_URL"] == "https://calendar.example.org"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/coordinator"


def test_defaults_use_sqlite_in_the_instance_folder_and_port(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("COORDINATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.delenv("COORDINATOR_SECRET_KEY", raising=False)
    monkeypatch.delenv("COORDINATOR_BASE_URL", raising=False)
    monkeypatch.delenv("COORDINATOR_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/coordinator.sqlite"
    assert app.config["BASE_URL"] == "http://127.0.0.1:5123"


def test_gunicorn_needs_a_shared_rate_limit_store(monkeypatch, tmp_path) -> None:
    """Each gunicorn worker is a process: limits in memory would allow each the whole
    limit. The factory refuses that, and starts with a shared store or the opt-out."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("COORDINATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("COORDINATOR_SECRET_KEY", "from-env")
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(ConfigurationError, match="COORDINATOR_RATELIMIT_STORAGE_URI"):
        create_app()
    monkeypatch.setenv("COORDINATOR_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    assert create_app().config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    monkeypatch.setenv("COORDINATOR_RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("COORDINATOR_RATELIMIT_PER_PROCESS", "true")
    assert create_app().config["RATELIMIT_PER_PROCESS"] is True
