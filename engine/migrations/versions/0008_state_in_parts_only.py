"""every instance's state in instance_parts; instances.state goes

Earlier releases left three other layouts behind, each read until the instance's next save:
- the whole state (subprocesses included) as JSON in instances.state, no parts;
- the top workflow's text in instances.state, marked with a "senapas_saved" key, and the
  subprocesses in instance_parts;
- the same top text without that key.
Rows saved since 0007's release hold a save mark ("saved:…") in instances.state and their top
text in the part "top": the layout kept. This moves every other row to it, then drops the column
(the row's version is the one thing that tells saves apart now).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 13:00:00.000000
"""
import json
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = "saved:"
TOP = "top"
BATCH = 200

instances = sa.table('instances', sa.column('id', sa.Integer), sa.column('state', sa.Text))
parts = sa.table('instance_parts', sa.column('instance_id', sa.Integer), sa.column('part', sa.String),
                 sa.column('text', sa.Text))


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def upgrade() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(instances.c.id, instances.c.state)
                                  .where(instances.c.id > last).order_by(instances.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        for instance_id, state in rows:
            if state.startswith(MARK):
                continue
            top = json.loads(state)
            top.pop("senapas_saved", None)
            whole = top.pop("subprocesses", None)
            gone = [TOP] if whole is None else None  # a whole state replaces any part; else only the top is new
            condition = parts.c.instance_id == instance_id
            if gone is not None:
                condition = condition & parts.c.part.in_(gone)
            connection.execute(sa.delete(parts).where(condition))
            texts = {TOP: _text(top), **{key: _text(sub) for key, sub in (whole or {}).items()}}
            connection.execute(sa.insert(parts), [{"instance_id": instance_id, "part": key, "text": text}
                                                  for key, text in texts.items()])
    # A plain ALTER TABLE on SQLite too: a batch copy would drop the table, and the parts with it.
    op.drop_column('instances', 'state')


def downgrade() -> None:
    # The layout 0007's release writes: a save mark in the row, the top text in its part.
    op.add_column('instances', sa.Column('state', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    ids = connection.execute(sa.select(instances.c.id)).scalars().all()
    for instance_id in ids:
        connection.execute(sa.update(instances).where(instances.c.id == instance_id)
                           .values(state=MARK + uuid.uuid4().hex))
