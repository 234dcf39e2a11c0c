"""Benchmark: the committee's readiness page at 100,000 coworkers in 500 units.

Seeds `rankfile demo --coworkers N`, spreads the coworkers over 125 departments × 4 shifts
(500 units), then measures in one run:
  - the SQL the page needs, alone: every statement one page request executes, captured and
    replayed on a raw database connection (no ORM, no rendering);
  - the whole page, in-process: the server's own time, from the call into the application to
    the last byte of its response (`ServerClock`), with the app built as `rankfile serve`
    builds it (app.asgi);
and prints p50/p95 of both and their ratio. Budget: page ≤ 3× its SQL, page p95 < 200 ms.
Also the JSON API and `report()` alone.

Usage: python bench/readiness.py [--coworkers 100000] [--database-url URL] [--runs 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ServerClock, report, seed_demo, server_timed, timed

DEPARTMENTS = 125


def spread_over_units(database_url: str) -> None:
    """Give the demo 125 departments (× its 4 shifts = 500 units), in SQL."""
    from sqlalchemy import text

    from app.db import get_engine

    engine = get_engine(database_url)
    with engine.begin() as conn:
        campaign_id = conn.execute(text("SELECT id FROM campaign WHERE slug = 'demo'")).scalar_one()
        existing = conn.execute(
            text("SELECT count(*) FROM department WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar_one()
        conn.execute(
            text("INSERT INTO department (campaign_id, name) VALUES (:c, :name)"),
            [{"c": campaign_id, "name": f"Unit {n:03d}"} for n in range(existing, DEPARTMENTS)],
        )
        ids = [
            row[0]
            for row in conn.execute(
                text("SELECT id FROM department WHERE campaign_id = :c ORDER BY id"),
                {"c": campaign_id},
            )
        ]
        conn.execute(
            text("UPDATE coworker SET department_id = :first + (id % :n) WHERE campaign_id = :c"),
            {"first": ids[0], "n": len(ids), "c": campaign_id},
        )
        units = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT DISTINCT department_id, shift_id FROM coworker "
                "WHERE campaign_id = :c AND active) AS units"
            ),
            {"c": campaign_id},
        ).scalar_one()
    if engine.dialect.name == "postgresql":
        # What autovacuum would have done by the time anyone looks: the mass UPDATE above left
        # dead rows that would otherwise defeat index-only scans.
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"spread over {units} units (department × shift)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coworkers", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='rankfile-bench-')}/r.db"
    os.environ.update(DATABASE_URL=url, RANKFILE_ENV="development")
    logins = seed_demo(url, args.coworkers)
    spread_over_units(url)

    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlmodel import Session

    from app.asgi import app  # as `rankfile serve` builds it, startup memory settled
    from app.campaigns import service as campaigns
    from app.db import get_engine
    from app.readiness import service as readiness

    engine = get_engine(url)
    clock = ServerClock(app)
    committee = TestClient(clock, headers={"Sec-Fetch-Site": "same-origin"})
    committee.post(
        "/login",
        data={"email": "committee@example.org", "password": logins["committee@example.org"]},
    )
    page_url = "/campaigns/demo/readiness"
    first = committee.get(page_url)
    assert first.status_code == 200, first.status_code
    print(f"page: {len(first.content):,} bytes of HTML ({len(first.text):,} characters)")

    # Capture every statement one page request runs, with its parameters.
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    committee.get(page_url)
    event.remove(engine, "before_cursor_execute", capture)
    replay = [(s, p) for s, p in captured if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    print(f"the page runs {len(replay)} statements")

    def raw_sql() -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in replay:
                cursor.execute(statement, parameters)
                if cursor.description is not None:  # not a SET
                    cursor.fetchall()
        finally:
            connection.close()

    print("slowest statements (p50 of 5 runs):")
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters in replay:

            def one(statement: str = statement, parameters: object = parameters) -> None:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()

            took = statistics.median(timed(one, 5, warmup=1))
            if took >= 5:
                print(f"  {took:7.1f} ms  {' '.join(statement.split())[:90]}")
    finally:
        connection.close()
    # Interleaved, so that both sides of the ratio see the same moments of a noisy machine.
    sql: list[float] = []
    page: list[float] = []
    seen: list[float] = []
    for _ in range(args.runs):
        sql += timed(raw_sql, 1, warmup=1 if not sql else 0)
        page += server_timed(clock, lambda: committee.get(page_url), 1, warmup=0)
        seen += timed(lambda: committee.get(page_url), 1, warmup=0)
    api = server_timed(
        clock, lambda: committee.get("/api/v1/campaigns/demo/readiness?by=unit"), args.runs
    )

    def report_only() -> None:
        with Session(engine) as session:
            campaign = campaigns.get_by_slug(session=session, slug="demo")
            readiness.report(session=session, campaign=campaign, by=readiness.Grouping.unit)

    alone = timed(report_only, args.runs)
    report("raw SQL the page needs (replayed)", sql)
    report("readiness page, server time", page, 200)
    report("  the same, as the test client sees it", seen)
    report("JSON API by unit, server time", api)
    report("report() by unit, no HTTP", alone)
    ratio_p50 = statistics.median(page) / statistics.median(sql)
    ratio_p95 = sorted(page)[int(len(page) * 0.95) - 1] / sorted(sql)[int(len(sql) * 0.95) - 1]
    verdict = "ok" if ratio_p50 <= 3 else "OVER"
    print(f"page / SQL: {ratio_p50:.2f}× at p50, {ratio_p95:.2f}× at p95 (budget ≤ 3×: {verdict})")


if __name__ == "__main__":
    main()
