"""the superior's decision on an escalation: an instruction, a referral to the competent
authority with its follow-ups and answer, or the office's final position

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 07:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import engine.common.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('escalation_outcomes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('final_round', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=150), nullable=True),
    sa.Column('decided_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('authority', sa.String(length=30), nullable=True),
    sa.Column('authority_reference', sa.String(length=100), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=True),
    sa.Column('follow_ups', sa.Integer(), nullable=False),
    sa.Column('authority_answer', sa.Text(), nullable=False),
    sa.Column('answered_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('reply_text', sa.Text(), nullable=False),
    sa.Column('replied_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                            name=op.f('fk_escalation_outcomes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_outcomes'))
    )
    with op.batch_alter_table('escalation_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_outcomes_case_id'), ['case_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_escalation_outcomes_instance_id'), ['instance_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('escalation_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_outcomes_instance_id'))
        batch_op.drop_index(batch_op.f('ix_escalation_outcomes_case_id'))
    op.drop_table('escalation_outcomes')
