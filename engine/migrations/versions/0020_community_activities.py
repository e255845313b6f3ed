"""community activities on traditional festivals (P7) and their sign-ups

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 13:09:28.813921
"""
from alembic import op
import sqlalchemy as sa
import engine.common.db
from sqlalchemy.dialects import postgresql

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('community_activities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('festival', sa.String(length=30), nullable=True),
    sa.Column('festival_year', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('target_group', sa.String(length=20), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('budget', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('budget_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('return_note', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.String(length=150), nullable=True),
    sa.Column('approved_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('sign_ups_close_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('announced_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=True),
    sa.Column('actual_spending', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('held_recorded_by', sa.String(length=150), nullable=True),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('to_change', sa.Text(), nullable=False),
    sa.Column('written_by', sa.String(length=150), nullable=True),
    sa.Column('archived_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('created_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_activities')),
    sa.UniqueConstraint('festival', 'festival_year', name=op.f('uq_community_activities_festival'))
    )
    with op.batch_alter_table('community_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_activities_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_activities_state'), ['state'], unique=False)

    op.create_table('activity_sign_ups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('taken_by', sa.String(length=150), nullable=True),
    sa.Column('signed_up_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['community_activities.id'], name=op.f('fk_activity_sign_ups_activity_id_community_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_sign_ups')),
    sa.UniqueConstraint('activity_id', 'unit', name=op.f('uq_activity_sign_ups_activity_id'))
    )
    with op.batch_alter_table('activity_sign_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_sign_ups_activity_id'), ['activity_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('activity_sign_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_sign_ups_activity_id'))

    op.drop_table('activity_sign_ups')
    with op.batch_alter_table('community_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_activities_state'))
        batch_op.drop_index(batch_op.f('ix_community_activities_instance_id'))

    op.drop_table('community_activities')
