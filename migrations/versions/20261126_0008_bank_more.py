"""question bank: folded search text per question

Revision ID: 0008_bank_more
Revises: 0003_question_bank
Create Date: 2026-11-26 11:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_bank_more'
down_revision = '0003_question_bank'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('search_text')
