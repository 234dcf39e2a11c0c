"""assessment previous level

Revision ID: e5c0de000005
Revises: d4c0de000004
Create Date: 2026-11-27 13:10:00.000000

Why: the weekly trend replayed every coworker's whole history with a window function (over
100 ms at 100,000 coworkers). Each event now carries the level it replaced, so a change of
support is one row, and the trend sums the changes of its last twelve weeks from a partial
index that holds only the events that moved someone into or out of support. Existing events
get their previous level from the history here, once.

The coworker's roster index is reshaped for the same query: recent joiners and leavers are
a range of it. Plain (non-batch) index operations on coworker, because rebuilding that table
on SQLite would drop the search triggers of d4c0de000004.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5c0de000005"
down_revision: str | None = "d4c0de000004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in app/assessments/models.py, written out here: a migration must not change with the app.
CHANGES_SUPPORT = "(coalesce(level, 0) IN (1, 2)) <> (coalesce(previous_level, 0) IN (1, 2))"

BACKFILL = """
UPDATE assessment SET previous_level = (
    SELECT earlier.level FROM assessment AS earlier
    WHERE earlier.coworker_id = assessment.coworker_id
      AND (earlier.created_at < assessment.created_at
           OR (earlier.created_at = assessment.created_at AND earlier.id < assessment.id))
    ORDER BY earlier.created_at DESC, earlier.id DESC
    LIMIT 1
)
"""


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_level", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_assessment_previous_level_range"), "previous_level BETWEEN 1 AND 5"
        )
        batch_op.drop_index("ix_assessment_history")
        batch_op.drop_index("ix_assessment_campaign_id_created_at")
    op.execute(BACKFILL)
    op.create_index(
        "ix_assessment_support_changes",
        "assessment",
        ["campaign_id", "created_at", "level", "previous_level"],
        unique=False,
        sqlite_where=sa.text(CHANGES_SUPPORT),
        postgresql_where=sa.text(CHANGES_SUPPORT),
    )
    op.drop_index("ix_coworker_roster", table_name="coworker")
    op.create_index(
        "ix_coworker_joined",
        "coworker",
        ["campaign_id", "active", "created_at", "department_id", "shift_id", "departed_on"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_coworker_joined", table_name="coworker")
    op.create_index(
        "ix_coworker_roster",
        "coworker",
        ["campaign_id", "department_id", "shift_id", "created_at", "departed_on"],
        unique=False,
    )
    op.drop_index("ix_assessment_support_changes", table_name="assessment")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_campaign_id_created_at", ["campaign_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_assessment_history",
            ["campaign_id", "coworker_id", "created_at", "id", "level"],
            unique=False,
        )
        batch_op.drop_constraint(op.f("ck_assessment_previous_level_range"), type_="check")
        batch_op.drop_column("previous_level")
