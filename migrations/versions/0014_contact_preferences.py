"""contacts' mail preferences

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 02:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types  # noqa: F401

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('non_essential_mail', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('preferences_version', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('preferences_version')
        batch_op.drop_column('non_essential_mail')
