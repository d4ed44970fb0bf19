"""statistics rollup

Revision ID: 0013_stats_rollup
Revises: 0007_certificates
Create Date: 2026-11-26 14:00:41.955676
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0013_stats_rollup'
down_revision = '0007_certificates'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stats_daily',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_stats_daily_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_stats_daily_unit_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'unit_id', 'day', name=op.f('pk_stats_daily'))
    )
    op.create_table('stats_rollup',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('enrolled', sa.Integer(), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Double(), nullable=False),
    sa.Column('score_n', sa.Integer(), nullable=False),
    sa.Column('certificates', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_stats_rollup_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_stats_rollup_unit_id_org_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'unit_id', name=op.f('pk_stats_rollup'))
    )
    op.create_table('stats_state',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('changed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('refreshing_since', elearn.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_stats_state_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_stats_state'))
    )


def downgrade() -> None:
    op.drop_table('stats_state')
    op.drop_table('stats_rollup')
    op.drop_table('stats_daily')
