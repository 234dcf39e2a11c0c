"""Database engines, connection settings, the UTC datetime column type and the naming convention.

SQLite is the embedded default and PostgreSQL (psycopg 3) the database for several workers or
hosts. Every connection to SQLite gets the pragmas this data needs: foreign keys enforced, WAL so
readers never block the writer, a busy timeout instead of "database is locked", and
`synchronous=FULL` so that an acknowledged assessment survives a power cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

# Must be set before the first table is declared so that every constraint has a stable name that
# migrations on both backends (and SQLite's batch mode) can refer to.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)

SQLITE_BUSY_TIMEOUT_MS = 5000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on both backends.

    SQLite has no time zones and would hand back naive values; PostgreSQL keeps them but may
    convert to the session's zone. Values are stored as UTC and come back as aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def normalise_url(url: str) -> str:
    """Route plain `postgresql://` URLs to psycopg 3, the driver we install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any, *, foreign_keys: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _begin(conn: Any) -> None:
    # A deferred transaction that reads and then writes cannot wait for a concurrent writer: it
    # fails at once with "database is locked". Transactions that will write (unsafe requests,
    # commands) take the write lock at BEGIN and so queue on the busy timeout instead; reads stay
    # deferred and never block each other under WAL.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def writer(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that will write."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


_engines: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine (and so one connection pool) per database URL in this process."""
    url = normalise_url(url)
    if url not in _engines:
        _engines[url] = _create_engine(url)
    return _engines[url]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _create_engine(url: str) -> Engine:
    # Errors name the statement, not its parameters: those are names, phone numbers and notes,
    # and an error's text ends up in logs and terminals.
    if is_sqlite(url):
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "isolation_level": None},
            pool_size=8,
            max_overflow=8,
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(
        url,
        hide_parameters=True,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        connect_args={"options": "-c timezone=UTC"},
    )


def migration_engine(url: str) -> Engine:
    """An engine for Alembic alone.

    On SQLite, batch mode rebuilds a table by copying it and dropping the old one; with foreign
    keys enforced, that DROP would cascade into child rows. Migrations therefore run with them
    off, and `migrations/env.py` checks every foreign key before committing.
    """
    url = normalise_url(url)
    if not is_sqlite(url):
        return create_engine(url, poolclass=NullPool, connect_args={"options": "-c timezone=UTC"})
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"check_same_thread": False, "isolation_level": None}
    )
    event.listen(
        engine, "connect", lambda conn, rec: _set_sqlite_pragmas(conn, rec, foreign_keys=False)
    )
    event.listen(engine, "begin", _begin)
    return engine


def text_contains(session: Any, column: Any, text: str) -> Any:
    """Case-insensitive substring match, with % and _ taken literally.

    SQLite's LIKE already ignores ASCII case (and its lower() knows no other), so the portable
    `lower(x) LIKE lower(y)` would only make a search over 100,000 names slower there.
    """
    if session.get_bind().dialect.name == "sqlite":
        return column.contains(text, autoescape=True)
    return column.icontains(text, autoescape=True)


def set_local(session: Any, setting: str, value: str) -> None:
    """PostgreSQL: one of the planner's settings (a name and value of our own, never input)
    until the transaction ends. SQLite has no such settings: nothing to do there."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sql_text(f"SET LOCAL {setting} = {value}"))


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A writing session that commits on success and rolls back on any error."""
    with Session(writer(engine), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
