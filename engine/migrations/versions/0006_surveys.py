"""the yearly owner survey: questionnaires, campaigns, samples, responses, feedback

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import engine.common.db
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('intro', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('schema', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ui', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=150), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_questionnaires')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_survey_questionnaires_code'))
    )
    with op.batch_alter_table('survey_questionnaires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_questionnaires_code'), ['code'], unique=False)

    op.create_table('survey_campaigns',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('target_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('units_total', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('approved_by', sa.String(length=150), nullable=True),
    sa.Column('created_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('distributed_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('deadline', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('collection_closed_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('below_target_reason', sa.Text(), nullable=True),
    sa.Column('below_target_by', sa.String(length=150), nullable=True),
    sa.Column('below_target_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('tabulation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('report_approved_by', sa.String(length=150), nullable=True),
    sa.Column('published_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('archived_report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_survey_campaigns_estate_id_estates')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['survey_questionnaires.id'], name=op.f('fk_survey_campaigns_questionnaire_id_survey_questionnaires')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_campaigns')),
    sa.UniqueConstraint('number', name=op.f('uq_survey_campaigns_number'))
    )
    with op.batch_alter_table('survey_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_campaigns_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_campaigns_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_campaigns_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_campaigns_year'), ['year'], unique=False)

    op.create_table('survey_sampled_units',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('response_code', sa.String(length=20), nullable=True),
    sa.Column('link_token', sa.String(length=64), nullable=True),
    sa.Column('issued_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('used_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('last_reminded_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_survey_sampled_units_building_id_buildings')),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaigns.id'], name=op.f('fk_survey_sampled_units_campaign_id_survey_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_sampled_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_sampled_units')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_survey_sampled_units_campaign_id')),
    sa.UniqueConstraint('link_token', name=op.f('uq_survey_sampled_units_link_token')),
    sa.UniqueConstraint('response_code', name=op.f('uq_survey_sampled_units_response_code'))
    )
    with op.batch_alter_table('survey_sampled_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_sampled_units_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sampled_units_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_sampled_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sampled_unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('submitted_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('entered_by', sa.String(length=150), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_survey_responses_building_id_buildings')),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaigns.id'], name=op.f('fk_survey_responses_campaign_id_survey_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sampled_unit_id'], ['survey_sampled_units.id'], name=op.f('fk_survey_responses_sampled_unit_id_survey_sampled_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_survey_responses_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_survey_responses_campaign_id')),
    sa.UniqueConstraint('sampled_unit_id', name=op.f('uq_survey_responses_sampled_unit_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('survey_feedback_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('question', sa.String(length=50), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('suggested_kind', sa.String(length=20), nullable=False),
    sa.Column('suggested_category', sa.String(length=30), nullable=False),
    sa.Column('confirmed_kind', sa.String(length=20), nullable=True),
    sa.Column('confirmed_category', sa.String(length=30), nullable=True),
    sa.Column('confirmed_by', sa.String(length=150), nullable=True),
    sa.Column('confirmed_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaigns.id'], name=op.f('fk_survey_feedback_items_campaign_id_survey_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_survey_feedback_items_case_id_cases')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'], name=op.f('fk_survey_feedback_items_response_id_survey_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_feedback_items'))
    )
    with op.batch_alter_table('survey_feedback_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_feedback_items_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_feedback_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_feedback_items_confirmed_kind'), ['confirmed_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_feedback_items_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('survey_feedback_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_feedback_items_response_id'))
        batch_op.drop_index(batch_op.f('ix_survey_feedback_items_confirmed_kind'))
        batch_op.drop_index(batch_op.f('ix_survey_feedback_items_case_id'))
        batch_op.drop_index(batch_op.f('ix_survey_feedback_items_campaign_id'))

    op.drop_table('survey_feedback_items')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_building_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_sampled_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_sampled_units_unit_id'))
        batch_op.drop_index(batch_op.f('ix_survey_sampled_units_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_survey_sampled_units_building_id'))

    op.drop_table('survey_sampled_units')
    with op.batch_alter_table('survey_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_campaigns_year'))
        batch_op.drop_index(batch_op.f('ix_survey_campaigns_state'))
        batch_op.drop_index(batch_op.f('ix_survey_campaigns_instance_id'))
        batch_op.drop_index(batch_op.f('ix_survey_campaigns_estate_id'))

    op.drop_table('survey_campaigns')
    with op.batch_alter_table('survey_questionnaires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_questionnaires_code'))

    op.drop_table('survey_questionnaires')
