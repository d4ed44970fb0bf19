"""programmes (an ordered set of courses assigned to a unit subtree, each cadre's place and completion),
notifications with their mail state, message templates, reminder rules, scheduler leases

Revision ID: 0018_programmes_reminders
Revises: 0016_self_enroll
Create Date: 2026-12-04 07:18:30.209951
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0018_programmes_reminders'
down_revision = '0016_self_enroll'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('optional_needed', sa.Integer(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('renews_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_programme_owner_id_user_account')),
    sa.ForeignKeyConstraint(['renews_id'], ['programme.id'], name=op.f('fk_programme_renews_id_programme'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme'))
    )
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_renews_id'), ['renews_id'], unique=False)

    op.create_table('programme_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('due_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_programme_assignment_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_assignment_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_programme_assignment_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_assignment')),
    sa.UniqueConstraint('programme_id', 'unit_id', name=op.f('uq_programme_assignment_programme_id'))
    )
    with op.batch_alter_table('programme_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_assignment_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_assignment_unit_id'), ['unit_id'], unique=False)

    op.create_table('programme_course',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_programme_course_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_course_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'course_id', name=op.f('pk_programme_course'))
    )
    with op.batch_alter_table('programme_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_course_course_id'), ['course_id'], unique=False)

    op.create_table('programme_enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('enrolled_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('due_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['programme_assignment.id'], name=op.f('fk_programme_enrollment_assignment_id_programme_assignment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_enrollment_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_programme_enrollment_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_enrollment')),
    sa.UniqueConstraint('user_id', 'programme_id', name=op.f('uq_programme_enrollment_user_id'))
    )
    with op.batch_alter_table('programme_enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_enrollment_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index('ix_programme_enrollment_programme_completed', ['programme_id', 'completed_at'], unique=False)

    op.create_table('reminder_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('before', 'due', 'overdue', name='reminderkind', native_enum=False, length=16), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_rule'))
    )
    op.create_table('scheduler_lease',
    sa.Column('task', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('started_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', elearn.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('task', 'period', name=op.f('pk_scheduler_lease'))
    )
    op.create_table('message_template',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_message_template_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_message_template'))
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=255), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('read_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('mail_to', sa.String(length=255), nullable=True),
    sa.Column('mail_status', sa.Enum('none', 'pending', 'sending', 'sent', 'skipped', 'failed', name='mailstatus', native_enum=False, length=16), nullable=False),
    sa.Column('mail_attempts', sa.Integer(), nullable=False),
    sa.Column('mail_next_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('mail_claim', sa.String(length=32), nullable=True),
    sa.Column('mailed_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('mail_error', sa.String(length=500), nullable=True),
    sa.Column('sms_to', sa.String(length=20), nullable=True),
    sa.Column('sms_data', sa.JSON(), nullable=True),
    sa.Column('sms_status', sa.Enum('none', 'pending', 'sending', 'sent', 'skipped', 'failed', name='mailstatus', native_enum=False, length=16), nullable=False),
    sa.Column('sms_attempts', sa.Integer(), nullable=False),
    sa.Column('sms_next_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('sms_claim', sa.String(length=32), nullable=True),
    sa.Column('sms_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_mail', ['mail_status', 'mail_next_at'], unique=False)
        batch_op.create_index('ix_notification_sms', ['sms_status', 'sms_next_at'], unique=False)
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('notification_opt_out',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_opt_out_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_opt_out'))
    )

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))

    # The default reminder rules: a week before, on the day, every week while overdue.
    rules = sa.table('reminder_rule', sa.column('kind', sa.String), sa.column('days', sa.Integer),
                     sa.column('active', sa.Boolean), sa.column('created_at', sa.DateTime))
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(rules, [{'kind': 'before', 'days': 7, 'active': True, 'created_at': now},
                           {'kind': 'due', 'days': 0, 'active': True, 'created_at': now},
                           {'kind': 'overdue', 'days': 7, 'active': True, 'created_at': now}])


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('phone')
    op.drop_table('notification_opt_out')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')
        batch_op.drop_index('ix_notification_sms')
        batch_op.drop_index('ix_notification_mail')

    op.drop_table('notification')
    op.drop_table('message_template')
    op.drop_table('scheduler_lease')
    op.drop_table('reminder_rule')

    with op.batch_alter_table('programme_enrollment', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_enrollment_programme_completed')
        batch_op.drop_index(batch_op.f('ix_programme_enrollment_assignment_id'))

    op.drop_table('programme_enrollment')
    with op.batch_alter_table('programme_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_course_course_id'))

    op.drop_table('programme_course')
    with op.batch_alter_table('programme_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_assignment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_programme_assignment_programme_id'))

    op.drop_table('programme_assignment')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_renews_id'))
        batch_op.drop_index(batch_op.f('ix_programme_owner_id'))

    op.drop_table('programme')
