"""quizzes, slots, attempts and their questions

Revision ID: 0005_quizzes
Revises: 0012_jobs
Create Date: 2026-11-26 11:14:02.986240
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0005_quizzes'
down_revision = '0012_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quiz',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('intro_html', sa.Text(), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_choices', sa.Boolean(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('opens_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('closes_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('grading_method', sa.Enum('highest', 'last', 'first', 'average', name='gradingmethod', native_enum=False, length=16), nullable=False),
    sa.Column('pass_percent', sa.Double(), nullable=False),
    sa.Column('per_page', sa.Integer(), nullable=False),
    sa.Column('review_shows', sa.Enum('score', 'full', name='reviewshows', native_enum=False, length=16), nullable=False),
    sa.Column('review_when', sa.Enum('immediately', 'after_close', name='reviewwhen', native_enum=False, length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_quiz_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_quiz'))
    )
    op.create_table('quiz_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('in_progress', 'finished', name='attemptstate', native_enum=False, length=16), nullable=False),
    sa.Column('started_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('deadline', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('finished_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('auto_submitted', sa.Boolean(), nullable=False),
    sa.Column('submit_key', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.Column('percent', sa.Double(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.item_id'], name=op.f('fk_quiz_attempt_quiz_id_quiz'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_quiz_attempt_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt')),
    sa.UniqueConstraint('quiz_id', 'user_id', 'number', name=op.f('uq_quiz_attempt_quiz_id'))
    )
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempt_state_deadline', ['state', 'deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_quiz_attempt_open', ['quiz_id', 'user_id'], unique=True, sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))

    op.create_table('quiz_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('include_subcategories', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['question_category.id'], name=op.f('fk_quiz_slot_category_id_question_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_quiz_slot_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.item_id'], name=op.f('fk_quiz_slot_quiz_id_quiz'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_slot'))
    )
    with op.batch_alter_table('quiz_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_slot_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slot_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_slot_quiz_id'), ['quiz_id'], unique=False)

    op.create_table('quiz_attempt_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('graded_version_id', sa.Integer(), nullable=True),
    sa.Column('order', sa.JSON(), nullable=True),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('answered_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('fraction', sa.Double(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_quiz_attempt_question_attempt_id_quiz_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_version_id'], ['question_version.id'], name=op.f('fk_quiz_attempt_question_graded_version_id_question_version')),
    sa.ForeignKeyConstraint(['version_id'], ['question_version.id'], name=op.f('fk_quiz_attempt_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_question')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_quiz_attempt_question_attempt_id'))
    )
    with op.batch_alter_table('quiz_attempt_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_question_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quiz_attempt_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_question_version_id'))

    op.drop_table('quiz_attempt_question')
    with op.batch_alter_table('quiz_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_slot_quiz_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slot_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_slot_category_id'))

    op.drop_table('quiz_slot')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempt_open', sqlite_where=sa.text("state = 'in_progress'"), postgresql_where=sa.text("state = 'in_progress'"))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_user_id'))
        batch_op.drop_index('ix_quiz_attempt_state_deadline')

    op.drop_table('quiz_attempt')
    op.drop_table('quiz')
