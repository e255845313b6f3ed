"""monthly return-visit rounds, their visits and call scripts; a non-case task's subject

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 12:36:36.755474
"""
from alembic import op
import sqlalchemy as sa
import engine.common.db
from sqlalchemy.dialects import postgresql

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('return_visit_rounds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('completed_orders', sa.Integer(), nullable=False),
    sa.Column('sampled', sa.Integer(), nullable=False),
    sa.Column('deadline', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('opened_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('opened_by', sa.String(length=150), nullable=True),
    sa.Column('extensions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('shortfall_reason', sa.Text(), nullable=True),
    sa.Column('shortfall_by', sa.String(length=150), nullable=True),
    sa.Column('closed_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visit_rounds')),
    sa.UniqueConstraint('month', name=op.f('uq_return_visit_rounds_month'))
    )
    with op.batch_alter_table('return_visit_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visit_rounds_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visit_rounds_state'), ['state'], unique=False)

    op.create_table('return_visit_scripts',
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=150), nullable=True),
    sa.Column('updated_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_return_visit_scripts_estate_id_estates')),
    sa.PrimaryKeyConstraint('estate_id', name=op.f('pk_return_visit_scripts'))
    )
    op.create_table('return_visits',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('round_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('work_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('handled_by', sa.String(length=150), nullable=True),
    sa.Column('from_complaint', sa.Boolean(), nullable=False),
    sa.Column('visitor', sa.String(length=150), nullable=True),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=True),
    sa.Column('attempts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('satisfaction', sa.String(length=20), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('spoken_to', sa.String(length=200), nullable=False),
    sa.Column('recorded_by', sa.String(length=150), nullable=True),
    sa.Column('recorded_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('reopened_case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['reopened_case_id'], ['cases.id'], name=op.f('fk_return_visits_reopened_case_id_cases')),
    sa.ForeignKeyConstraint(['round_id'], ['return_visit_rounds.id'], name=op.f('fk_return_visits_round_id_return_visit_rounds')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_return_visits_work_order_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_visits')),
    sa.UniqueConstraint('round_id', 'work_order_id', name=op.f('uq_return_visits_round_id'))
    )
    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_visits_department'), ['department'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_visits_work_order_id'), ['work_order_id'], unique=False)

    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_label', sa.String(length=100), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_column('subject_label')

    with op.batch_alter_table('return_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visits_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_state'))
        batch_op.drop_index(batch_op.f('ix_return_visits_round_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_instance_id'))
        batch_op.drop_index(batch_op.f('ix_return_visits_department'))

    op.drop_table('return_visits')
    op.drop_table('return_visit_scripts')
    with op.batch_alter_table('return_visit_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_visit_rounds_state'))
        batch_op.drop_index(batch_op.f('ix_return_visit_rounds_instance_id'))

    op.drop_table('return_visit_rounds')
