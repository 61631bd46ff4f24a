"""link_requests: links asked for by address, answered by a job (equal work either way)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 23:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'link_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('feed-link', 'proposal-link', 'password-link',
                                  name='link_kind', native_enum=False, create_constraint=True,
                                  length=32), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('committee', sa.String(length=80), nullable=True),
        sa.Column('created_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_requests_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_requests_created_at'))
    op.drop_table('link_requests')
