"""referral details: what the responsible office asks

Water, sanitation and drainage referrals carry the answers to the office's
key questions (households affected, since when, PDAM customer number, a
number for photos) as a JSON object keyed by the catalogue's detail id.
Existing referrals get an empty object.

Revision ID: 0006_door
Revises: 0005_referral_followup
Create Date: 2026-12-02 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_door"
down_revision: str | None = "0005_referral_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("details", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("details")
