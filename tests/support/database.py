"""What is in the database, to show that a request changed nothing."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from coordinator.extensions import db


def snapshot() -> dict[str, str]:
    """A digest of every row of every table: "unchanged" means unchanged."""
    db.session.expire_all()
    digests = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            digests[table.name] = hashlib.sha256(repr(rows.all()).encode()).hexdigest()
    return digests
