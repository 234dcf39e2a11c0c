"""coworker search

Revision ID: d4c0de000004
Revises: c3c0de000003
Create Date: 2026-11-27 14:02:11.000000

Why: the coworker list searches names and job titles for a substring. `LIKE '%x%'` cannot use a
btree, so a search that matches few or no names walks every name in the campaign (over 100 ms
at 100,000 coworkers). Trigram indexes answer substring searches of three characters or more:

- SQLite: an FTS5 external-content table over coworker(name, job_title) with the trigram
  tokenizer. It stores only the index; triggers keep it in step with coworker, and 'rebuild'
  fills it from the rows already there. Only name and job title changes touch it, so recording
  an assessment (which updates coworker) does not.
- PostgreSQL: pg_trgm GIN indexes on name and job_title, which ILIKE uses directly.

Neither can be declared in SQLModel metadata; app/people/search.py names these objects so that
autogenerate and the schema tests leave them alone. Beware: a later batch migration that
rebuilds the coworker table on SQLite drops these triggers and must create them again
(tests/people/test_search.py checks they exist at head).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d4c0de000004"
down_revision: str | None = "c3c0de000003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = (
    """
    CREATE VIRTUAL TABLE coworker_search USING fts5(
        name, job_title, content='coworker', content_rowid='id', tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER coworker_search_insert AFTER INSERT ON coworker BEGIN
        INSERT INTO coworker_search (rowid, name, job_title)
        VALUES (new.id, new.name, new.job_title);
    END
    """,
    """
    CREATE TRIGGER coworker_search_delete AFTER DELETE ON coworker BEGIN
        INSERT INTO coworker_search (coworker_search, rowid, name, job_title)
        VALUES ('delete', old.id, old.name, old.job_title);
    END
    """,
    """
    CREATE TRIGGER coworker_search_update AFTER UPDATE OF id, name, job_title ON coworker BEGIN
        INSERT INTO coworker_search (coworker_search, rowid, name, job_title)
        VALUES ('delete', old.id, old.name, old.job_title);
        INSERT INTO coworker_search (rowid, name, job_title)
        VALUES (new.id, new.name, new.job_title);
    END
    """,
    "INSERT INTO coworker_search (coworker_search) VALUES ('rebuild')",
)

SQLITE_DOWNGRADE = (
    "DROP TRIGGER coworker_search_update",
    "DROP TRIGGER coworker_search_delete",
    "DROP TRIGGER coworker_search_insert",
    "DROP TABLE coworker_search",
)

TRIGRAM_INDEXES = {"ix_coworker_name_trgm": "name", "ix_coworker_job_title_trgm": "job_title"}


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        op.create_index(
            name,
            "coworker",
            [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
        return
    for name in reversed(TRIGRAM_INDEXES):
        op.drop_index(name, table_name="coworker")
    # The extension stays: it may have been installed by the database's owner, other objects
    # may use it, and it holds no data of ours.
