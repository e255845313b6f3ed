"""petitions count the area signed; a meeting names its convener; a committee is filed twice

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:30:00.000000

A petition signature is now one row per unit signed (one voter may sign for
several units, counted once by headcount and by every unit's area), so the
signature is unique per unit rather than per voter. Petitions recorded before
carry no area (NULL): they cannot call a meeting until recorded again.
A first meeting was convened by the preparatory group; the convener of older
meetings is not known. A committee filed before is recorded as filed with the
district housing department, the one authority it was filed with then.
"""
import sqlalchemy as sa
from alembic import op

import engine.common.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_signed', sa.Numeric(precision=12, scale=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('area_total', sa.Numeric(precision=12, scale=2),
                                      nullable=True))
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_constraint('uq_petition_signatures_petition_id', type_='unique')
        batch_op.create_unique_constraint('uq_petition_signatures_petition_id',
                                          ['petition_id', 'unit_id'])
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('convener', sa.String(length=30), nullable=True))
    op.execute("UPDATE meetings SET convener = 'preparatory_group' WHERE kind = 'first'")

    op.create_table(
        'committee_filings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('committee_id', sa.Integer(), nullable=False),
        sa.Column('authority', sa.String(length=30), nullable=False),
        sa.Column('authority_name', sa.String(length=200), nullable=False),
        sa.Column('reference', sa.String(length=100), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', engine.common.db.UtcDateTime(), nullable=False),
        sa.Column('recorded_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['committee_id'], ['committees.id'],
                                name=op.f('fk_committee_filings_committee_id_committees')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_filings')),
        sa.UniqueConstraint('committee_id', 'authority',
                            name=op.f('uq_committee_filings_committee_id')))
    with op.batch_alter_table('committee_filings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_filings_committee_id'), ['committee_id'],
                              unique=False)
    day = 'DATE(filed_at)' if op.get_bind().dialect.name == 'sqlite' else 'CAST(filed_at AS DATE)'
    op.execute(
        "INSERT INTO committee_filings (committee_id, authority, authority_name, reference, "
        f"filed_on, recorded_at) SELECT id, 'housing_department', "
        f"COALESCE(filing_authority, ''), COALESCE(filing_reference, ''), {day}, filed_at "
        "FROM committees WHERE filed_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('committee_filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_filings_committee_id'))
    op.drop_table('committee_filings')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('convener')
    # One signature per voter again: keep each voter's first unit.
    op.execute("DELETE FROM petition_signatures WHERE id NOT IN (SELECT MIN(id) FROM "
               "petition_signatures GROUP BY petition_id, voter)")
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_constraint('uq_petition_signatures_petition_id', type_='unique')
        batch_op.create_unique_constraint('uq_petition_signatures_petition_id',
                                          ['petition_id', 'voter'])
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_column('area_total')
        batch_op.drop_column('area_signed')
