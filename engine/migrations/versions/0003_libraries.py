"""library registry and results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:10:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('libraries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('npp', sa.String(length=32), nullable=True),
    sa.Column('npsn', sa.String(length=16), nullable=True),
    sa.Column('library_type', sa.String(length=32), nullable=False),
    sa.Column('subtype', sa.String(length=32), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('supervisor', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('desa', sa.String(length=100), nullable=False),
    sa.Column('kecamatan', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('head_name', sa.String(length=200), nullable=False),
    sa.Column('head_nip', sa.String(length=32), nullable=False),
    sa.Column('automation', sa.String(length=32), nullable=False),
    sa.Column('accreditation_status', sa.String(length=32), nullable=False),
    sa.Column('accreditation_grade', sa.String(length=40), nullable=False),
    sa.Column('accreditation_score', sa.Double(), nullable=True),
    sa.Column('accreditation_year', sa.Integer(), nullable=True),
    sa.Column('accreditation_certificate', sa.String(length=100), nullable=False),
    sa.Column('accreditation_valid_until', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_libraries')),
    sa.UniqueConstraint('npp', name=op.f('uq_libraries_npp'))
    )
    with op.batch_alter_table('libraries', schema=None) as batch_op:
        batch_op.create_index('ix_libraries_kecamatan_name', ['kecamatan', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_libraries_library_type'), ['library_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_libraries_npsn'), ['npsn'], unique=False)

    op.create_table('library_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('task_name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=300), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('grade', sa.String(length=40), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], name=op.f('fk_library_results_instance_id_instances'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_library_results_library_id_libraries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_results')),
    sa.UniqueConstraint('task_id', name=op.f('uq_library_results_task_id'))
    )
    with op.batch_alter_table('library_results', schema=None) as batch_op:
        batch_op.create_index('ix_library_results_history', ['library_id', 'recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_results_instance_id'), ['instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('library_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_results_instance_id'))
        batch_op.drop_index('ix_library_results_history')

    op.drop_table('library_results')
    with op.batch_alter_table('libraries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_libraries_npsn'))
        batch_op.drop_index(batch_op.f('ix_libraries_library_type'))
        batch_op.drop_index('ix_libraries_kecamatan_name')

    op.drop_table('libraries')
