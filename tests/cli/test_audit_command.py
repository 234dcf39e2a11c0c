"""`rankfile audit SLUG [--json]`: the campaign's own events, newest first.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.audit import service as audit
from app.campaigns.models import Campaign, Role
from app.cli import app as cli
from app.db import session_scope
from tests.factories import Factory

runner = CliRunner()
AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def rankfile(database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a `rankfile` command against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RANKFILE_ENV", "test")

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args))

    return run


@pytest.fixture
def mercy(factory: Factory) -> Campaign:
    campaign = factory.campaign("Mercy Hospital", slug="mercy")
    factory.coworkers(
        campaign,
        {"name": "Garcia, Maria", "department": "ICU", "shift": "Nights"},
        {"name": "Okafor, Ngozi", "department": "ICU", "shift": "Days"},
        {"name": "=HYPERLINK(1)", "department": "ER", "shift": "Days"},
        {"name": "Departed, Dan", "department": "ER", "shift": "Days", "active": False},
    )
    return campaign


def record(engine: Engine, campaign: Campaign | None, action: str, **details: object) -> None:
    with session_scope(engine) as session:
        audit.record(
            session=session,
            actor="test",
            action=action,
            campaign_id=campaign.id if campaign is not None else None,
            **details,
        )


def test_json_lists_the_campaigns_events_with_an_export_newest_first(  # type: ignore[no-untyped-def]
    rankfile, engine: Engine, factory: Factory, mercy: Campaign, tmp_path: Path
) -> None:
    factory.member(mercy, Role.admin)
    record(engine, mercy, "levels.update")
    acme = factory.campaign("Acme", slug="acme")
    record(engine, acme, "import", rows=12)
    record(engine, None, "login")
    out = tmp_path / "roster.csv"
    exported = rankfile("roster", "export", "mercy", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    with out.open(encoding="utf-8", newline="") as handle:
        data_rows = len(list(csv.reader(handle))) - 1  # less the header
    assert data_rows == 3

    result = rankfile("audit", "mercy", "--json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert isinstance(events, list)
    for event in events:
        assert set(event) == {"at", "actor", "action", "details"}
        assert AT.match(event["at"]), event["at"]
        assert isinstance(event["actor"], str)
        assert isinstance(event["action"], str)
        assert isinstance(event["details"], dict)
    # Only this campaign's events (no other campaign's, no login), newest first.
    assert [event["action"] for event in events] == ["export", "levels.update", "membership.add"]
    export = events[0]
    assert export["details"]["rows"] == data_rows
    assert export["actor"].startswith("cli:")
    assert [event["at"] for event in events] == sorted(
        (event["at"] for event in events), reverse=True
    )


def test_the_table_prints_one_line_per_event(  # type: ignore[no-untyped-def]
    rankfile, engine: Engine, factory: Factory, mercy: Campaign
) -> None:
    factory.member(mercy, Role.admin)
    record(engine, mercy, "import", rows=4, created=4)
    record(engine, mercy, "export", rows=3, what="multi\nline\x1b[31m")  # still one line
    record(engine, factory.campaign("Acme", slug="acme"), "export", rows=99)

    result = rankfile("audit", "mercy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.rstrip("\n").splitlines()
    header, divider, *events = lines
    assert header.split() == ["at", "actor", "action", "details"]
    assert set(divider.replace(" ", "")) == {"-"}
    assert len(events) == 3
    assert all(AT.match(line.split()[0]) for line in events)
    assert [line.split()[2] for line in events] == ["export", "import", "membership.add"]
    assert "rows: 3" in events[0]
    assert "\x1b" not in result.stdout
    assert "rows: 99" not in result.stdout
    assert "rows: 4, created: 4" in events[1]


def test_an_unknown_campaign_is_one_line_and_exit_1(rankfile) -> None:  # type: ignore[no-untyped-def]
    for args in (("audit", "nope"), ("audit", "nope", "--json")):
        result = rankfile(*args)
        assert result.exit_code == 1, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("rankfile: error: ")
        assert "nope" in lines[0]
        assert result.stdout == ""


def test_the_help_says_newest_first(rankfile) -> None:  # type: ignore[no-untyped-def]
    result = rankfile("audit", "--help")
    assert result.exit_code == 0
    assert "newest first" in result.stdout
    assert "--json" in result.stdout
