"""contest_ranking_file: the ranking file and Merkle root written when a round's results are published;
contest_ranked, its lines indexed;
contest_entry.client_addr for the report of suspicious clusters

Revision ID: 0021_contest_ranking_file
Revises: 0016_self_enroll
Create Date: 2026-12-04 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0021_contest_ranking_file'
down_revision = '0017_certificate_signing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'contest_ranking_file',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.String(length=64), nullable=False),
        sa.Column('merkle_root', sa.String(length=64), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_ranking_file_round_id_contest_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', name=op.f('pk_contest_ranking_file')),
    )
    op.create_table(
        'contest_ranked',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('entrant_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_ranked_round_id_contest_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'entrant_id', name=op.f('pk_contest_ranked')),
    )
    with op.batch_alter_table('contest_entry') as batch:
        batch.add_column(sa.Column('client_addr', sa.String(length=45), nullable=True))
        batch.create_index('ix_contest_entry_round_addr', ['round_id', 'client_addr'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contest_entry') as batch:
        batch.drop_index('ix_contest_entry_round_addr')
        batch.drop_column('client_addr')
    op.drop_table('contest_ranked')
    op.drop_table('contest_ranking_file')
