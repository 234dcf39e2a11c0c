"""coworker list indexes

Revision ID: b8c0de000008
Revises: a7c0de000007
Create Date: 2026-11-27 17:00:00.000000

Why: at 100,000 coworkers some pages of the coworker list were over their 50 ms budget.

- "Longest since assessed" (never assessed first, then by date and id) sorted the whole campaign
  on PostgreSQL (60 ms): its index keeps NULLs last. ix_coworker_stale holds the list's order,
  NULLS FIRST on PostgreSQL; SQLite puts NULLs first anyway and has no NULLS FIRST in its
  index syntax, so the models cannot declare it (app/people/search.py names it for
  autogenerate). It replaces (campaign_id, active, last_assessed_at), its prefix.
- A search of one or two characters has no trigram: it walks the campaign's names. With the id
  and job title in the name index, that walk reads no row (SQLite: 180 ms → 15 ms for "zq").
- PostgreSQL's ILIKE alone costs 60 ms over 100,000 names and job titles, however they are
  read: coworker_bigrams() and a GIN index on it find the rows holding two characters (any
  case), as the trigram indexes do for three. PostgreSQL only, outside the models too.

Plain index operations only: a batch rebuild of coworker on SQLite would drop the search
triggers (d4c0de000004).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8c0de000008"
down_revision: str | None = "a7c0de000007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The pairs of characters of lower(value), as ILIKE sees it (it compares lower() of both sides).
# COST: evaluated row by row it is dear; the planner should read it from the index.
BIGRAMS_FUNCTION = """
CREATE FUNCTION coworker_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
AS $$
    SELECT coalesce(array_agg(DISTINCT substr(folded, i, 2)), '{}')
    FROM lower(value) AS folded, generate_series(1, length(folded) - 1) AS i
$$
"""


def upgrade() -> None:
    postgresql = op.get_context().dialect.name == "postgresql"
    op.create_index(
        "ix_coworker_list_by_name",
        "coworker",
        ["campaign_id", "active", "name", "id", "job_title"],
        unique=False,
    )
    op.drop_index("ix_coworker_campaign_id_active_name", table_name="coworker")
    last_assessed = sa.text("last_assessed_at NULLS FIRST") if postgresql else "last_assessed_at"
    op.create_index(
        "ix_coworker_stale",
        "coworker",
        ["campaign_id", "active", last_assessed, "id"],
        unique=False,
    )
    op.drop_index("ix_coworker_campaign_id_active_last_assessed_at", table_name="coworker")
    if postgresql:
        op.execute(BIGRAMS_FUNCTION)
        op.create_index(
            "ix_coworker_bigrams",
            "coworker",
            [sa.text("coworker_bigrams(name)"), sa.text("coworker_bigrams(job_title)")],
            unique=False,
            postgresql_using="gin",
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_index("ix_coworker_bigrams", table_name="coworker")
        op.execute("DROP FUNCTION coworker_bigrams(text)")
    op.create_index(
        "ix_coworker_campaign_id_active_last_assessed_at",
        "coworker",
        ["campaign_id", "active", "last_assessed_at"],
        unique=False,
    )
    op.drop_index("ix_coworker_stale", table_name="coworker")
    op.create_index(
        "ix_coworker_campaign_id_active_name",
        "coworker",
        ["campaign_id", "active", "name"],
        unique=False,
    )
    op.drop_index("ix_coworker_list_by_name", table_name="coworker")
