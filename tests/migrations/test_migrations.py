"""The migrations are the schema: they must match the models and run both ways with data in place.

Every database test here runs on SQLite and on PostgreSQL, starting from an empty database.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Table,
    UniqueConstraint,
    inspect,
    select,
    text,
)
from sqlalchemy.sql.schema import ColumnCollectionConstraint
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on the metadata)
from app.accounts import service as accounts
from app.accounts.models import LoginFailure, UserSession
from app.assessments import service as assessments
from app.campaigns import service as campaigns
from app.campaigns.models import Role
from app.db import get_engine, migration_engine, session_scope
from app.migrate import alembic_config, downgrade, upgrade
from app.paths import MIGRATIONS_DIR
from app.people import search
from app.people.models import Coworker
from app.structure_tests import models as structure
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
VERSIONS_DIR = ROOT / "migrations" / "versions"
BOTH = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)

STRUCTURE_TABLES = ("structure_test", "structure_test_result")
CORE_TABLES = tuple(
    table.name for table in SQLModel.metadata.sorted_tables if table.name not in STRUCTURE_TABLES
)


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def current_revision(url: str) -> str | None:
    engine = migration_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = migration_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


Rows = dict[str, list[dict[str, Any]]]


def snapshot(url: str, names: tuple[str, ...]) -> Rows:
    """Every row of these tables, read through the models' column types, in key order: the
    columns this revision of the schema has (an older one may lack a newer derived column)."""
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            result = {}
            for name in names:
                table: Table = SQLModel.metadata.tables[name]
                present = {column["name"] for column in inspect(conn).get_columns(name)}
                query = select(*(c for c in table.columns if c.name in present)).order_by(
                    *table.primary_key.columns
                )
                result[name] = [dict(row._mapping) for row in conn.execute(query)]
            return result
    finally:
        # The next migration step must not find this engine's connections open.
        engine.dispose()


def kept_columns(rows: Rows, like: Rows) -> Rows:
    """`rows` without the columns that the tables of `like` no longer have."""
    return {
        name: [
            {key: value for key, value in row.items() if not like[name] or key in like[name][0]}
            for row in table_rows
        ]
        for name, table_rows in rows.items()
    }


def seed_every_table(url: str) -> None:
    """One row or more in every table, written by the services the app uses."""
    engine = get_engine(url)
    with session_scope(engine) as session:
        campaign = campaigns.create(session=session, name="Mercy Hospital")
        user = accounts.create(session=session, email="organizer@example.org", password=PASSWORD)
        campaigns.add_member(
            session=session, user=user, campaign=campaign, role=Role.organizer, actor="test"
        )
        assert campaign.id is not None
        department = campaigns.get_or_create_department(
            session=session, campaign_id=campaign.id, name="ICU"
        )
        shift = campaigns.get_or_create_shift(
            session=session, campaign_id=campaign.id, name="Nights"
        )
        coworker = Coworker(
            campaign_id=campaign.id,
            department_id=department.id,  # type: ignore[arg-type]
            shift_id=shift.id,  # type: ignore[arg-type]
            name="Ada Okafor",
            employee_id="E-1001",
            hire_date=dt.date(2019, 4, 1),
            organizer_id=user.id,
        )
        session.add(coworker)
        session.flush()
        # Two events, so that a migration deriving one from the other has something to do.
        for level, note in ((3, "first talk"), (2, "signed")):
            assessments.record(
                session=session, coworker=coworker, level=level, note=note, assessed_by_id=user.id
            )
        test = structure.StructureTest(
            campaign_id=campaign.id,
            slug="staffing-petition",
            name="Staffing petition",
            kind=structure.StructureTestKind.petition.value,
            held_on=dt.date(2026, 11, 1),
            goal_pct=70.0,
        )
        session.add(test)
        session.flush()
        session.add(
            structure.StructureTestResult(
                test_id=test.id,  # type: ignore[arg-type]
                coworker_id=coworker.id,  # type: ignore[arg-type]
                result=structure.ParticipationResult.took_part.value,
                recorded_by_id=user.id,
            )
        )
        session.add(
            UserSession(
                token_hash="0" * 64,
                user_id=user.id,  # type: ignore[arg-type]
                created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                last_seen_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                expires_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            )
        )
        session.add(LoginFailure(key_hash="1" * 64))
    engine.dispose()


@BOTH
def test_models_match_the_migrations(empty_database_url: str) -> None:
    """A model change without a migration would only show up on someone's production database."""
    upgrade(empty_database_url)
    engine = get_engine(empty_database_url)
    with engine.connect() as conn:
        # As in migrations/env.py: the search index objects are the migrations' alone.
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": search.include_name}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


CORE_REVISION = "a1c0de000001"  # the first migration: the core data model


@BOTH
def test_downgrade_one_step_and_back_keeps_the_data(empty_database_url: str) -> None:
    """Undoing migrations must cost only their own tables, even with data in place."""
    url = empty_database_url
    head = scripts().get_current_head()
    assert head is not None
    previous = scripts().get_revision(head).down_revision
    upgrade(url)
    seed_every_table(url)
    before = snapshot(url, CORE_TABLES)
    assert all(before.values()), {name: rows for name, rows in before.items() if not rows}
    assert all(snapshot(url, STRUCTURE_TABLES).values())

    downgrade(url, "-1")
    assert current_revision(url) == previous
    after = snapshot(url, CORE_TABLES)
    assert after == kept_columns(before, after)
    # Further down, to the core model alone: only the structure test tables go.
    downgrade(url, CORE_REVISION)
    assert current_revision(url) == CORE_REVISION
    assert not table_names(url) & set(STRUCTURE_TABLES)
    after = snapshot(url, CORE_TABLES)
    assert after == kept_columns(before, after)

    upgrade(url)
    assert current_revision(url) == head
    assert set(STRUCTURE_TABLES) <= table_names(url)
    assert snapshot(url, CORE_TABLES) == before
    assert snapshot(url, STRUCTURE_TABLES) == {name: [] for name in STRUCTURE_TABLES}


@BOTH
def test_downgrade_to_base_removes_every_table_and_upgrade_rebuilds(
    empty_database_url: str,
) -> None:
    """A full downgrade must drop tables that hold data (foreign keys and all), then start over."""
    url = empty_database_url
    upgrade(url)
    seed_every_table(url)

    downgrade(url, "base")
    assert current_revision(url) is None
    assert table_names(url) - {"alembic_version"} == set()

    upgrade(url)
    assert current_revision(url) == scripts().get_current_head()
    assert set(SQLModel.metadata.tables) <= table_names(url)
    assert snapshot(url, tuple(SQLModel.metadata.tables)) == {
        name: [] for name in SQLModel.metadata.tables
    }


def test_migration_files_are_dated_and_reversible() -> None:
    """Date prefixes keep the files in history order; a migration without a downgrade traps us."""
    files = sorted(VERSIONS_DIR.glob("*.py"))
    assert files
    known = {script.revision for script in scripts().walk_revisions()}
    for path in files:
        match = re.fullmatch(r"(\d{8})_([0-9a-f]+)_([a-z0-9_]+)\.py", path.name)
        assert match, f"{path.name}: expected YYYYMMDD_rev_slug.py"
        dt.datetime.strptime(match[1], "%Y%m%d")  # raises unless a real calendar date
        module = ast.parse(path.read_text(encoding="utf-8"))
        assignments = {
            node.target.id: node.value
            for node in module.body
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value
        }
        assert ast.literal_eval(assignments["revision"]) == match[2], path.name
        functions = {node.name: node for node in module.body if isinstance(node, ast.FunctionDef)}
        assert set(functions) >= {"upgrade", "downgrade"}, path.name
        body = functions["downgrade"].body
        assert not all(isinstance(statement, ast.Pass) for statement in body), (
            f"{path.name}: downgrade does nothing"
        )
    assert known == {path.name.split("_")[1] for path in files}
    assert len(scripts().get_heads()) == 1


def test_new_revisions_get_a_dated_name_and_import_sqlmodel(tmp_path: Path) -> None:
    """`alembic revision` must write date-prefixed files that can load SQLModel's column types."""
    template = (ROOT / "migrations" / "script.py.mako").read_text(encoding="utf-8")
    assert re.search(r"^import sqlmodel$", template, re.MULTILINE)

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "migrations", tmp_path / "migrations")
    config = Config(toml_file=tmp_path / "pyproject.toml")
    head = scripts().get_current_head()

    script = command.revision(config, message="add picket signups")
    assert script is not None
    assert not isinstance(script, list)
    path = Path(script.path)
    today = dt.datetime.now(dt.UTC).date()
    assert path.parent == tmp_path / "migrations" / "versions"
    assert re.fullmatch(r"\d{8}_[0-9a-f]+_add_picket_signups\.py", path.name), path.name
    # Alembic names files in local time; allow the day either side of UTC's.
    dated = dt.datetime.strptime(path.name[:8], "%Y%m%d").date()
    assert abs(dated - today) <= dt.timedelta(days=1)
    source = path.read_text(encoding="utf-8")
    compile(source, str(path), "exec")
    assert re.search(r"^import sqlmodel$", source, re.MULTILINE)
    assert f"down_revision: str | None = {head!r}" in source
    assert "def downgrade() -> None:" in source


def test_every_constraint_and_index_has_a_conventional_name() -> None:
    """Batch migrations on SQLite can only drop or alter what they can name the same everywhere."""
    names: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        t = table.name
        for constraint in table.constraints:
            name = constraint.name
            assert isinstance(name, str), f"{t}: unnamed {type(constraint).__name__}"
            assert isinstance(constraint, ColumnCollectionConstraint)
            columns = [column.name for column in constraint.columns]
            if isinstance(constraint, ForeignKeyConstraint):
                referred = constraint.elements[0].column.table.name
                assert name == f"fk_{t}_{columns[0]}_{referred}"
            elif isinstance(constraint, UniqueConstraint):
                assert name == f"uq_{t}_{'_'.join(columns)}"
            elif isinstance(constraint, CheckConstraint):
                assert re.fullmatch(rf"ck_{t}_[a-z0-9_]+", name), name
            else:
                assert name == f"pk_{t}"
            names.append(name)
        for index in table.indexes:
            assert isinstance(index, Index)
            assert isinstance(index.name, str), f"{t}: unnamed index"
            assert re.fullmatch(rf"ix_{t}_[a-z0-9_]+", index.name), index.name
            names.append(index.name)
    assert len(names) == len(set(names)), "constraint and index names must be unique"


@BOTH
def test_the_database_carries_the_metadata_names(empty_database_url: str) -> None:
    """Future migrations refer to constraints by name; the migrated database must use the same."""
    upgrade(empty_database_url)
    engine = get_engine(empty_database_url)
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        expected = {
            kind: {c.name for c in table.constraints if isinstance(c, cls)}
            for kind, cls in (
                ("fk", ForeignKeyConstraint),
                ("uq", UniqueConstraint),
                ("ck", CheckConstraint),
            )
        }
        t = table.name
        assert inspector.get_pk_constraint(t)["name"] == table.primary_key.name
        assert {fk["name"] for fk in inspector.get_foreign_keys(t)} == expected["fk"], t
        assert {uq["name"] for uq in inspector.get_unique_constraints(t)} == expected["uq"], t
        assert {ck["name"] for ck in inspector.get_check_constraints(t)} == expected["ck"], t
        indexes = {
            ix["name"]
            for ix in inspector.get_indexes(t)
            if not ix.get("duplicates_constraint") and search.include_name(ix["name"], "index")
        }
        assert indexes == {index.name for index in table.indexes}, t
    engine.dispose()


@BOTH
def test_readiness_rollup_index_covers_the_counting_columns(empty_database_url: str) -> None:
    """Readiness counts read only this index; a missing or reordered column means a table scan."""
    upgrade(empty_database_url)
    engine = get_engine(empty_database_url)
    indexes = {ix["name"]: ix for ix in inspect(engine).get_indexes("coworker")}
    engine.dispose()
    assert "ix_coworker_rollup" in indexes
    rollup = indexes["ix_coworker_rollup"]
    assert rollup["column_names"] == [
        "campaign_id",
        "active",
        "department_id",
        "shift_id",
        "current_level",
        "is_committee",
        "latest_participation_test_id",
    ]
    assert not rollup["unique"]


@BOTH
def test_the_latest_participation_is_filled_in_for_existing_results(
    empty_database_url: str,
) -> None:
    """Readiness counts today's participants from `coworker.latest_participation_test_id`:
    the migration that adds it must work it out from the results already recorded."""
    url = empty_database_url
    upgrade(url)
    seed_every_table(url)  # a coworker who took part, written straight into the results
    downgrade(url, "f6c0de000006")
    upgrade(url)
    engine = get_engine(url)
    with engine.connect() as conn:
        filled = conn.execute(
            text("SELECT coworker.latest_participation_test_id, structure_test.id FROM coworker "
                 "CROSS JOIN structure_test")
        ).all()  # fmt: skip
    engine.dispose()
    assert len(filled) == 1
    assert filled[0][0] == filled[0][1]


def test_packaged_migrations_are_the_repository_migrations() -> None:
    """From a checkout, Alembic must run the files in migrations/, not a stale copy."""
    assert MIGRATIONS_DIR.resolve() == (ROOT / "migrations").resolve()
