"""tasks in the order the inbox and queue show them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_tasks_by_due', 'tasks',
                    ['status', 'assignee', sa.text('(due_at IS NULL)'), 'due_at', 'created_at', 'id', 'lane'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_by_due', table_name='tasks')
