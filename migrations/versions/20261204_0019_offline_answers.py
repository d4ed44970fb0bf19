"""quiz_attempt_question.answer_seq: answers kept on the phone are resent once, never out of order

Revision ID: 0019_offline_answers
Revises: 0016_self_enroll
Create Date: 2026-12-04 07:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0019_offline_answers'
down_revision = '0018_programmes_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_attempt_question') as batch_op:
        batch_op.add_column(sa.Column('answer_seq', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiz_attempt_question') as batch_op:
        batch_op.drop_column('answer_seq')
