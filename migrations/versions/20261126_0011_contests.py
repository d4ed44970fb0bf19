"""contests: contests, rounds, entrants, entries, prize lists

Revision ID: 0011_contests
Revises: 0005_quizzes
Create Date: 2026-11-26 11:16:03.825653
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0011_contests'
down_revision = '0005_quizzes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('rules_html', sa.Text(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('organiser_name', sa.String(length=255), nullable=False),
    sa.Column('starts_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('ends_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='conteststatus', native_enum=False, length=16), nullable=False),
    sa.Column('allow_public', sa.Boolean(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('entries_per_round', sa.Integer(), nullable=False),
    sa.Column('counted_entry', sa.Enum('best', 'first', name='countedentry', native_enum=False, length=16), nullable=False),
    sa.Column('prediction_kind', sa.Enum('all_correct', 'entries', name='predictionkind', native_enum=False, length=16), nullable=False),
    sa.Column('ranking_order', sa.String(length=64), nullable=False),
    sa.Column('prizes_first', sa.Integer(), nullable=False),
    sa.Column('prizes_second', sa.Integer(), nullable=False),
    sa.Column('prizes_third', sa.Integer(), nullable=False),
    sa.Column('prizes_consolation', sa.Integer(), nullable=False),
    sa.Column('unit_depth', sa.Integer(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['user_account.id'], name=op.f('fk_contest_organiser_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest'))
    )
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_organiser_id'), ['organiser_id'], unique=False)

    op.create_table('contest_entrant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('sort_name', sa.String(length=512).with_variant(sa.String(length=512, collation='C'), 'postgresql'), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_text', sa.String(length=255), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=True),
    sa.Column('challenge_nonce', sa.String(length=32), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_entrant_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_contest_entrant_unit_id_org_unit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_contest_entrant_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entrant')),
    sa.UniqueConstraint('challenge_nonce', name=op.f('uq_contest_entrant_challenge_nonce')),
    sa.UniqueConstraint('contest_id', 'email', name='uq_contest_entrant_email'),
    sa.UniqueConstraint('contest_id', 'phone', name='uq_contest_entrant_phone'),
    sa.UniqueConstraint('contest_id', 'user_id', name='uq_contest_entrant_user')
    )
    with op.batch_alter_table('contest_entrant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entrant_unit_id'), ['unit_id'], unique=False)

    op.create_table('contest_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('opens_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('closes_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=False),
    sa.Column('category_ids', sa.JSON(), nullable=False),
    sa.Column('published_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('actual_value', sa.Integer(), nullable=True),
    sa.Column('entry_total', sa.Integer(), nullable=True),
    sa.Column('entrant_total', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_round_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_round')),
    sa.UniqueConstraint('contest_id', 'number', name=op.f('uq_contest_round_contest_id'))
    )
    op.create_table('contest_unit_size',
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_unit_size_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_contest_unit_size_unit_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contest_id', 'unit_id', name=op.f('pk_contest_unit_size'))
    )
    op.create_table('contest_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entrant_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('started_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('deadline', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=True),
    sa.Column('prediction', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entrant_id'], ['contest_entrant.id'], name=op.f('fk_contest_entry_entrant_id_contest_entrant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_entry_round_id_contest_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entry')),
    sa.UniqueConstraint('round_id', 'entrant_id', 'seq', name=op.f('uq_contest_entry_round_id'))
    )
    with op.batch_alter_table('contest_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entry_entrant_id'), ['entrant_id'], unique=False)
        batch_op.create_index('ix_contest_entry_round_submitted', ['round_id', 'submitted_at'], unique=False)

    op.create_table('contest_prize',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('prize', sa.Enum('first', 'second', 'third', 'consolation', name='prizekind', native_enum=False, length=16), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('unit_label', sa.String(length=255), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('prediction', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entry.id'], name=op.f('fk_contest_prize_entry_id_contest_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_prize_round_id_contest_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_prize')),
    sa.UniqueConstraint('round_id', 'rank', name=op.f('uq_contest_prize_round_id'))
    )


def downgrade() -> None:
    op.drop_table('contest_prize')
    with op.batch_alter_table('contest_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_contest_entry_round_submitted')
        batch_op.drop_index(batch_op.f('ix_contest_entry_entrant_id'))

    op.drop_table('contest_entry')
    op.drop_table('contest_unit_size')
    op.drop_table('contest_round')
    with op.batch_alter_table('contest_entrant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entrant_unit_id'))

    op.drop_table('contest_entrant')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_organiser_id'))

    op.drop_table('contest')
