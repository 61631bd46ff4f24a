"""series may allow weekends; otherwise meetings move off weekly rest days

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 20:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_weekends', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Extraordinary meetings (emergency response) may fall on any day, as before.
    op.execute("UPDATE series SET allow_weekends = TRUE WHERE kind = 'extraordinary'")


def downgrade():
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_column('allow_weekends')
