"""courses: structure, enrolment, progress

Revision ID: 0002_courses
Revises: 0001_foundation
Create Date: 2026-11-26 11:04:53.893114
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0002_courses'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('theme', sa.String(length=500), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('cover_path', sa.String(length=255), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'archived', name='coursestatus', native_enum=False, length=16), nullable=False),
    sa.Column('self_enrol', sa.Boolean(), nullable=False),
    sa.Column('opens_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('closes_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_course_owner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course')),
    sa.UniqueConstraint('slug', name=op.f('uq_course_slug'))
    )
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_year'), ['year'], unique=False)

    op.create_table('course_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('due_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_assignment_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_course_assignment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_course_assignment_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_assignment')),
    sa.UniqueConstraint('course_id', 'unit_id', name=op.f('uq_course_assignment_course_id'))
    )
    with op.batch_alter_table('course_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_assignment_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_assignment_unit_id'), ['unit_id'], unique=False)

    op.create_table('course_editor',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_editor_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_course_editor_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_editor'))
    )
    op.create_table('course_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_module_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_module'))
    )
    with op.batch_alter_table('course_module', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_module_course_id'), ['course_id'], unique=False)

    op.create_table('course_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('lesson', 'quiz', name='itemkind', native_enum=False, length=16), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_course_item_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['course_module.id'], name=op.f('fk_course_item_module_id_course_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_item'))
    )
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.create_index('ix_course_item_course_position', ['course_id', 'module_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_item_module_id'), ['module_id'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('self', 'assignment', 'manual', name='enrollmentsource', native_enum=False, length=16), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('due_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('unenrolled_at', elearn.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['course_assignment.id'], name=op.f('fk_enrollment_assignment_id_course_assignment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_enrollment_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_enrollment_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_enrollment_user_id'))
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_course_completed', ['course_id', 'completed_at'], unique=False)

    op.create_table('lesson',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('video_url', sa.String(length=500), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_path', sa.String(length=255), nullable=True),
    sa.Column('attachment_type', sa.String(length=100), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('complete_on_open', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_lesson_item_id_course_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_lesson'))
    )
    op.create_table('progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('first_opened_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('time_spent_seconds', sa.Integer(), nullable=False),
    sa.Column('best_score', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_progress_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_progress_item_id_course_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_progress_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress')),
    sa.UniqueConstraint('user_id', 'item_id', name=op.f('uq_progress_user_id'))
    )
    with op.batch_alter_table('progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_progress_user_course', ['user_id', 'course_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_user_course')
        batch_op.drop_index(batch_op.f('ix_progress_item_id'))

    op.drop_table('progress')
    op.drop_table('lesson')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollment_course_completed')

    op.drop_table('enrollment')
    with op.batch_alter_table('course_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_item_module_id'))
        batch_op.drop_index('ix_course_item_course_position')

    op.drop_table('course_item')
    with op.batch_alter_table('course_module', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_module_course_id'))

    op.drop_table('course_module')
    op.drop_table('course_editor')
    with op.batch_alter_table('course_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_assignment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_course_assignment_course_id'))

    op.drop_table('course_assignment')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_year'))
        batch_op.drop_index(batch_op.f('ix_course_status'))
        batch_op.drop_index(batch_op.f('ix_course_owner_id'))

    op.drop_table('course')
