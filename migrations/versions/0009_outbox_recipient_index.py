"""outbox: an index by recipient and kind, for the per-recipient caps

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 21:55:00

"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_recipient_kind', ['recipient', 'kind', 'created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient_kind')
