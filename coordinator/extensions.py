"""Flask extensions, created once here and bound to the app in `create_app`."""

import sqlite3
from typing import TYPE_CHECKING, Any, TypeAlias

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The base class of every model. mypy cannot use the attribute `db.Model` as a base class
# (python/mypy#8603); at run time it is a subclass of `Base` with Flask-SQLAlchemy's mixins,
# so the type checker sees an abstract subclass of `Base`.
if TYPE_CHECKING:

    class Model(Base):
        __abstract__ = True

else:
    Model = db.Model

# What a function that works on "the session" accepts: Flask-SQLAlchemy's `db.session` (a
# scoped_session that proxies the current app context's Session) or a plain Session.
DbSession: TypeAlias = Session | scoped_session[Any]

migrate = Migrate()
babel = Babel()
mail = Mail()
csrf = CSRFProtect()
# Per address by default; views add per-link limits. In-memory unless
# COORDINATOR_RATELIMIT_STORAGE_URI points at a shared store (e.g. redis://).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
# "basic", not "strong": phones change address often, and a lost session loses a form.
login_manager.session_protection = "basic"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked, and locks readers out without WAL."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe in WAL
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
