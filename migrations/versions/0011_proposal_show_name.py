"""proposals: consent to publish who proposed; unname agenda items copied without it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 10:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Items taken from a topic or proposal whose proposer did not agree to be named, but whose
# presenter is still the organisation's name copied at acceptance (issue 12). A presenter a
# coordinator typed differently is their choice and stays.
_UNNAMED = """
SELECT a.id, a.meeting_id FROM agenda_items a
  JOIN suggestions s ON s.id = a.suggestion_id
  JOIN contacts c ON c.id = s.contact_id
  JOIN organisations o ON o.id = c.organisation_id
 WHERE s.show_name = :no AND a.presenter = o.name
UNION
SELECT a.id, a.meeting_id FROM agenda_items a
  JOIN proposals p ON p.id = a.proposal_id
  JOIN contacts c ON c.id = p.contact_id
  JOIN organisations o ON o.id = c.organisation_id
 WHERE a.presenter = o.name
"""

_items = sa.table('agenda_items', sa.column('id', sa.Integer),
                  sa.column('presenter', sa.String))
_meetings = sa.table('meetings', sa.column('id', sa.Integer),
                     sa.column('published_agenda', sa.JSON))
_publications = sa.table('agenda_publications', sa.column('id', sa.Integer),
                         sa.column('meeting_id', sa.Integer), sa.column('items', sa.JSON))
_versions = sa.table('data_versions', sa.column('version', sa.Integer),
                     sa.column('changed_at', sa.DateTime(timezone=True)))


def _unnamed(items, ids):
    """The snapshot without the presenter of the given items; None when nothing changes."""
    if not items or not any(i.get('id') in ids and i.get('presenter') for i in items):
        return None
    return [{**i, 'presenter': None} if i.get('id') in ids else i for i in items]


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_name', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    bind = op.get_bind()
    rows = bind.execute(sa.text(_UNNAMED).bindparams(
        sa.bindparam('no', False, type_=sa.Boolean()))).all()
    if not rows:
        return
    ids = {row.id for row in rows}
    meetings = {row.meeting_id for row in rows}
    bind.execute(_items.update().where(_items.c.id.in_(ids)).values(presenter=None))
    # The published versions carry the same names: to the public page, feeds and the API.
    for meeting_id, items in bind.execute(sa.select(
            _meetings.c.id, _meetings.c.published_agenda).where(_meetings.c.id.in_(meetings))):
        fixed = _unnamed(items, ids)
        if fixed is not None:
            bind.execute(_meetings.update().where(_meetings.c.id == meeting_id)
                         .values(published_agenda=fixed))
    for publication_id, items in bind.execute(sa.select(
            _publications.c.id, _publications.c['items'])
            .where(_publications.c.meeting_id.in_(meetings))):
        fixed = _unnamed(items, ids)
        if fixed is not None:
            bind.execute(_publications.update().where(_publications.c.id == publication_id)
                         .values(items=fixed))
    # Feeds and API answers are validated by the data version: make clients fetch anew.
    now = datetime.now(UTC)
    bind.execute(_versions.update().values(
        version=_versions.c.version + 1,
        changed_at=now.replace(tzinfo=None) if bind.dialect.name == 'sqlite' else now))


def downgrade():
    # The names removed above were published without consent: they are not put back.
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('show_name')
