"""topics that left an agenda

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 02:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.models.types  # noqa: F401

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
