"""series coordinators, meeting host countries, accounts as participants

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 02:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import coordinator.models.types  # noqa: F401

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Recommendation 8: each special coordinators' meeting has a convening country.
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host_country_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meetings_host_country_id_countries'),
                                    'countries', ['host_country_id'], ['id'])
    # Government coordinators (accounts) invited to the special coordinators' meeting.
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_participants_account_id_accounts'),
                                    'accounts', ['account_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(batch_op.f('ck_participants_who'), type_='check')
        batch_op.create_check_constraint(
            'who', 'organisation_id IS NOT NULL OR contact_id IS NOT NULL '
            'OR account_id IS NOT NULL')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.alter_column('contact_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_invitations_account_id'), ['account_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invitations_account_id_accounts'),
                                    'accounts', ['account_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_invitations_meeting_id_account_id'),
                                          ['meeting_id', 'account_id'])
        batch_op.create_check_constraint('invitee',
                                         '(contact_id IS NULL) <> (account_id IS NULL)')


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_invitations_invitee'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_invitations_meeting_id_account_id'),
                                 type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_invitations_account_id_accounts'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitations_account_id'))
        batch_op.drop_column('account_id')
        batch_op.alter_column('contact_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participants_who'), type_='check')
        batch_op.create_check_constraint(
            'who', 'organisation_id IS NOT NULL OR contact_id IS NOT NULL')
        batch_op.drop_constraint(batch_op.f('fk_participants_account_id_accounts'),
                                 type_='foreignkey')
        batch_op.drop_column('account_id')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_host_country_id_countries'),
                                 type_='foreignkey')
        batch_op.drop_column('host_country_id')
