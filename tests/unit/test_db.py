"""Connection settings, foreign keys, UTC datetimes and concurrent writers, on real databases."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, col, func

from app.assessments import service as assessments
from app.assessments.models import Assessment
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.db import get_engine, migration_engine, session_scope
from app.migrate import upgrade
from app.people.models import Coworker
from tests.factories import Factory

INDIA = dt.timezone(dt.timedelta(hours=5, minutes=30))


def pragmas(connection: object) -> dict[str, object]:
    return {
        name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # type: ignore[attr-defined]
        for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
    }


def test_every_sqlite_connection_gets_the_pragmas(tmp_path: Path) -> None:
    """Pragmas are per connection: each one the pool opens must enforce keys and survive crashes."""
    engine = get_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as first, engine.connect() as second:
        for connection in (first, second):
            assert pragmas(connection) == {
                "foreign_keys": 1,
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "busy_timeout": 5000,
            }
    engine.dispose()


def test_migration_connections_only_turn_foreign_keys_off(tmp_path: Path) -> None:
    """Batch migrations need keys off to rebuild tables, but not a weaker journal or sync."""
    engine = migration_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
    with engine.connect() as connection:
        assert pragmas(connection) == {
            "foreign_keys": 0,
            "journal_mode": "wal",
            "synchronous": 2,
            "busy_timeout": 5000,
        }
    engine.dispose()


def test_foreign_key_violation_is_refused(engine: Engine) -> None:
    """A coworker in a campaign that does not exist would be invisible and undeletable."""
    with (
        pytest.raises(IntegrityError),
        session_scope(engine) as session,
    ):
        session.add(Coworker(campaign_id=4242, department_id=4242, shift_id=4242, name="Ghost"))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Coworker)) == 0


def test_aware_datetimes_come_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    """Times from any zone are stored as UTC, so the history sorts and compares correctly."""
    written = dt.datetime(2026, 11, 27, 10, 0, 0, 123456, tzinfo=INDIA)
    with session_scope(engine) as session:
        event = audit.record(session=session, actor="test", action="utc.check")
        event.at = written
    with Session(engine) as session:
        read = session.get(AuditEvent, event.id)
    assert read is not None
    assert read.at == written
    assert read.at.tzinfo is dt.UTC
    assert (read.at.hour, read.at.minute, read.at.microsecond) == (4, 30, 123456)


def test_comparisons_in_sql_use_the_instant_not_the_wall_clock(engine: Engine) -> None:
    """Filters such as "sessions past expiry" run in SQL: they must compare UTC with UTC."""
    with session_scope(engine) as session:
        audit.record(session=session, actor="test", action="utc.check").at = dt.datetime(
            2026, 11, 27, 10, 0, tzinfo=INDIA
        )
    five_utc = dt.datetime(2026, 11, 27, 5, 0, tzinfo=dt.UTC)
    midnight_new_york = dt.datetime(2026, 11, 27, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with Session(engine) as session:
        at, ids = col(AuditEvent.at), select(col(AuditEvent.id))
        assert session.scalars(ids.where(at < five_utc)).all() != []
        assert session.scalars(ids.where(at >= five_utc)).all() == []
        assert session.scalars(ids.where(at >= midnight_new_york)).all() == []


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    """A naive time has no instant; guessing its zone would shift the history by hours."""
    naive = dt.datetime(2026, 11, 27, 10, 0)
    with (
        pytest.raises(StatementError, match="naive datetime") as raised,
        session_scope(engine) as session,
    ):
        session.add(AuditEvent(actor="test", action="naive", at=naive))
    assert isinstance(raised.value.orig, ValueError)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_two_writers_on_sqlite_both_land(empty_database_url: str) -> None:
    """Two organizers saving at once must both be recorded, not get "database is locked"."""
    upgrade(empty_database_url)
    engine = get_engine(empty_database_url)
    factory = Factory(engine)
    [coworker] = factory.coworkers(factory.campaign(), {"name": "Ada Okafor"})
    coworker_id = coworker.id
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def organizer(name: str, levels: tuple[int, ...]) -> None:
        try:
            start.wait()
            for i in range(50):
                with session_scope(engine) as session:
                    # Read, then write: the pattern a deferred transaction cannot wait out.
                    current = session.get(Coworker, coworker_id)
                    assert current is not None
                    assessments.record(
                        session=session,
                        coworker=current,
                        level=levels[i % len(levels)],
                        note=f"{name}-{i}",
                        assessed_by_id=None,
                    )
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=organizer, args=("a", (1, 2))),
        threading.Thread(target=organizer, args=("b", (4, 5))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with Session(engine) as session:
        events = session.scalars(select(Assessment).order_by(col(Assessment.id))).all()
        stored = session.get(Coworker, coworker_id)
    assert sorted(event.note for event in events) == sorted(
        f"{name}-{i}" for name in "ab" for i in range(50)
    )
    # Writers hold the lock for the whole transaction, so the highest id committed last.
    assert stored is not None
    assert stored.current_level == events[-1].level
    assert stored.last_assessed_at == events[-1].created_at
    engine.dispose()
