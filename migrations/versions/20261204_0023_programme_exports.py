"""programme_exports: scheduler leases expire (expires_at renewed by their holder, owner, takeovers)
so that a scheduler killed mid-task leaves no period's task undone

Revision ID: 0023_programme_exports
Revises: 0022_certificate_renewal
Create Date: 2026-12-04 10:40:00
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0023_programme_exports'
down_revision = '0022_certificate_renewal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('scheduler_lease') as batch:
        batch.add_column(sa.Column('expires_at', elearn.db.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('owner', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('takeovers', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('scheduler_lease') as batch:
        batch.drop_column('takeovers')
        batch.drop_column('owner')
        batch.drop_column('expires_at')
