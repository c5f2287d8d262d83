"""sessions that end, API tokens that expire, lockout per account and client address

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 20:00:00

"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import lithloop.models.base

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

#: Tokens issued before expiry existed get the default lifetime from the upgrade on.
LEGACY_TOKEN_DAYS = 90


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('first_failed_login_at')
        batch_op.drop_column('locked_until')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', lithloop.models.base.UTCDateTime(),
                                      nullable=True))
    expires = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=LEGACY_TOKEN_DAYS)
    op.execute(sa.text("UPDATE api_token SET expires_at = :t WHERE expires_at IS NULL")
               .bindparams(sa.bindparam("t", expires, type_=sa.DateTime())))

    op.create_table(
        'ended_session',
        sa.Column('sid_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('ended_at', lithloop.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_ended_session_user_id_user')),
        sa.PrimaryKeyConstraint('sid_hash', name=op.f('pk_ended_session')))
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_session_ended_at'), ['ended_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_ended_session_user_id'), ['user_id'],
                              unique=False)

    op.create_table(
        'login_throttle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('first_failed_at', lithloop.models.base.UTCDateTime(), nullable=True),
        sa.Column('locked_until', lithloop.models.base.UTCDateTime(), nullable=True),
        sa.Column('lockouts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
        sa.UniqueConstraint('email', 'address', name=op.f('uq_login_throttle_email')))
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_throttle_locked_until'), ['locked_until'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_locked_until'))
        batch_op.drop_index(batch_op.f('ix_login_throttle_email'))
    op.drop_table('login_throttle')
    with op.batch_alter_table('ended_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_ended_session_ended_at'))
    op.drop_table('ended_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', lithloop.models.base.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('first_failed_login_at',
                                      lithloop.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.drop_column('session_version')
