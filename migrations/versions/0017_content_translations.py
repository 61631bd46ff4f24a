"""content in several languages: translations, and each original's language

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 06:00:00

"""
import sqlalchemy as sa
from alembic import op

import coordinator.models.types

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'content_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('original_digest', sa.String(length=32), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('series_id', sa.Integer(), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', coordinator.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subject', 'subject_id', 'field', 'language'),
    )
    op.create_index('ix_content_translations_meeting', 'content_translations', ['meeting_id'])
    op.create_index('ix_content_translations_series', 'content_translations', ['series_id'])
    for table in ('agenda_items', 'series', 'meetings'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('written_in', sa.String(length=8), nullable=True))
    with op.batch_alter_table('suggestions') as batch:
        batch.add_column(sa.Column('reason_language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('suggestions') as batch:
        batch.drop_column('reason_language')
    for table in ('meetings', 'series', 'agenda_items'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('written_in')
    op.drop_index('ix_content_translations_series', table_name='content_translations')
    op.drop_index('ix_content_translations_meeting', table_name='content_translations')
    op.drop_table('content_translations')
