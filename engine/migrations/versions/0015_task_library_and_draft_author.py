"""tasks.library_id (the task lists' library and kecamatan filters), tasks.draft_by / draft_at (who saved a draft)

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-06 15:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tasks') as batch:
        batch.add_column(sa.Column('library_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('draft_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('draft_at', sa.DateTime(timezone=True), nullable=True))
    # Until now the only multi-instance items were libraries, keyed by their id: fill the column from them.
    op.execute("UPDATE tasks SET library_id = CAST(item_key AS INTEGER) "
               "WHERE item_key IN (SELECT CAST(id AS VARCHAR(200)) FROM libraries)")
    op.create_index('ix_tasks_library', 'tasks', ['library_id', 'status', sa.text('(due_at IS NULL)'), 'due_at',
                                                  'created_at', 'id'], unique=False)
    op.create_index('ix_tasks_open_by_due', 'tasks',
                    ['status', sa.text('(due_at IS NULL)'), 'due_at', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_open_by_due', table_name='tasks')
    op.drop_index('ix_tasks_library', table_name='tasks')
    with op.batch_alter_table('tasks') as batch:
        batch.drop_column('draft_at')
        batch.drop_column('draft_by')
        batch.drop_column('library_id')
