"""users.email, users.library_id, users.institution: where to send notifications, what a pustakawan or mitra belongs to

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 14:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('library_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('institution', sa.String(length=100), nullable=True))
        batch.create_foreign_key('fk_users_library_id_libraries', 'libraries', ['library_id'], ['id'],
                                 ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint('fk_users_library_id_libraries', type_='foreignkey')
        batch.drop_column('institution')
        batch.drop_column('library_id')
        batch.drop_column('email')
