"""notifications: what each person is told in the app, and the email outbox it feeds

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-06 15:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('once_key', sa.String(length=120), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('mail_status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], name=op.f('fk_notifications_instance_id_instances'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('once_key', name=op.f('uq_notifications_once_key')),
    )
    op.create_index(op.f('ix_notifications_instance_id'), 'notifications', ['instance_id'])
    op.create_index('ix_notifications_inbox', 'notifications', ['username', 'read_at', 'id'])
    op.create_index('ix_notifications_outbox', 'notifications', ['mail_status', 'next_attempt_at'])
    op.create_index('ix_notifications_task', 'notifications', ['task_id', 'kind'])


def downgrade() -> None:
    op.drop_index('ix_notifications_task', table_name='notifications')
    op.drop_index('ix_notifications_outbox', table_name='notifications')
    op.drop_index('ix_notifications_inbox', table_name='notifications')
    op.drop_index(op.f('ix_notifications_instance_id'), table_name='notifications')
    op.drop_table('notifications')
