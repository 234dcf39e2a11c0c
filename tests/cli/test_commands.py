"""The `rankfile` command: exact forms, one clear line and exit 1 on bad input, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col
from typer.testing import CliRunner

from app.accounts import service as accounts
from app.accounts.models import User, UserSession
from app.assessments.models import Assessment
from app.audit.models import AuditEvent
from app.campaigns.models import Campaign, Department, Membership, Shift
from app.cli import app as cli
from app.db import session_scope, utcnow
from app.people.models import Coworker
from app.settings import Settings
from app.structure_tests.models import StructureTest, StructureTestResult

runner = CliRunner()


@pytest.fixture
def rankfile(database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a `rankfile` command against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RANKFILE_ENV", "test")

    def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, list(args), input=stdin)

    return run


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def assert_one_line_error(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rankfile: error: ")
    assert fragment in lines[0]


def test_campaign_create_prints_the_slug(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    result = rankfile("campaign", "create", "Acme Warehouse, Building 4")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "acme-warehouse-building-4"
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign)).one()
    assert (campaign.majority_threshold, campaign.supermajority_threshold) == (50, 70)
    assert (campaign.strike_ready_threshold, campaign.coworkers_per_organizer) == (80, 10)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("campaign", "create", "Mercy", "--slug", "Bad Slug!"), "invalid slug"),
        (("campaign", "create", "   "), "campaign name"),
    ],
)
def test_campaign_create_refuses_bad_input(rankfile, engine: Engine, args, fragment) -> None:  # type: ignore[no-untyped-def]
    assert_one_line_error(rankfile(*args), fragment)
    assert count(engine, Campaign) == 0


def test_a_duplicate_slug_is_refused(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert rankfile("campaign", "create", "Mercy", "--slug", "mercy").exit_code == 0
    assert_one_line_error(rankfile("campaign", "create", "Other", "--slug", "mercy"), "exists")
    assert count(engine, Campaign) == 1


def test_user_create_generates_a_password_that_logs_in(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    result = rankfile("user", "create", "Ana@Example.org", "--campaign", "mercy", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "ana@example.org is admin in mercy." in result.stdout
    password = result.stdout.split("Password (shown only once): ")[1].strip()
    with session_scope(engine) as session:
        outcome = accounts.authenticate(
            session=session,
            settings=Settings(env="test"),
            email="ana@example.org",
            password=password,
            client_address="127.0.0.1",
        )
    assert outcome.user is not None


def test_user_create_reads_the_password_from_stdin(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    result = rankfile(
        "user", "create", "ana@example.org", "--campaign", "mercy", "--role", "organizer",
        "--password-stdin", stdin="a very long passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Password" not in result.stdout
    with session_scope(engine) as session:
        outcome = accounts.authenticate(
            session=session, settings=Settings(env="test"), email="ana@example.org",
            password="a very long passphrase", client_address="127.0.0.1",
        )  # fmt: skip
    assert outcome.user is not None


def test_user_create_for_an_existing_user_adds_the_membership(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    rankfile("campaign", "create", "Acme", "--slug", "acme")
    rankfile("user", "create", "ana@example.org", "--campaign", "mercy", "--role", "organizer")
    result = rankfile(
        "user", "create", "ana@example.org", "--campaign", "acme", "--role", "committee"
    )
    assert result.exit_code == 0, result.output
    assert "Password" not in result.stdout  # the existing password is kept
    with Session(engine) as session:
        roles = session.execute(
            select(Campaign.slug, Membership.role).join(
                Membership, col(Membership.campaign_id) == col(Campaign.id)
            )
        ).all()
    assert sorted(roles) == [("acme", "committee"), ("mercy", "organizer")]
    assert count(engine, User) == 1


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (("bad-email", "--campaign", "mercy", "--role", "admin"), None, "malformed email"),
        (("ana@example.org", "--campaign", "nope", "--role", "admin"), None, "no campaign"),
        (("ana@example.org", "--campaign", "mercy", "--role", "boss"), None, "unknown role"),
        (
            ("ana@example.org", "--campaign", "mercy", "--role", "admin", "--password-stdin"),
            "short\n",
            "too short",
        ),
    ],
)
def test_user_create_refuses_bad_input_and_writes_nothing(  # type: ignore[no-untyped-def]
    rankfile, engine: Engine, args, stdin, fragment
) -> None:
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    events_before = count(engine, AuditEvent)
    assert_one_line_error(rankfile("user", "create", *args, stdin=stdin), fragment)
    assert count(engine, User) == 0
    assert count(engine, Membership) == 0
    assert count(engine, AuditEvent) == events_before


def test_user_disable_ends_sessions_at_once(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    rankfile("user", "create", "ana@example.org", "--campaign", "mercy", "--role", "admin")
    with session_scope(engine) as session:
        user = accounts.get_by_email(session=session, email="ana@example.org")
        assert user is not None
        accounts.start_session(session=session, settings=Settings(env="test"), user=user)
    assert count(engine, UserSession) == 1
    result = rankfile("user", "disable", "ana@example.org")
    assert result.exit_code == 0, result.output
    assert count(engine, UserSession) == 0
    with Session(engine) as session:
        assert session.scalars(select(User.is_active)).one() is False
        assert "user.disable" in session.scalars(select(AuditEvent.action)).all()
    assert_one_line_error(rankfile("user", "disable", "nobody@example.org"), "no user")


def test_user_password_sets_a_new_one_and_ends_sessions(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    rankfile("campaign", "create", "Mercy", "--slug", "mercy")
    rankfile("user", "create", "ana@example.org", "--campaign", "mercy", "--role", "admin")
    result = rankfile(
        "user", "password", "ana@example.org", "--password-stdin", stdin="new long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        outcome = accounts.authenticate(
            session=session, settings=Settings(env="test"), email="ana@example.org",
            password="new long passphrase", client_address="127.0.0.1",
        )  # fmt: skip
    assert outcome.user is not None


def test_demo_seeds_a_realistic_campaign(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    result = rankfile("demo")
    assert result.exit_code == 0, result.output
    assert "Demo General Hospital" in result.stdout
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign)).one()
        assert (campaign.slug, campaign.name) == ("demo", "Demo General Hospital")
        assert session.scalar(select(func.count()).select_from(Coworker)) == 120
        assert session.scalar(select(func.count()).select_from(Department)) >= 6
        assert session.scalar(select(func.count()).select_from(Shift)) >= 3
        assert session.scalar(select(func.count()).where(col(Coworker.is_committee))) > 0
        assert session.scalar(select(func.count()).where(col(Coworker.is_organic_leader))) > 0
        assigned = session.scalar(
            select(func.count(func.distinct(Coworker.organizer_id))).where(
                col(Coworker.organizer_id).is_not(None)
            )
        )
        assert assigned is not None
        assert assigned >= 2
        unassessed = session.scalar(
            select(func.count()).where(col(Coworker.current_level).is_(None))
        )
        assert 0 < (unassessed or 0) < 120
        oldest, newest = session.execute(
            select(func.min(Assessment.created_at), func.max(Assessment.created_at))
        ).one()
        assert (newest - oldest).days >= 42  # history spread over the past weeks
        assert (utcnow() - oldest).days <= 84
        assert session.scalar(select(func.count()).select_from(StructureTest)) == 1
        assert session.scalar(select(func.count()).select_from(StructureTestResult)) > 0
        # Every coworker's current level is the level of their latest assessment.
        latest = {}
        for coworker_id, level, _at in session.execute(
            select(Assessment.coworker_id, Assessment.level, Assessment.created_at).order_by(
                col(Assessment.created_at)
            )
        ):
            latest[coworker_id] = level
        current = dict(
            session.execute(
                select(Coworker.id, Coworker.current_level).where(
                    col(Coworker.current_level).is_not(None)
                )
            ).all()
        )
        assert current == latest
    # The printed logins work: admin, committee and organizer.
    logins = [line.split() for line in result.stdout.splitlines() if "password:" in line]
    assert [fields[0] for fields in logins] == ["admin", "committee", "organizer"]
    for fields in logins:
        email, password = fields[2], fields[4]
        with session_scope(engine) as session:
            outcome = accounts.authenticate(
                session=session, settings=Settings(env="test"), email=email,
                password=password, client_address="127.0.0.1",
            )  # fmt: skip
        assert outcome.user is not None, email


def test_demo_refuses_to_seed_twice_but_if_empty_is_a_no_op(rankfile, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert rankfile("demo", "--coworkers", "30").exit_code == 0
    assert_one_line_error(rankfile("demo"), "already exists")
    again = rankfile("demo", "--if-empty")
    assert again.exit_code == 0
    assert "already holds campaigns" in again.stdout
    assert count(engine, Coworker) == 30
    assert_one_line_error(rankfile("demo", "--coworkers", "0"), "--coworkers")


def test_serve_refuses_to_start_in_production_without_a_secret(  # type: ignore[no-untyped-def]
    rankfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RANKFILE_ENV", "production")
    monkeypatch.delenv("RANKFILE_SECRET_KEY", raising=False)
    assert_one_line_error(rankfile("serve"), "RANKFILE_SECRET_KEY")


def test_commands_on_an_unmigrated_database_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    result = runner.invoke(cli, ["campaign", "create", "Mercy"])
    assert_one_line_error(result, "rankfile migrate")


def test_the_command_works_from_any_directory(tmp_path: Path) -> None:
    """Migrations are found from the installed package, not from the working directory."""
    script = Path(sys.executable).parent / "rankfile"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.db'}",
        "RANKFILE_ENV": "test",
    }
    for args in (["migrate"], ["migrate"], ["campaign", "create", "Mercy Hospital"]):
        done = subprocess.run(
            [str(script), *args], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "mercy-hospital"
