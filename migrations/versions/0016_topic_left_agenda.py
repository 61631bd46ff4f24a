"""topics that left an agenda

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 02:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types  # noqa: F401

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# The suggestion states are a VARCHAR with a CHECK constraint (models/types.enum_column):
# a new state is a new constraint. Batch mode rebuilds the table on SQLite, which cannot
# alter a constraint in place.
BEFORE = ('submitted', 'withdrawn', 'accepted', 'merged', 'deferred', 'declined')
AFTER = (*BEFORE, 'off-agenda')


def _states(values):
    return sa.Enum(*values, name='suggestion_state', native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=_states(BEFORE), type_=_states(AFTER),
                              existing_nullable=False)


def downgrade():
    # A topic taken off an agenda was accepted before: that is the nearest older state.
    op.execute("UPDATE suggestions SET state = 'accepted' WHERE state = 'off-agenda'")
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=_states(AFTER), type_=_states(BEFORE),
                              existing_nullable=False)
