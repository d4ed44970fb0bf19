"""API tokens (personal and service, stored as a SHA-256 of the secret) and the xAPI outbox

Revision ID: 0020_api_xapi
Revises: 0016_self_enroll
Create Date: 2026-12-04 07:50:00
"""
import sqlalchemy as sa
from alembic import op

from elearn.db import UTCDateTime

revision = '0020_api_xapi'
down_revision = '0019_offline_answers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('personal', 'service', name='tokenkind', native_enum=False, length=16),
                  nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('scopes', sa.String(length=255), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_api_token_revoked_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_api_token_unit_id_org_unit'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_api_token_secret_hash')),
    )
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'], unique=False)
    op.create_table(
        'xapi_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.String(length=36), nullable=False),
        sa.Column('statement', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
        sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id')),
    )
    op.create_index('ix_xapi_outbox_due', 'xapi_outbox', ['sent_at', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_xapi_outbox_due', table_name='xapi_outbox')
    op.drop_table('xapi_outbox')
    op.drop_index(op.f('ix_api_token_user_id'), table_name='api_token')
    op.drop_table('api_token')
