"""operators sign on: password hashes, unit binding, sign-ons, throttle

Revision ID: 0004_operators_signon
Revises: 0003_call_time_points
Create Date: 2026-12-02 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dispatch.models.base

revision: str = "0004_operators_signon"
down_revision: str | None = "0003_call_time_points"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = dispatch.models.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("operators") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(255), nullable=True))
        batch.add_column(sa.Column("password_changed_at", _UTC, nullable=True))
        batch.add_column(sa.Column("unit_callsign", sa.String(32), nullable=True))
        batch.add_column(sa.Column("last_signon_at", _UTC, nullable=True))
        batch.create_foreign_key(
            op.f("fk_operators_unit_callsign_units"),
            "units",
            ["unit_callsign"],
            ["callsign"],
            ondelete="SET NULL",
        )
    op.create_table(
        "signons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("terminal", sa.String(64), nullable=False),
        sa.Column("unit_callsign", sa.String(32), nullable=True),
        sa.Column("started_at", _UTC, nullable=False),
        sa.Column("ended_at", _UTC, nullable=True),
        sa.Column("end_reason", sa.String(20), nullable=True),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_signons_operator_id_operators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signons")),
    )
    op.create_index(
        "ix_signons_open_terminal",
        "signons",
        ["terminal"],
        unique=False,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_table(
        "signon_throttle",
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", _UTC, nullable=False),
        sa.Column("blocked_until", _UTC, nullable=True),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_signon_throttle")),
    )


def downgrade() -> None:
    op.drop_table("signon_throttle")
    op.drop_index("ix_signons_open_terminal", table_name="signons")
    op.drop_table("signons")
    with op.batch_alter_table("operators") as batch:
        batch.drop_constraint(
            op.f("fk_operators_unit_callsign_units"), type_="foreignkey"
        )
        batch.drop_column("last_signon_at")
        batch.drop_column("unit_callsign")
        batch.drop_column("password_changed_at")
        batch.drop_column("password_hash")
