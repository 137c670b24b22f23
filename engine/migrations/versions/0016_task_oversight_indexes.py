"""tasks by due time and by completion time, for the supervisors' overview

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 15:00:00.000000
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0016'
down_revision: str | Sequence[str] | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_tasks_open_due', 'tasks', ['status', 'due_at', 'assignee'], unique=False)
    op.create_index('ix_tasks_done_at', 'tasks', ['status', 'completed_at', 'completed_by', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_done_at', table_name='tasks')
    op.drop_index('ix_tasks_open_due', table_name='tasks')
