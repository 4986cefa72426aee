"""shift record: shifts opened, signed on to, closed with a stored report

Revision ID: 0002_shift_record
Revises: 0001
Create Date: 2026-12-02 01:00:00

The ``shifts`` table of 0001 was never written; it is replaced by one that
records who opened and closed each shift and the handover report stored at
the close (with its SHA-256), and ``shift_sign_ons`` records which operator
signed on to which shift at which terminal.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dispatch.models.base

revision: str = "0002_shift_record"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = dispatch.models.base.UtcDateTime


def upgrade() -> None:
    op.drop_table("shifts")
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC(timezone=True), nullable=False),
        sa.Column("ends_at", UTC(timezone=True), nullable=False),
        sa.Column("opened_at", UTC(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("report_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("starts_at", name=op.f("uq_shifts_starts_at")),
    )
    op.create_table(
        "shift_sign_ons",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("terminal", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("signed_on_at", UTC(timezone=True), nullable=False),
        sa.Column("signed_off_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_shift_sign_ons_shift_id_shifts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_sign_ons")),
    )
    op.create_index(op.f("ix_shift_sign_ons_shift_id"), "shift_sign_ons", ["shift_id"])
    op.create_index(
        "uq_shift_sign_ons_active_terminal",
        "shift_sign_ons",
        ["terminal"],
        unique=True,
        sqlite_where=sa.text("signed_off_at IS NULL"),
        postgresql_where=sa.text("signed_off_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_shift_sign_ons_active_terminal", table_name="shift_sign_ons")
    op.drop_index(op.f("ix_shift_sign_ons_shift_id"), table_name="shift_sign_ons")
    op.drop_table("shift_sign_ons")
    op.drop_table("shifts")
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC(timezone=True), nullable=False),
        sa.Column("ends_at", UTC(timezone=True), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("starts_at", name=op.f("uq_shifts_starts_at")),
    )
