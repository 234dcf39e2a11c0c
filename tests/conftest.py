"""Shared fixtures: every database test runs on a real SQLite file and on a real PostgreSQL.

PostgreSQL is found at RANKFILE_TEST_POSTGRES_URL (default: the local server's `test` database,
as user postgres). Without it the PostgreSQL variants are skipped and pytest's summary says so;
in CI (CI=true) a missing PostgreSQL or Chromium fails the run instead, so nothing is skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import app.models  # noqa: F401
from app.db import dispose_engines, get_engine, normalise_url
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from tests.factories import Factory

POSTGRES_URL = os.environ.get(
    "RANKFILE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    """Skip when something external is missing, except in CI, where it is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available on this machine")


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def create_postgres_database() -> str:
    """A fresh, empty database on the test server; returns its URL."""
    name = f"rankfile_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> None:
    require(postgres_available(), f"PostgreSQL at {make_url(POSTGRES_URL)!r}")


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend named by the test's `backend` parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("postgres_server")
    url = create_postgres_database()
    try:
        yield url
    finally:
        dispose_engines()
        drop_postgres_database(url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per backend, shared by the session and emptied after every test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'rankfile.db'}"
        upgrade(url)
        yield url
        return
    request.getfixturevalue("postgres_server")
    url = create_postgres_database()
    upgrade(url)
    try:
        yield url
    finally:
        dispose_engines()
        drop_postgres_database(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = get_engine(database_url)
    yield engine
    empty_all_tables(engine)


def empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, env="test", secret_key="")


@pytest.fixture
def application(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings)


@pytest.fixture
def client(application) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A browser-like client: its unsafe requests say they come from this site."""
    with TestClient(
        application, base_url="http://testserver", headers={"Sec-Fetch-Site": "same-origin"}
    ) as test_client:
        yield test_client


@pytest.fixture
def factory(engine: Engine) -> Factory:
    return Factory(engine)


def backend_of(url: str) -> str:
    return make_url(normalise_url(url)).get_backend_name()
