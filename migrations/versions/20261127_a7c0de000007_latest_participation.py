"""latest participation

Revision ID: a7c0de000007
Revises: f6c0de000006
Create Date: 2026-11-27 16:00:00.000000

Why: readiness counted the latest structure test's participants per unit by joining the test's
results to the coworkers: 35-40 ms at 100,000 coworkers on both backends, the largest part of
the committee's page. Each coworker now carries the latest test they took part in, kept by the
structure-test service in the same transaction as the results; the rollup index holds it, so
the participants are counted in the same scan as the levels. A coworker's own results get an
index (their latest participation is looked up by coworker; deleting a coworker cascades).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c0de000007"
down_revision: str | None = "f6c0de000006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLLUP = ["campaign_id", "active", "department_id", "shift_id", "current_level", "is_committee"]


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch rebuild: rebuilding coworker on SQLite would drop the
    # search triggers (d4c0de000004).
    op.add_column(
        "coworker", sa.Column("latest_participation_test_id", sa.Integer(), nullable=True)
    )
    op.create_index(
        "ix_structure_test_result_by_coworker",
        "structure_test_result",
        ["coworker_id", "result", "test_id"],
        unique=False,
    )
    op.execute(
        """
        UPDATE coworker SET latest_participation_test_id = (
            SELECT r.test_id FROM structure_test_result r
            JOIN structure_test t ON t.id = r.test_id
            WHERE r.coworker_id = coworker.id AND r.result = 'took_part'
            ORDER BY t.held_on DESC, t.id DESC
            LIMIT 1
        )
        WHERE id IN (SELECT coworker_id FROM structure_test_result WHERE result = 'took_part')
        """
    )
    op.drop_index("ix_coworker_rollup", table_name="coworker")
    op.create_index(
        "ix_coworker_rollup", "coworker", [*ROLLUP, "latest_participation_test_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_coworker_rollup", table_name="coworker")
    op.create_index("ix_coworker_rollup", "coworker", ROLLUP, unique=False)
    op.drop_index("ix_structure_test_result_by_coworker", table_name="structure_test_result")
    op.drop_column("coworker", "latest_participation_test_id")
