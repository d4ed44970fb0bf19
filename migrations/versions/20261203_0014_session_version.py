"""user session version: ending a user's sessions

Revision ID: 0014_session_version
Revises: 0013_stats_rollup
Create Date: 2026-12-03 01:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_session_version'
down_revision = '0013_stats_rollup'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('session_version')
