"""ballot links derived from a stored nonce, so a supervisor can print them again

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 08:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballot_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=43), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ballot_tokens', schema=None) as batch_op:
        batch_op.drop_column('nonce')
