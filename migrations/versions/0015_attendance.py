"""attendance register

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 02:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_attendance',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('held', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id'),
    )
    op.create_table(
        'attended_organisations',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting_attendance.meeting_id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id', 'organisation_id'),
    )


def downgrade():
    op.drop_table('attended_organisations')
    op.drop_table('meeting_attendance')
