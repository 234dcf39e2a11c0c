"""trend indexes

Revision ID: c3c0de000003
Revises: b2c0de000002
Create Date: 2026-11-27 11:15:39.309379
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3c0de000003"
down_revision: str | None = "b2c0de000002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_history",
            ["campaign_id", "coworker_id", "created_at", "id", "level"],
            unique=False,
        )

    with op.batch_alter_table("coworker", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coworker_roster",
            ["campaign_id", "department_id", "shift_id", "created_at", "departed_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("coworker", schema=None) as batch_op:
        batch_op.drop_index("ix_coworker_roster")

    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_history")
