"""definitions.status and definitions.note: versions with a life (draft, current, available, retired) and a change note

The newest version of each key becomes current (what new instances started on so far); at most one
current version per key is kept by a partial unique index.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-06 15:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("status = 'current'")


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy on SQLite: instances refer to definitions).
    op.add_column('definitions', sa.Column('status', sa.String(length=16), server_default='available', nullable=False))
    op.add_column('definitions', sa.Column('note', sa.Text(), server_default='', nullable=False))
    op.execute("UPDATE definitions SET status = 'current' WHERE version = "
               "(SELECT MAX(d.version) FROM definitions d WHERE d.key = definitions.key)")
    op.create_index('uq_definitions_current', 'definitions', ['key'], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade() -> None:
    op.drop_index('uq_definitions_current', table_name='definitions')
    op.drop_column('definitions', 'note')
    op.drop_column('definitions', 'status')
