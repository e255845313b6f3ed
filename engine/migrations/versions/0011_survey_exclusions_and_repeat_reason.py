"""the units a survey's sample left out, by reason, and the reason for a repeat survey

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('survey_campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'units_excluded',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('repeat_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('survey_campaigns', schema=None) as batch_op:
        batch_op.drop_column('repeat_reason')
        batch_op.drop_column('units_excluded')
