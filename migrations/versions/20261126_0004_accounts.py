"""accounts: accent-free search name, one-time credential handouts

Revision ID: 0004_accounts
Revises: 0011_contests
Create Date: 2026-11-26 11:14:34.802798
"""
from alembic import op
import sqlalchemy as sa
import elearn.db
from elearn.text import fold


revision = '0004_accounts'
down_revision = '0011_contests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credential_handout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('accounts', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('downloaded_at', elearn.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_credential_handout_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_handout')),
    sa.UniqueConstraint('token', name=op.f('uq_credential_handout_token'))
    )
    op.create_index(op.f('ix_credential_handout_created_by_id'), 'credential_handout', ['created_by_id'], unique=False)

    # A plain ADD COLUMN (no table rebuild): other tables reference user_account.
    op.add_column('user_account', sa.Column('search_name', sa.String(length=255), server_default='', nullable=False))
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('search_name', sa.String))
    conn = op.get_bind()
    rows = [{"uid": uid, "folded": fold(name)[:255]} for uid, name in conn.execute(sa.select(users.c.id, users.c.full_name))]
    if rows:
        conn.execute(users.update().where(users.c.id == sa.bindparam("uid")).values(search_name=sa.bindparam("folded")), rows)


def downgrade() -> None:
    op.drop_column('user_account', 'search_name')
    op.drop_index(op.f('ix_credential_handout_created_by_id'), table_name='credential_handout')
    op.drop_table('credential_handout')
