"""incidents keep the engine's message code and parameters, worded in each reader's language

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Incidents opened before have no code: their stored English message is shown as it is.
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_code', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('message_code')
