"""external_feeds: a refresh request, so the web only queues fetches and a job does them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import coordinator.models.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('external_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refresh_requested_at',
                                      coordinator.models.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('external_feeds', schema=None) as batch_op:
        batch_op.drop_column('refresh_requested_at')
