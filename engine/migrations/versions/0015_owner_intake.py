"""an owner's e-mail address and the way they asked to be answered, for cases raised on the web

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 07:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complainant_email', sa.String(length=200),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('reply_channel', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('reply_channel')
        batch_op.drop_column('complainant_email')
