"""outcomes: minutes (draft and published versions), action items, agenda follow-ups

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 07:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

ONE_OWNER = ("(CASE WHEN owner_country_id IS NULL THEN 0 ELSE 1 END"
             " + CASE WHEN owner_committee_id IS NULL THEN 0 ELSE 1 END"
             " + CASE WHEN owner_organisation_id IS NULL THEN 0 ELSE 1 END"
             " + CASE WHEN owner_account_id IS NULL THEN 0 ELSE 1 END) = 1")


def upgrade():
    op.create_table(
        'minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('decisions', sa.JSON(), nullable=False),
        sa.Column('written_in', sa.String(length=8), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('dirty', sa.Boolean(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('created_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id'),
    )
    op.create_table(
        'minutes_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('minutes_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('decisions', sa.JSON(), nullable=False),
        sa.Column('written_in', sa.String(length=8), nullable=True),
        sa.Column('what_changed', sa.Text(), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('published_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('minutes_id', 'version'),
    )
    op.create_index('ix_minutes_versions_meeting_id', 'minutes_versions', ['meeting_id'])
    op.create_table(
        'action_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('written_in', sa.String(length=8), nullable=True),
        sa.Column('owner_country_id', sa.Integer(), nullable=True),
        sa.Column('owner_committee_id', sa.Integer(), nullable=True),
        sa.Column('owner_organisation_id', sa.Integer(), nullable=True),
        sa.Column('owner_account_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('zone', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Enum('open', 'in-progress', 'done', 'dropped',
                                    name='action_status', native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('minutes_id', sa.Integer(), nullable=True),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('suggestion_id', sa.Integer(), nullable=True),
        sa.Column('proposal_id', sa.Integer(), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('created_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(ONE_OWNER, name='one_owner'),
        sa.CheckConstraint("status <> 'dropped' OR reason IS NOT NULL", name='dropped_reason'),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_country_id'], ['countries.id']),
        sa.ForeignKeyConstraint(['owner_committee_id'], ['committees.id']),
        sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_account_id'], ['accounts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_action_items_series_status', 'action_items', ['series_id', 'status'])
    op.create_index('ix_action_items_status_due', 'action_items', ['status', 'due_on'])
    op.create_table(
        'action_item_follow_ups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('created_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.Column('updated_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('meeting_id'),
    )


def downgrade():
    op.drop_table('action_item_follow_ups')
    op.drop_index('ix_action_items_status_due', table_name='action_items')
    op.drop_index('ix_action_items_series_status', table_name='action_items')
    op.drop_table('action_items')
    op.drop_index('ix_minutes_versions_meeting_id', table_name='minutes_versions')
    op.drop_table('minutes_versions')
    op.drop_table('minutes')
