"""call time points, rings from the ring feed, setup marks

Every time point of a call becomes a column (ring, located, classified; the
received/answered/ended columns exist), the ring feed gets its table, and
``siaga init`` gets a place to leave the fingerprint of the roster it loaded.

Existing calls keep an honest answer interval: a ring time is only carried
over where one was supplied (``received_at`` earlier than ``answered_at``,
which only telephony or the simulator could set); every other old call's
answer interval is "not measured".

Revision ID: 0003_call_time_points
Revises: 0002_shift_record
Create Date: 2026-12-02 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dispatch.models.base

revision: str = "0003_call_time_points"
down_revision: str | None = "0002_shift_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, dispatch.models.base.UtcDateTime(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(_when("rang_at"))
        batch_op.add_column(_when("located_at"))
        batch_op.add_column(_when("classified_at"))
        batch_op.add_column(sa.Column("ring_line", sa.String(length=32)))
    op.execute(
        "UPDATE calls SET rang_at = received_at "
        "WHERE answered_at IS NOT NULL AND received_at < answered_at"
    )
    op.create_table(
        "rings",
        sa.Column("id", _ID, nullable=False),
        sa.Column("line", sa.String(length=32), nullable=False),
        sa.Column("terminal", sa.String(length=64), nullable=True),
        sa.Column("caller_number", sa.String(length=20), nullable=True),
        sa.Column("caller_number_raw", sa.String(length=40), nullable=True),
        _when("rang_at", nullable=False),
        _when("answered_at"),
        _when("ended_at"),
        sa.Column("call_id", _ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_rings_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rings")),
        sa.UniqueConstraint("call_id", name=op.f("uq_rings_call_id")),
    )
    with op.batch_alter_table("rings", schema=None) as batch_op:
        batch_op.create_index("ix_rings_line", ["line"], unique=False)
        batch_op.create_index(
            "ix_rings_terminal_waiting",
            ["terminal", "call_id", "ended_at"],
            unique=False,
        )
    op.create_table(
        "setup_marks",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        _when("at", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setup_marks")),
    )


def downgrade() -> None:
    op.drop_table("setup_marks")
    with op.batch_alter_table("rings", schema=None) as batch_op:
        batch_op.drop_index("ix_rings_terminal_waiting")
        batch_op.drop_index("ix_rings_line")
    op.drop_table("rings")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("ring_line")
        batch_op.drop_column("classified_at")
        batch_op.drop_column("located_at")
        batch_op.drop_column("rang_at")
