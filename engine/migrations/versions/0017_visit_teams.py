"""task_members (the visit team a task is for) and documents.replaced_by (a letter issued again)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:45:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'task_members',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('task_id', 'username'),
    )
    op.create_index(op.f('ix_task_members_username'), 'task_members', ['username'], unique=False)
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('replaced_by', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_documents_replaced_by_documents', 'documents', ['replaced_by'], ['id'],
                                 ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_constraint('fk_documents_replaced_by_documents', type_='foreignkey')
        batch.drop_column('replaced_by')
    op.drop_index(op.f('ix_task_members_username'), table_name='task_members')
    op.drop_table('task_members')
