"""the owners' committee, general meetings, ballots and petitions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import engine.common.db
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('petitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('recorded_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=True),
    sa.Column('headcount_signed', sa.Integer(), nullable=False),
    sa.Column('headcount_total', sa.Integer(), nullable=False),
    sa.Column('meets_threshold', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_petitions_estate_id_estates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petitions'))
    )
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petitions_estate_id'), ['estate_id'], unique=False)

    op.create_table('committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('opened_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('elected_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.Column('term_ends_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('filing_due_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('filed_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('filing_reference', sa.String(length=100), nullable=True),
    sa.Column('filing_authority', sa.String(length=200), nullable=True),
    sa.Column('archived_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_committees_estate_id_estates')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_committees_instance_id_process_instances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committees'))
    )
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committees_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committees_instance_id'), ['instance_id'], unique=False)

    op.create_table('candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('office', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_candidates_committee_id_committees')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_candidates_owner_id_owners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates')),
    sa.UniqueConstraint('committee_id', 'owner_id', name='uq_candidates_committee_owner'),
    sa.UniqueConstraint('committee_id', 'position', name='uq_candidates_committee_position')
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidates_committee_id'), ['committee_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('estate_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('committee_id', sa.Integer(), nullable=True),
    sa.Column('petition_id', sa.Integer(), nullable=True),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('meeting_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('notice_sent_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('notice_text', sa.Text(), nullable=False),
    sa.Column('residents_committee_notified', sa.Boolean(), nullable=False),
    sa.Column('tallied_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('minutes', sa.Text(), nullable=True),
    sa.Column('minutes_published_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.Column('archived_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_meetings_committee_id_committees')),
    sa.ForeignKeyConstraint(['estate_id'], ['estates.id'], name=op.f('fk_meetings_estate_id_estates')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_meetings_instance_id_process_instances')),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_meetings_petition_id_petitions')),
    sa.ForeignKeyConstraint(['previous_id'], ['meetings.id'], name=op.f('fk_meetings_previous_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_estate_id'), ['estate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_instance_id'), ['instance_id'], unique=False)

    op.create_table('petition_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_petition_signatures_owner_id_owners')),
    sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_signatures_petition_id_petitions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_petition_signatures_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_signatures')),
    sa.UniqueConstraint('petition_id', 'owner_id', name=op.f('uq_petition_signatures_petition_id'))
    )
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_signatures_petition_id'), ['petition_id'], unique=False)

    op.create_table('preparatory_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('represents', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_preparatory_members_committee_id_committees')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_preparatory_members_owner_id_owners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preparatory_members')),
    sa.UniqueConstraint('committee_id', 'position', name=op.f('uq_preparatory_members_committee_id'))
    )
    with op.batch_alter_table('preparatory_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preparatory_members_committee_id'), ['committee_id'], unique=False)

    op.create_table('agenda_matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('matter_class', sa.String(length=20), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_agenda_matters_candidate_id_candidates')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_matters_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_matters')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_agenda_matters_meeting_id'))
    )
    with op.batch_alter_table('agenda_matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_matters_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('ballot_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.Column('used_at', engine.common.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_ballot_tokens_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_ballot_tokens_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_tokens')),
    sa.UniqueConstraint('meeting_id', 'unit_id', name=op.f('uq_ballot_tokens_meeting_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_ballot_tokens_token_hash'))
    )
    with op.batch_alter_table('ballot_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_tokens_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('vote', sa.String(length=10), nullable=False),
    sa.Column('entered_by', sa.String(length=100), nullable=True),
    sa.Column('cast_at', engine.common.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['agenda_matters.id'], name=op.f('fk_meeting_ballots_matter_id_agenda_matters')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_ballots_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_meeting_ballots_owner_id_owners')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_meeting_ballots_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_ballots')),
    sa.UniqueConstraint('matter_id', 'owner_id', name='uq_meeting_ballots_matter_owner'),
    sa.UniqueConstraint('matter_id', 'unit_id', name='uq_meeting_ballots_matter_unit')
    )
    with op.batch_alter_table('meeting_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_ballots_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_ballots_meeting_id'), ['meeting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meeting_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_ballots_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_ballots_matter_id'))

    op.drop_table('meeting_ballots')
    with op.batch_alter_table('ballot_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_tokens_meeting_id'))

    op.drop_table('ballot_tokens')
    with op.batch_alter_table('agenda_matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_matters_meeting_id'))

    op.drop_table('agenda_matters')
    with op.batch_alter_table('preparatory_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preparatory_members_committee_id'))

    op.drop_table('preparatory_members')
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_signatures_petition_id'))

    op.drop_table('petition_signatures')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_instance_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_estate_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidates_committee_id'))

    op.drop_table('candidates')
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committees_instance_id'))
        batch_op.drop_index(batch_op.f('ix_committees_estate_id'))

    op.drop_table('committees')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_estate_id'))

    op.drop_table('petitions')
