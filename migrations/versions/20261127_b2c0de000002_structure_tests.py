"""structure tests

Revision ID: b2c0de000002
Revises: a1c0de000001
Create Date: 2026-11-27 09:46:20.831122
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

import app.db

revision: str = "b2c0de000002"
down_revision: str | None = "a1c0de000001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "structure_test",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("goal_pct", sa.Float(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_structure_test_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_structure_test")),
        sa.UniqueConstraint("campaign_id", "slug", name=op.f("uq_structure_test_campaign_id_slug")),
    )
    op.create_table(
        "structure_test_result",
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("coworker_id", sa.Integer(), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "result IN ('took_part', 'declined')",
            name=op.f("ck_structure_test_result_result_known"),
        ),
        sa.ForeignKeyConstraint(
            ["coworker_id"],
            ["coworker.id"],
            name=op.f("fk_structure_test_result_coworker_id_coworker"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_structure_test_result_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["structure_test.id"],
            name=op.f("fk_structure_test_result_test_id_structure_test"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("test_id", "coworker_id", name=op.f("pk_structure_test_result")),
    )
    with op.batch_alter_table("structure_test_result", schema=None) as batch_op:
        batch_op.create_index(
            "ix_structure_test_result_test_id_result", ["test_id", "result"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("structure_test_result", schema=None) as batch_op:
        batch_op.drop_index("ix_structure_test_result_test_id_result")

    op.drop_table("structure_test_result")
    op.drop_table("structure_test")
