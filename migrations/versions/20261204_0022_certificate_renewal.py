"""certificate_renewal: renewal by re-completion (enrollment rounds, progress history, replaced
certificates) and programme certificates

Revision ID: 0022_certificate_renewal
Revises: 0021_contest_ranking_file
Create Date: 2026-12-04 10:45:00
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0022_certificate_renewal'
down_revision = '0021_contest_ranking_file'
branch_labels = None
depends_on = None

LIVE = 'revoked_at IS NULL AND replaced_at IS NULL'
LIVE_PROGRAMME = 'programme_id IS NOT NULL AND revoked_at IS NULL AND replaced_at IS NULL'


def upgrade() -> None:
    with op.batch_alter_table('enrollment') as batch:
        batch.add_column(sa.Column('round', sa.Integer(), server_default='1', nullable=False))
        batch.add_column(sa.Column('round_started_at', elearn.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('renewing', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'enrollment_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('started_at', elearn.db.UTCDateTime(), nullable=False),
        sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'],
                                name=op.f('fk_enrollment_round_enrollment_id_enrollment'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_round')),
        sa.UniqueConstraint('enrollment_id', 'round', name=op.f('uq_enrollment_round_enrollment_id')),
    )
    op.create_table(
        'progress_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('first_opened_at', elearn.db.UTCDateTime(), nullable=True),
        sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=True),
        sa.Column('time_spent_seconds', sa.Integer(), nullable=False),
        sa.Column('best_score', sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_progress_history_course_id_course'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_progress_history_item_id_course_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_progress_history_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_history')),
    )
    op.create_index('ix_progress_history_user_course', 'progress_history', ['user_id', 'course_id'], unique=False)

    op.drop_index('ux_certificate_live', table_name='certificate')
    with op.batch_alter_table('certificate') as batch:
        batch.add_column(sa.Column('replaced_at', elearn.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_certificate_replaced_by_id_certificate'), 'certificate',
                                 ['replaced_by_id'], ['id'], ondelete='SET NULL')
        batch.create_foreign_key(op.f('fk_certificate_programme_id_programme'), 'programme',
                                 ['programme_id'], ['id'], ondelete='SET NULL')
        batch.create_index(op.f('ix_certificate_programme_id'), ['programme_id'], unique=False)
    op.create_index('ux_certificate_live', 'certificate', ['user_id', 'course_id'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('ux_certificate_programme_live', 'certificate', ['user_id', 'programme_id'], unique=True,
                    sqlite_where=sa.text(LIVE_PROGRAMME), postgresql_where=sa.text(LIVE_PROGRAMME))


def downgrade() -> None:
    op.drop_index('ux_certificate_programme_live', table_name='certificate')
    op.drop_index('ux_certificate_live', table_name='certificate')
    # A renewed cadre holds two certificates that were live under the old rule: keep the newest.
    op.execute('DELETE FROM certificate WHERE replaced_at IS NOT NULL AND revoked_at IS NULL')
    op.execute('DELETE FROM certificate WHERE programme_id IS NOT NULL')
    with op.batch_alter_table('certificate') as batch:
        batch.drop_index(op.f('ix_certificate_programme_id'))
        batch.drop_constraint(op.f('fk_certificate_programme_id_programme'), type_='foreignkey')
        batch.drop_constraint(op.f('fk_certificate_replaced_by_id_certificate'), type_='foreignkey')
        batch.drop_column('programme_id')
        batch.drop_column('replaced_by_id')
        batch.drop_column('replaced_at')
    live = sa.text('revoked_at IS NULL')
    op.create_index('ux_certificate_live', 'certificate', ['user_id', 'course_id'], unique=True,
                    sqlite_where=live, postgresql_where=live)
    op.drop_index('ix_progress_history_user_course', table_name='progress_history')
    op.drop_table('progress_history')
    op.drop_table('enrollment_round')
    with op.batch_alter_table('enrollment') as batch:
        batch.drop_column('renewing')
        batch.drop_column('round_started_at')
        batch.drop_column('round')
