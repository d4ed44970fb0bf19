"""contest_phone_otp: phone verification by one-time code (contest.require_phone,
contest_entrant.phone_verified_at, contest_phone_code);
contest_ranking_file.signature: the file's detached JWS;
contest_ranked by (round, rank) for the organiser's results page;
contest_certificate: the certificates of participation and prize of an entrant in a round

Revision ID: 0024_contest_phone_otp
Revises: 0023_programme_exports
Create Date: 2026-12-04 10:40:00
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0024_contest_phone_otp'
down_revision = '0023_programme_exports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contest') as batch:
        batch.add_column(sa.Column('require_phone', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index('ix_contest_ranked_round_rank', 'contest_ranked', ['round_id', 'rank'], unique=False)
    with op.batch_alter_table('contest_ranking_file') as batch:
        batch.add_column(sa.Column('signature', sa.Text(), nullable=True))
    with op.batch_alter_table('contest_entrant') as batch:
        batch.add_column(sa.Column('phone_verified_at', elearn.db.UTCDateTime(), nullable=True))
    op.create_table(
        'contest_phone_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entrant_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
        sa.Column('expires_at', elearn.db.UTCDateTime(), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('used_at', elearn.db.UTCDateTime(), nullable=True),
        sa.Column('client_addr', sa.String(length=45), nullable=True),
        sa.Column('device', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['entrant_id'], ['contest_entrant.id'],
                                name=op.f('fk_contest_phone_code_entrant_id_contest_entrant'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_phone_code')),
    )
    op.create_index('ix_contest_phone_code_phone', 'contest_phone_code', ['phone', 'created_at'], unique=False)
    op.create_index('ix_contest_phone_code_entrant', 'contest_phone_code', ['entrant_id', 'created_at'], unique=False)
    op.create_table(
        'contest_certificate',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('entrant_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'],
                                name=op.f('fk_contest_certificate_certificate_id_certificate'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entrant_id'], ['contest_entrant.id'],
                                name=op.f('fk_contest_certificate_entrant_id_contest_entrant'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'],
                                name=op.f('fk_contest_certificate_round_id_contest_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'entrant_id', 'kind', name=op.f('pk_contest_certificate')),
    )
    op.create_index(op.f('ix_contest_phone_code_device'), 'contest_phone_code', ['device'], unique=False)


def downgrade() -> None:
    op.drop_table('contest_certificate')
    op.drop_table('contest_phone_code')
    op.drop_index('ix_contest_ranked_round_rank', table_name='contest_ranked')
    with op.batch_alter_table('contest_ranking_file') as batch:
        batch.drop_column('signature')
    with op.batch_alter_table('contest_entrant') as batch:
        batch.drop_column('phone_verified_at')
    with op.batch_alter_table('contest') as batch:
        batch.drop_column('require_phone')
