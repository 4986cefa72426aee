"""idempotency keys

Every front-end action may carry an idempotency key; the key, the action, who
did it, when and the result it answered are stored in the action's own
transaction, so a retry after a lost answer returns that result instead of
doing the action twice (docs/durability.md).

Revision ID: 0007_writepath
Revises: 0006_door
Create Date: 2026-12-02 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dispatch.models.base

revision: str = "0007_writepath"
down_revision: str | None = "0006_door"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column(
            "at", dispatch.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_at"), "idempotency_keys", ["at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_keys_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
