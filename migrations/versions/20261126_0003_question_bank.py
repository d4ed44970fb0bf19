"""question bank

Revision ID: 0003_question_bank
Revises: 0002_courses
Create Date: 2026-11-26 11:08:30.966911
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0003_question_bank'
down_revision = '0002_courses'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('question_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255).with_variant(sa.String(length=255, collation='C'), 'postgresql'), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_question_category_owner_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['question_category.id'], name=op.f('fk_question_category_parent_id_question_category'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_category')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_question_category_parent_id'))
    )
    with op.batch_alter_table('question_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_category_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_category_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_category_path'), ['path'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('tags', sa.String(length=500), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['question_category.id'], name=op.f('fk_question_category_id_question_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_question_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_category_id'), ['category_id'], unique=False)

    op.create_table('question_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'truefalse', 'shortanswer', 'numerical', 'matching', 'essay', 'description', name='questionkind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('general_feedback_html', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_question_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_version_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_version')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_question_version_question_id'))
    )
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_version_question_id'), ['question_id'], unique=False)
    # The two tables point at each other: the current-version key is added once both exist.
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_question_current_version_id_question_version', 'question_version',
                                    ['current_version_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('fk_question_current_version_id_question_version', type_='foreignkey')
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_version_question_id'))

    op.drop_table('question_version')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_category_id'))

    op.drop_table('question')
    with op.batch_alter_table('question_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_category_path'))
        batch_op.drop_index(batch_op.f('ix_question_category_parent_id'))
        batch_op.drop_index(batch_op.f('ix_question_category_owner_id'))

    op.drop_table('question_category')
