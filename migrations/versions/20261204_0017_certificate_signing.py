"""certificates that prove themselves: validity and layout per course, expiry per certificate

Revision ID: 0017_certificate_signing
Revises: 0016_self_enroll
Create Date: 2026-12-04 07:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_certificate_signing'
down_revision = '0020_api_xapi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certificate_template') as batch_op:
        batch_op.add_column(sa.Column('validity', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('layout', sa.String(length=16), server_default='classic', nullable=False))
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_certificate_expires_on', ['expires_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('certificate') as batch_op:
        batch_op.drop_index('ix_certificate_expires_on')
        batch_op.drop_column('expires_on')
    with op.batch_alter_table('certificate_template') as batch_op:
        batch_op.drop_column('layout')
        batch_op.drop_column('validity')
