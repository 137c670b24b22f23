"""subprocess states of an instance stored apart from its top workflow

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing instances keep their whole state in instances.state and are read as before; their
    # next save moves the subprocesses here.
    op.create_table(
        'instance_parts',
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('part', sa.String(length=36), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], name=op.f('fk_instance_parts_instance_id_instances'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('instance_id', 'part', name=op.f('pk_instance_parts')),
    )


def downgrade() -> None:
    op.drop_table('instance_parts')
