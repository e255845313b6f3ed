"""agenda matters carry the key of their item of Civil Code art. 278, up to 26 characters

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 18:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows keep "ordinary" and "special": the tally still counts and the page still names them.
    with op.batch_alter_table('agenda_matters', schema=None) as batch_op:
        batch_op.alter_column('matter_class', existing_type=sa.String(length=20),
                              type_=sa.String(length=40), existing_nullable=False)


def downgrade() -> None:
    # The longer keys do not fit back into 20 characters; fold them into the old two classes.
    op.execute("UPDATE agenda_matters SET matter_class = 'special' WHERE matter_class IN "
               "('raise_maintenance_fund', 'rebuild_or_alter', 'change_use_of_common_parts')")
    op.execute("UPDATE agenda_matters SET matter_class = 'ordinary' "
               "WHERE matter_class NOT IN ('ordinary', 'special')")
    with op.batch_alter_table('agenda_matters', schema=None) as batch_op:
        batch_op.alter_column('matter_class', existing_type=sa.String(length=40),
                              type_=sa.String(length=20), existing_nullable=False)
