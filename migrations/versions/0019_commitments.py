"""commitments and their timeline, joint work plans, indicators, CSO contributions

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import coordinator.models.types


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('country_id', sa.Integer(), nullable=True),
    sa.Column('committee_id', sa.Integer(), nullable=True),
    sa.Column('pillar', sa.String(length=4), nullable=False),
    sa.Column('action_package_id', sa.Integer(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'in-progress', 'achieved', 'partly-achieved', 'not-achieved', 'dropped', name='commitment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reason_written_in', sa.String(length=8), nullable=True),
    sa.Column('made_at_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'dropped' OR reason IS NOT NULL", name=op.f('ck_commitments_commitment_dropped_reason')),
    sa.CheckConstraint('(country_id IS NULL) <> (committee_id IS NULL)', name=op.f('ck_commitments_one_responsible')),
    sa.CheckConstraint('target_on >= start_on', name=op.f('ck_commitments_target_after_start')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_commitments_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['action_package_id'], ['committees.id'], name=op.f('fk_commitments_action_package_id_committees')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_commitments_committee_id_committees')),
    sa.ForeignKeyConstraint(['country_id'], ['countries.id'], name=op.f('fk_commitments_country_id_countries')),
    sa.ForeignKeyConstraint(['made_at_id'], ['meetings.id'], name=op.f('fk_commitments_made_at_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_at_id'], ['meetings.id'], name=op.f('fk_commitments_reviewed_at_id_meetings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index('ix_commitments_committee', ['committee_id'], unique=False)
        batch_op.create_index('ix_commitments_country', ['country_id'], unique=False)
        batch_op.create_index('ix_commitments_pillar_status', ['pillar', 'status'], unique=False)

    op.create_table('work_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('state', sa.Enum('draft', 'published', 'superseded', name='plan_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('what_changed', sa.Text(), nullable=True),
    sa.Column('published_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_work_plans_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_work_plans_meeting_id_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_plans')),
    sa.UniqueConstraint('meeting_id', 'version', name=op.f('uq_work_plans_meeting_id_version'))
    )
    op.create_table('commitment_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('source_meeting_id', sa.Integer(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('source_text', sa.String(length=300), nullable=True),
    sa.Column('source_organisation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_commitment_updates_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_updates_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_meeting_id'], ['meetings.id'], name=op.f('fk_commitment_updates_source_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_organisation_id'], ['organisations.id'], name=op.f('fk_commitment_updates_source_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_updates'))
    )
    with op.batch_alter_table('commitment_updates', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_updates_commitment', ['commitment_id', 'dated'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('quantitative', 'qualitative', name='indicator_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('unit_label', sa.String(length=60), nullable=True),
    sa.Column('baseline', sa.Double(), nullable=True),
    sa.Column('baseline_on', sa.Date(), nullable=True),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('direction', sa.Enum('increase', 'decrease', name='indicator_direction', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IS NULL OR (direction = 'increase' AND target >= baseline) OR (direction = 'decrease' AND target <= baseline)", name=op.f('ck_indicators_target_in_direction')),
    sa.CheckConstraint("kind <> 'quantitative' OR (unit IS NOT NULL AND baseline IS NOT NULL AND baseline_on IS NOT NULL AND target IS NOT NULL AND direction IS NOT NULL)", name=op.f('ck_indicators_quantitative_complete')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_indicators_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_indicators_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['organisations.id'], name=op.f('fk_indicators_proposed_by_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators'))
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index('ix_indicators_commitment', ['commitment_id'], unique=False)

    op.create_table('work_plan_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_work_plan_entries_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['work_plans.id'], name=op.f('fk_work_plan_entries_plan_id_work_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_plan_entries')),
    sa.UniqueConstraint('plan_id', 'commitment_id', name=op.f('uq_work_plan_entries_plan_id_commitment_id'))
    )
    with op.batch_alter_table('work_plan_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_plan_entries_commitment_id'), ['commitment_id'], unique=False)

    op.create_table('commitment_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('indicator', 'evidence', name='contribution_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('indicator', sa.JSON(), nullable=True),
    sa.Column('state', sa.Enum('waiting', 'accepted', 'declined', name='contribution_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reason_written_in', sa.String(length=8), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('indicator_id', sa.Integer(), nullable=True),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state <> 'declined' OR reason IS NOT NULL", name=op.f('ck_commitment_contributions_declined_reason')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_contributions_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_commitment_contributions_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_commitment_contributions_decided_by_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_commitment_contributions_indicator_id_indicators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_commitment_contributions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['commitment_updates.id'], name=op.f('fk_commitment_contributions_update_id_commitment_updates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_contributions')),
    sa.UniqueConstraint('contact_id', 'form_key', name=op.f('uq_commitment_contributions_contact_id_form_key'))
    )
    with op.batch_alter_table('commitment_contributions', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_contributions_commitment', ['commitment_id', 'state'], unique=False)

    op.create_table('indicator_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('rating', sa.Enum('not-started', 'off-track', 'some-progress', 'on-track', 'achieved', name='indicator_rating', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('written_in', sa.String(length=8), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_indicator_assessments_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_assessments_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_assessments'))
    )
    with op.batch_alter_table('indicator_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_assessments_indicator', ['indicator_id', 'dated'], unique=False)

    op.create_table('indicator_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('dated', sa.Date(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', coordinator.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_indicator_measurements_account_id_accounts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_measurements_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_measurements'))
    )
    with op.batch_alter_table('indicator_measurements', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_measurements_indicator', ['indicator_id', 'dated'], unique=False)




def downgrade():

    with op.batch_alter_table('indicator_measurements', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_measurements_indicator')

    op.drop_table('indicator_measurements')
    with op.batch_alter_table('indicator_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_assessments_indicator')

    op.drop_table('indicator_assessments')
    with op.batch_alter_table('commitment_contributions', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_contributions_commitment')

    op.drop_table('commitment_contributions')
    with op.batch_alter_table('work_plan_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_plan_entries_commitment_id'))

    op.drop_table('work_plan_entries')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index('ix_indicators_commitment')

    op.drop_table('indicators')
    with op.batch_alter_table('commitment_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_updates_commitment')

    op.drop_table('commitment_updates')
    op.drop_table('work_plans')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index('ix_commitments_pillar_status')
        batch_op.drop_index('ix_commitments_country')
        batch_op.drop_index('ix_commitments_committee')

    op.drop_table('commitments')

