"""ballots and petition signatures record the voter key (an owner set), not one owner id

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:10:00.000000

Co-owners used to be grouped through any shared owner and named by the lowest
owner id of the group; now a voter is the unit's own set of owners
(``engine.meetings.electorate.voter_key``). Each existing row gets the key of
the unit it was cast or signed for, from the ownership records; a unit still
the developer's keeps the developer's id, as it recorded before.
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = {'meeting_ballots': ('matter_id', 'uq_meeting_ballots_matter_owner',
                              'uq_meeting_ballots_matter_voter'),
          'petition_signatures': ('petition_id', 'uq_petition_signatures_petition_id',
                                  'uq_petition_signatures_petition_id')}


def upgrade() -> None:
    conn = op.get_bind()
    for table, (scope, old_unique, new_unique) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('voter', sa.String(length=200), nullable=True))
        rows = conn.execute(sa.text(f'SELECT id, unit_id, owner_id FROM {table}')).all()
        for row_id, unit_id, owner_id in rows:
            conn.execute(sa.text(f'UPDATE {table} SET voter = :voter WHERE id = :id'),
                         {'voter': _voter(conn, unit_id, owner_id), 'id': row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(old_unique, type_='unique')
            batch_op.drop_constraint(f'fk_{table}_owner_id_owners', type_='foreignkey')
            batch_op.drop_column('owner_id')
            batch_op.alter_column('voter', existing_type=sa.String(length=200), nullable=False)
            batch_op.create_unique_constraint(new_unique, [scope, 'voter'])


def downgrade() -> None:
    conn = op.get_bind()
    for table, (scope, old_unique, new_unique) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        # An owner set goes back to its lowest owner id, as the old grouping named it.
        rows = conn.execute(sa.text(f'SELECT id, voter FROM {table}')).all()
        for row_id, voter in rows:
            conn.execute(sa.text(f'UPDATE {table} SET owner_id = :owner WHERE id = :id'),
                         {'owner': min(int(part) for part in voter.split('+')), 'id': row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(new_unique, type_='unique')
            batch_op.drop_column('voter')
            batch_op.alter_column('owner_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(f'fk_{table}_owner_id_owners', 'owners', ['owner_id'],
                                        ['id'])
            batch_op.create_unique_constraint(old_unique, [scope, 'owner_id'])


def _voter(conn: sa.Connection, unit_id: int, owner_id: int) -> str:
    delivered = conn.execute(sa.text('SELECT delivered FROM units WHERE id = :id'),
                             {'id': unit_id}).scalar_one()
    owners = conn.execute(sa.text(
        'SELECT owners.id, owners.is_developer FROM ownerships '
        'JOIN owners ON owners.id = ownerships.owner_id WHERE ownerships.unit_id = :id'),
        {'id': unit_id}).all()
    if not delivered or any(is_developer for _, is_developer in owners) or not owners:
        return str(owner_id)  # the developer's id, as recorded
    return '+'.join(str(o) for o in sorted(o for o, is_developer in owners if not is_developer))
