"""survey follow-ups: one row per visit of a round, naming its own instance

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 13:05:00.000000
"""
from alembic import op
import sqlalchemy as sa
import engine.common.db

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_follow_ups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sampled_unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('recorded_by', sa.String(length=150), nullable=True),
    sa.Column('recorded_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaigns.id'], name=op.f('fk_survey_follow_ups_campaign_id_survey_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sampled_unit_id'], ['survey_sampled_units.id'], name=op.f('fk_survey_follow_ups_sampled_unit_id_survey_sampled_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_follow_ups')),
    sa.UniqueConstraint('sampled_unit_id', 'round_number', name=op.f('uq_survey_follow_ups_sampled_unit_id'))
    )
    with op.batch_alter_table('survey_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_follow_ups_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_follow_ups_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_follow_ups_instance_id'))
        batch_op.drop_index(batch_op.f('ix_survey_follow_ups_campaign_id'))

    op.drop_table('survey_follow_ups')
