"""LTI 1.3 tool: registered platforms (with the tool's key for each), launching users' identities,
OIDC nonces, resource links launched (their AGS line item) and the outbox of scores owed

Revision ID: 0026_lti_tool
Revises: 0024_contest_phone_otp
Create Date: 2026-12-04 10:36:13
"""
import sqlalchemy as sa
from alembic import op

import elearn.db

revision = '0026_lti_tool'
down_revision = '0024_contest_phone_otp'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lti_nonce',
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('used_at', elearn.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_lti_nonce'))
    )
    with op.batch_alter_table('lti_nonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_nonce_created_at'), ['created_at'], unique=False)

    op.create_table('lti_platform',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('deployment_ids', sa.Text(), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('private_key', sa.Text(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], name=op.f('fk_lti_platform_unit_id_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platform')),
    sa.UniqueConstraint('issuer', 'client_id', name='uq_lti_platform_issuer_client'),
    sa.UniqueConstraint('kid', name=op.f('uq_lti_platform_kid'))
    )
    op.create_table('lti_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_identity_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_lti_identity_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_identity')),
    sa.UniqueConstraint('issuer', 'sub', name='uq_lti_identity_issuer_sub')
    )
    with op.batch_alter_table('lti_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_identity_platform_id'), ['platform_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_identity_user_id'), ['user_id'], unique=False)

    op.create_table('lti_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('target_kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('ags', sa.JSON(), nullable=True),
    sa.Column('launched_at', elearn.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_link_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_lti_link_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_link')),
    sa.UniqueConstraint('platform_id', 'resource_link_id', 'user_id', name='uq_lti_link_resource_user')
    )
    with op.batch_alter_table('lti_link', schema=None) as batch_op:
        batch_op.create_index('ix_lti_link_target', ['user_id', 'target_kind', 'target_id'], unique=False)

    op.create_table('lti_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('score_given', sa.Double(), nullable=False),
    sa.Column('score_maximum', sa.Double(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('scored_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', elearn.db.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', elearn.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['lti_link.id'], name=op.f('fk_lti_score_link_id_lti_link'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_score'))
    )
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.create_index('ix_lti_score_due', ['sent_at', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_score_link_id'), ['link_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_score_link_id'))
        batch_op.drop_index('ix_lti_score_due')

    op.drop_table('lti_score')
    with op.batch_alter_table('lti_link', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_link_target')

    op.drop_table('lti_link')
    with op.batch_alter_table('lti_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_identity_user_id'))
        batch_op.drop_index(batch_op.f('ix_lti_identity_platform_id'))

    op.drop_table('lti_identity')
    op.drop_table('lti_platform')
    with op.batch_alter_table('lti_nonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_nonce_created_at'))

    op.drop_table('lti_nonce')
