"""hand-off escalations and referral follow-up

Escalation steps get their own table with a unique (hand-off, level) key, so
each step happens once however many desks run the duty; hand-offs record how
the agency acknowledged and how far they escalated; referrals keep their last
follow-up note and when they were flagged overdue. Channels stored as free
text are mapped onto the closed list (anything unrecognised becomes
``direct``), and hand-offs escalated before this revision count as level 1.
Referrals also record whether the caller asked to be called back, and how
that went.

Revision ID: 0005_referral_followup
Revises: 0004_operators_signon
Create Date: 2026-12-02 00:53:04.306983
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dispatch.models.base

revision: str = "0005_referral_followup"
down_revision: str | None = "0004_operators_signon"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Free-text channel spellings seen before the channel became a list.
_CHANNELS = {
    "sp4n-lapor": ("sp4n-lapor", "sp4n-lapor!", "sp4n lapor", "lapor", "lapor!"),
    "ulpim": ("ulpim",),
}


def upgrade() -> None:
    op.create_table(
        "handoff_escalations",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "handoff_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column(
            "at", dispatch.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "due_at", dispatch.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("terminal", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_escalations_handoff_id_handoffs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_escalations")),
        sa.UniqueConstraint(
            "handoff_id", "level", name=op.f("uq_handoff_escalations_handoff_id")
        ),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("acknowledged_via", sa.String(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "escalation_level", sa.Integer(), server_default="0", nullable=False
            )
        )
        batch_op.create_index("ix_handoffs_status", ["status"], unique=False)
    op.execute(
        "UPDATE handoffs SET escalation_level = 1 WHERE escalated_at IS NOT NULL"
    )

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column(
                "overdue_at",
                dispatch.models.base.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "callback_requested",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "callback_at",
                dispatch.models.base.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("callback_outcome", sa.String(length=16), nullable=True)
        )
        batch_op.create_index("ix_referrals_status", ["status"], unique=False)
    referrals = sa.table("referrals", sa.column("channel", sa.String))
    cleaned = sa.func.lower(sa.func.trim(referrals.c.channel))
    known: list[str] = []
    for value, spellings in _CHANNELS.items():
        op.execute(
            referrals.update().where(cleaned.in_(spellings)).values(channel=value)
        )
        known.append(value)
    op.execute(
        referrals.update()
        .where(referrals.c.channel.not_in(known))
        .values(channel="direct")
    )


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_status")
        batch_op.drop_column("callback_outcome")
        batch_op.drop_column("callback_at")
        batch_op.drop_column("callback_requested")
        batch_op.drop_column("overdue_at")
        batch_op.drop_column("note")

    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_status")
        batch_op.drop_column("escalation_level")
        batch_op.drop_column("acknowledged_via")

    op.drop_table("handoff_escalations")
