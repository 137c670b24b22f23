"""library results without a score: an accreditation pending at Perpusnas, a coaching drop-out

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 18:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | Sequence[str] | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('library_results', schema=None) as batch_op:
        batch_op.alter_column('score', existing_type=sa.Double(), nullable=True)


def downgrade() -> None:
    # A scoreless result has no number to keep under a NOT NULL score: such rows go before the column tightens.
    op.execute("DELETE FROM library_results WHERE score IS NULL")
    with op.batch_alter_table('library_results', schema=None) as batch_op:
        batch_op.alter_column('score', existing_type=sa.Double(), nullable=False)
