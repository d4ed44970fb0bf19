"""certificates: per-course template settings and issued certificates

At most one live certificate per (user, course): a partial unique index (revoked_at IS NULL),
supported by SQLite and PostgreSQL alike.

Revision ID: 0007_certificates
Revises: 0004_accounts
Create Date: 2026-11-26 11:16:11.646515
"""
from alembic import op
import sqlalchemy as sa
import elearn.db


revision = '0007_certificates'
down_revision = '0004_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('unit_name', sa.String(length=255), nullable=False),
    sa.Column('course_title', sa.String(length=255), nullable=False),
    sa.Column('theme', sa.String(length=500), nullable=False),
    sa.Column('completed_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.Column('issued_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_course_id_course'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_certificate_revoked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificate_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code'))
    )
    op.create_index(op.f('ix_certificate_course_id'), 'certificate', ['course_id'], unique=False)
    live = sa.text('revoked_at IS NULL')
    op.create_index('ux_certificate_live', 'certificate', ['user_id', 'course_id'], unique=True,
                    sqlite_where=live, postgresql_where=live)

    op.create_table('certificate_template',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('issuing_body', sa.String(length=255), nullable=False),
    sa.Column('motto', sa.Enum('party', 'state', 'none', name='motto', native_enum=False, length=8), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('wording', sa.String(length=255), nullable=False),
    sa.Column('signer_title', sa.String(length=255), nullable=False),
    sa.Column('signer_name', sa.String(length=255), nullable=False),
    sa.Column('updated_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_certificate_template_course_id_course'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_certificate_template'))
    )


def downgrade() -> None:
    op.drop_table('certificate_template')
    op.drop_index('ux_certificate_live', table_name='certificate')
    op.drop_index(op.f('ix_certificate_course_id'), table_name='certificate')
    op.drop_table('certificate')
