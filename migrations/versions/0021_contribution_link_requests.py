"""link requests for contribution links: a kind and the commitment

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 07:35:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BEFORE = ('feed-link', 'proposal-link', 'password-link')
AFTER = (*BEFORE, 'contribution-link')


def _kinds(values):
    return sa.Enum(*values, name='link_kind', native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kinds(BEFORE), type_=_kinds(AFTER),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('commitment_id', sa.Integer(), nullable=True))


def downgrade():
    op.execute("DELETE FROM link_requests WHERE kind = 'contribution-link'")
    with op.batch_alter_table('link_requests', schema=None) as batch_op:
        batch_op.drop_column('commitment_id')
        batch_op.alter_column('kind', existing_type=_kinds(AFTER), type_=_kinds(BEFORE),
                              existing_nullable=False)
