"""scorm_packages: course_package (a SCORM 1.2 / 2004 or cmi5 package item's unpacked content) and
course_package_attempt (each cadre's latest runtime state, ordered by seq)

Revision ID: 0025_scorm_packages
Revises: 0026_lti_tool
Create Date: 2026-12-04 11:00:00
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0025_scorm_packages'
down_revision = '0026_lti_tool'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'course_package',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('standard', sa.Enum('scorm_1_2', 'scorm_2004', 'cmi5_au', name='packagestandard', native_enum=False,
                                      length=16), nullable=False),
        sa.Column('folder', sa.String(length=32), nullable=False),
        sa.Column('launch', sa.String(length=500), nullable=False),
        sa.Column('launch_query', sa.String(length=500), nullable=False),
        sa.Column('activity_id', sa.String(length=500), nullable=True),
        sa.Column('move_on', sa.String(length=32), nullable=True),
        sa.Column('mastery_score', sa.Float(), nullable=True),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('files', sa.Integer(), nullable=False),
        sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['course_item.id'], name=op.f('fk_course_package_item_id_course_item'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('item_id', name=op.f('pk_course_package')),
        sa.UniqueConstraint('folder', name=op.f('uq_course_package_folder')),
    )
    op.create_table(
        'course_package_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('completion_status', sa.String(length=20), nullable=False),
        sa.Column('success_status', sa.String(length=20), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('location', sa.String(length=1000), nullable=False),
        sa.Column('suspend_data', sa.Text(), nullable=False),
        sa.Column('total_seconds', sa.Integer(), nullable=False),
        sa.Column('fetched_launch', sa.BigInteger(), nullable=True),
        sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['course_item.id'],
                                name=op.f('fk_course_package_attempt_item_id_course_item'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_course_package_attempt_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_package_attempt')),
        sa.UniqueConstraint('user_id', 'item_id', name=op.f('uq_course_package_attempt_user_id')),
    )
    with op.batch_alter_table('course_package_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_package_attempt_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_package_attempt_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('course_package_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_package_attempt_user_id'))
        batch_op.drop_index(batch_op.f('ix_course_package_attempt_item_id'))
    op.drop_table('course_package_attempt')
    op.drop_table('course_package')
