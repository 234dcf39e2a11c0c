"""The `rankfile` command. Scripts and docs depend on these exact forms.

Bad input ends with one clear line on stderr and exit code 1, and writes nothing: every command
runs in one transaction that is rolled back on error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from app.accounts import service as accounts
from app.audit import service as audit
from app.audit.service import cli_actor
from app.campaigns import service as campaigns
from app.db import get_engine, session_scope
from app.errors import InvalidInput, NotFound
from app.settings import ConfigurationError, Settings

app = typer.Typer(
    name="rankfile",
    help="Rankfile: workplace mapping for rank-and-file organizing committees.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
campaign_app = typer.Typer(help="Create campaigns.", no_args_is_help=True)
user_app = typer.Typer(help="Create, update and disable users.", no_args_is_help=True)
roster_app = typer.Typer(help="Import and export the roster as CSV.", no_args_is_help=True)
app.add_typer(campaign_app, name="campaign")
app.add_typer(user_app, name="user")
app.add_typer(roster_app, name="roster")
structure_test_app = typer.Typer(
    help="Structure tests: create, list, record results, export the lists.", no_args_is_help=True
)
app.add_typer(structure_test_app, name="structure-test")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    typer.echo(f"rankfile: error: {message}", err=True)
    return typer.Exit(code=1)


def clear_errors(command: F) -> F:
    """Turn expected failures into one line on stderr and exit code 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (InvalidInput, NotFound, ConfigurationError) as error:
            raise fail(str(error)) from None
        except (OperationalError, ProgrammingError) as error:
            if "no such table" in str(error) or "does not exist" in str(error):
                raise fail("the database is not set up: run `rankfile migrate` first") from None
            raise fail(f"database error: {type(error).__name__}") from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def transaction() -> Iterator[Session]:
    with session_scope(get_engine(Settings().database_url)) as session:
        yield session


def read_input(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {file}: {error.strerror}") from None


def refuse_file(file: Path, problems: list[str], what: str) -> typer.Exit:
    """Every problem of a refused file (the first ones), one line each, then exit 1."""
    from app.people.roster import MAX_ERRORS_SHOWN

    for problem in problems[:MAX_ERRORS_SHOWN]:
        typer.echo(f"rankfile: error: {file.name}: {problem}", err=True)
    hidden = len(problems) - MAX_ERRORS_SHOWN
    if hidden > 0:
        typer.echo(f"rankfile: error: … and {hidden} more problems", err=True)
    typer.echo(f"rankfile: nothing was {what}", err=True)
    return typer.Exit(code=1)


def read_password(password_stdin: bool) -> str | None:
    if not password_stdin:
        return None
    return sys.stdin.readline().rstrip("\r\n")


@app.command()
@clear_errors
def migrate() -> None:
    """Create or upgrade the database schema to the latest version."""
    from app.migrate import upgrade

    upgrade(Settings().database_url)
    typer.echo("Database is up to date.")


@app.command()
@clear_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve Rankfile over HTTP with uvicorn."""
    import uvicorn

    Settings().check_secret()
    typer.echo(f"Rankfile is serving on http://{host}:{port}/")
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        # Access logs would put searched names (query strings) into log files.
        access_log=False,
    )


@app.command()
@clear_errors
def demo(
    coworkers: Annotated[int, typer.Option(help="How many coworkers to seed.")] = 120,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Seed only when the database has no campaign.")
    ] = False,
) -> None:
    """Seed the demo campaign "Demo General Hospital" and print how to log in."""
    from app.demo import ADMIN_EMAIL, DEMO_SLUG, ORGANIZER_EMAIL, seed

    if coworkers < 1:
        raise InvalidInput("--coworkers must be at least 1", field="coworkers")
    with transaction() as session:
        if if_empty and campaigns.any_exist(session=session):
            typer.echo(
                "The database already holds campaigns; log in with your accounts "
                f"(the demo's are {ADMIN_EMAIL} and {ORGANIZER_EMAIL}, with the passwords "
                "printed when it was seeded; `rankfile user password EMAIL` sets a new one)."
            )
            return
        try:
            campaigns.get_by_slug(session=session, slug=DEMO_SLUG)
        except NotFound:
            pass
        else:
            raise InvalidInput(f"campaign {DEMO_SLUG!r} already exists in this database")
        result = seed(session=session, coworkers=coworkers, actor=cli_actor())
    typer.echo(
        f"Seeded campaign {result.campaign.slug!r} ({result.campaign.name}) "
        f"with {coworkers} coworkers."
    )
    typer.echo("Log in at http://127.0.0.1:8000/login as:")
    for login in result.logins:
        typer.echo(f"  {login.role.value:<10} email: {login.email}  password: {login.password}")
    typer.echo(
        "These passwords are shown only once; `rankfile user password EMAIL` sets a new one."
    )


@campaign_app.command("create")
@clear_errors
def campaign_create(
    name: Annotated[str, typer.Argument(help="The campaign's name.")],
    slug: Annotated[
        str | None, typer.Option(help="Short name for URLs (default: from the name).")
    ] = None,
) -> None:
    """Create a campaign with the default thresholds and level definitions."""
    with transaction() as session:
        campaign = campaigns.create(session=session, name=name, slug=slug)
    typer.echo(campaign.slug)


@user_app.command("create")
@clear_errors
def user_create(
    email: Annotated[str, typer.Argument(help="The user's email address (their login).")],
    campaign: Annotated[str, typer.Option(help="Slug of the campaign to add them to.")],
    role: Annotated[str, typer.Option(help="admin, committee or organizer.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user in a campaign, or add an existing user to it with this role."""
    parsed_role = campaigns.parse_role(role)
    email = accounts.normalise_email(email)
    with transaction() as session:
        target = campaigns.get_by_slug(session=session, slug=campaign)
        user = accounts.get_by_email(session=session, email=email)
        generated = None
        if user is None:
            password = read_password(password_stdin)
            if password is None:
                password = generated = accounts.generate_password()
            user = accounts.create(session=session, email=email, password=password, name=name)
            audit.record(session=session, actor=cli_actor(), action="user.create", user=email)
        campaigns.add_member(
            session=session, user=user, campaign=target, role=parsed_role, actor=cli_actor()
        )
    typer.echo(f"{email} is {parsed_role.value} in {target.slug}.")
    if generated:
        typer.echo(f"Password (shown only once): {generated}")


@user_app.command("password")
@clear_errors
def user_password(
    email: Annotated[str, typer.Argument(help="The user's email address.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (generated unless read from stdin) and end the user's sessions."""
    email = accounts.normalise_email(email)
    with transaction() as session:
        user = accounts.get_by_email(session=session, email=email)
        if user is None:
            raise NotFound(f"no user with email {email}")
        password = read_password(password_stdin)
        generated = None
        if password is None:
            password = generated = accounts.generate_password()
        accounts.set_password(session=session, user=user, password=password)
        audit.record(session=session, actor=cli_actor(), action="user.password", user=email)
    typer.echo(f"Password of {email} changed; their sessions have ended.")
    if generated:
        typer.echo(f"Password (shown only once): {generated}")


@user_app.command("disable")
@clear_errors
def user_disable(email: Annotated[str, typer.Argument(help="The user's email address.")]) -> None:
    """Stop a user from logging in and end all of their sessions at once."""
    with transaction() as session:
        user = accounts.disable(session=session, email=email, actor=cli_actor())
    typer.echo(f"{user.email} is disabled; their sessions have ended.")


@roster_app.command("import")
@clear_errors
def roster_import(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    file: Annotated[Path, typer.Argument(help="A CSV roster (UTF-8, with a header row).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count, but write nothing.")
    ] = False,
) -> None:
    """Import a roster: new coworkers are created, known ones updated; all or nothing."""
    from app.people import roster

    data = read_input(file)
    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        assert campaign.id is not None
        try:
            result = roster.import_roster(
                session=session, campaign_id=campaign.id, data=data, actor=cli_actor(),
                dry_run=dry_run,
            )  # fmt: skip
        except roster.RosterError as error:
            raise refuse_file(file, error.problems, "imported") from None
    if result.unknown_columns:
        typer.echo("Ignored unknown columns: " + ", ".join(result.unknown_columns))
    prefix = "Dry run, nothing written: would have " if dry_run else ""
    typer.echo(
        f"{prefix}{'c' if dry_run else 'C'}reated {result.created}, updated {result.updated}, "
        f"unchanged {result.unchanged}."
    )


@roster_app.command("export")
@clear_errors
def roster_export(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Export the active coworkers as CSV (formula-neutralised)."""
    from app.people import roster

    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        assert campaign.id is not None
        rows = roster.count_exportable(session=session, campaign_id=campaign.id)
        roster.record_export(
            session=session, campaign_id=campaign.id, actor=cli_actor(), rows=rows, what="roster"
        )
        lines = roster.csv_lines(roster.export_rows(session=session, campaign_id=campaign.id))
        if out is None:
            for line in lines:
                sys.stdout.write(line)
        else:
            try:
                with out.open("w", encoding="utf-8", newline="") as handle:
                    handle.writelines(lines)
            except OSError as error:
                raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    if out is not None:
        typer.echo(f"Exported {rows} coworkers to {out}.", err=True)


@app.command()
@clear_errors
def readiness(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    by: Annotated[str, typer.Option(help="department, shift or unit (department × shift).")] = (
        "department"
    ),
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="A past date, YYYY-MM-DD (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Strike readiness per unit: a table, or the JSON that the API also serves."""
    import json

    from app.readiness import service as readiness_service

    grouping = readiness_service.parse_grouping(by)
    date = readiness_service.parse_as_of(as_of)
    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        report = readiness_service.report(
            session=session, campaign=campaign, by=grouping, as_of=date
        )
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    typer.echo(readiness_table(report))


def readiness_table(report: dict[str, Any]) -> str:
    """The report as an aligned text table, one unit a line, the total last."""

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.1f}"

    header = (
        "unit",
        "people",
        "assessed%",
        "support%",
        "of assessed%",
        "per org",
        "test%",
        "status",
    )
    rows = [
        (
            unit["name"],
            str(unit["headcount"]),
            pct(unit["assessed_pct"]),
            pct(unit["support_pct"]),
            pct(unit["support_of_assessed_pct"]),
            pct(unit["coworkers_per_organizer"]),
            pct(unit["participation_pct"]),
            unit["status"],
        )
        for unit in [*report["units"], report["total"]]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True)
        ]
        return "  ".join([*cells, row[-1]])

    thresholds = report["thresholds"]
    title = (
        f"Readiness of {report['campaign']} by {report['by']} as of {report['as_of']} "
        f"(majority > {thresholds['majority']}%, supermajority ≥ {thresholds['supermajority']}%, "
        f"strike-ready ≥ {thresholds['strike_ready']}% with ≤ "
        f"{thresholds['coworkers_per_organizer']} per organizer)"
    )
    divider = "  ".join("-" * width for width in widths)
    return "\n".join([title, line(header), divider, *map(line, rows[:-1]), divider, line(rows[-1])])


@app.command("audit")
@clear_errors
def audit_log(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print one JSON array of {"at", "actor", "action", "details"}, newest first.',
        ),
    ] = False,
) -> None:
    """The campaign's audit events, newest first: a table, or JSON with --json.

    Only the campaign's own events: logins and user changes belong to no campaign."""
    import json

    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        assert campaign.id is not None
        events = audit.events(session=session, campaign_id=campaign.id, limit=None)
        entries = [audit.as_json(event) for event in events]
    if as_json:
        typer.echo(json.dumps(entries, ensure_ascii=False))
        return
    typer.echo(audit_table(entries))


def audit_table(entries: list[dict[str, Any]]) -> str:
    """Events as an aligned text table, one event a line, newest first."""

    def printable(text: str) -> str:
        # One event, one line: control characters (newlines, terminal escapes) are shown escaped.
        return "".join(
            ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
        )

    header = ("at", "actor", "action", "details")
    rows = [
        (
            entry["at"],
            printable(entry["actor"]),
            printable(entry["action"]),
            printable(audit.details_text(entry["details"])),
        )
        for entry in entries
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        return "  ".join([*cells, row[-1]]).rstrip()

    divider = "  ".join("-" * width for width in [*widths, len(header[-1])])
    return "\n".join([line(header), divider, *map(line, rows)])


def _cli_access(campaign: Any) -> Any:
    """Commands run with the operator's full rights: an admin's view of the campaign."""
    from app.campaigns.models import Role
    from app.campaigns.service import CampaignAccess

    return CampaignAccess(campaign=campaign, role=Role.admin)


@structure_test_app.command("create")
@clear_errors
def structure_test_create(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    name: Annotated[str, typer.Argument(help='The test\'s name, e.g. "Majority petition".')],
    kind: Annotated[
        str,
        typer.Option(
            help="petition, survey, sticker-day, public-letter, march-on-boss, strike-pledge, "
            "strike-vote or other."
        ),
    ],
    date: Annotated[str, typer.Option(help="When it is held, YYYY-MM-DD.")],
    goal: Annotated[
        str | None, typer.Option(help="Goal in percent (default: the supermajority threshold).")
    ] = None,
) -> None:
    """Create a structure test; prints only its slug (the TEST of the other commands)."""
    from app.structure_tests import service as tests

    held_on = tests.parse_date(date, "--date")
    kind = tests.parse_kind(kind)
    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        test = tests.create(
            session=session, campaign=campaign, name=name, kind=kind, held_on=held_on,
            goal_pct=tests.parse_goal(goal, campaign),
        )  # fmt: skip
        audit.record(
            session=session, actor=cli_actor(), action="structure_test.create",
            campaign_id=campaign.id, test=test.slug,
        )  # fmt: skip
    typer.echo(test.slug)


@structure_test_app.command("list")
@clear_errors
def structure_test_list(slug: Annotated[str, typer.Argument(help="The campaign's slug.")]) -> None:
    """The campaign's ladder of tests, by date, with participation."""
    from app.readiness.math import round_half_up
    from app.structure_tests import service as tests

    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        rungs = tests.ladder(session=session, access=_cli_access(campaign), user_id=0)
    for rung in rungs:
        pct = rung.participation_pct
        shown = "–" if pct is None else f"{round_half_up(pct)}%"
        typer.echo(
            f"{rung.test.held_on}  {rung.test.slug}  {rung.test.kind}  {rung.test.name}  "
            f"took part {rung.took_part}/{rung.headcount} ({shown}, goal {rung.test.goal_pct:g}%)"
        )


@structure_test_app.command("record")
@clear_errors
def structure_test_record(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    test: Annotated[str, typer.Argument(help="The test's slug.")],
    file: Annotated[
        Path, typer.Argument(help="CSV: employee id (or name and department), result.")
    ],
) -> None:
    """Record results from paper: all rows or none."""
    from app.people.roster import RosterError
    from app.structure_tests import service as tests

    data = read_input(file)
    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        assert campaign.id is not None
        structure_test = tests.get(session=session, campaign_id=campaign.id, slug=test)
        try:
            count = tests.import_results(
                session=session, campaign_id=campaign.id, test=structure_test, data=data,
                actor_id=None,
            )  # fmt: skip
        except RosterError as error:
            raise refuse_file(file, error.problems, "recorded") from None
        audit.record(
            session=session, actor=cli_actor(), action="structure_test.record",
            campaign_id=campaign.id, test=structure_test.slug, rows=count,
        )  # fmt: skip
    typer.echo(f"Recorded {count} results for {structure_test.slug}.")


@structure_test_app.command("export")
@clear_errors
def structure_test_export(
    slug: Annotated[str, typer.Argument(help="The campaign's slug.")],
    test: Annotated[str, typer.Argument(help="The test's slug.")],
    format: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    only: Annotated[
        str | None, typer.Option("--only", help="not-reached: only those not reached yet.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="department or organizer.")] = "department",
    no_contacts: Annotated[
        bool, typer.Option("--no-contacts", help="Leave out phone and email.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: standard output).")
    ] = None,
) -> None:
    """Export a test's list (who has not been reached yet, or everyone with their result)."""
    from app.exports import xlsx_bytes
    from app.people.roster import csv_lines, neutralise
    from app.structure_tests import service as tests

    if format not in ("csv", "xlsx"):
        raise InvalidInput(f"--format must be csv or xlsx, not {format!r}")
    if only not in (None, "not-reached"):
        raise InvalidInput(f"--only takes not-reached, not {only!r}")
    if by not in ("department", "organizer"):
        raise InvalidInput(f"--by must be department or organizer, not {by!r}")
    contacts = not no_contacts
    with transaction() as session:
        campaign = campaigns.get_by_slug(session=session, slug=slug)
        assert campaign.id is not None
        structure_test = tests.get(session=session, campaign_id=campaign.id, slug=test)
        rows = [
            tests.list_cells(row, contacts)
            for row in tests.list_rows(
                session=session, campaign_id=campaign.id, test=structure_test,
                only_not_reached=only is not None, by=by,
            )
        ]  # fmt: skip
        audit.record(
            session=session, actor=cli_actor(), action="export", campaign_id=campaign.id,
            test=structure_test.slug, format=format, only=only or "all", by=by,
            contacts=contacts, rows=len(rows),
        )  # fmt: skip
        header = tests.list_header(contacts)
        if format == "xlsx":
            data = xlsx_bytes(structure_test.name, header, rows)
        else:
            data = "".join(
                csv_lines([header, *([neutralise(cell) for cell in row] for row in rows)])
            ).encode("utf-8")
        if out is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            try:
                out.write_bytes(data)
            except OSError as error:
                raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    if out is not None:
        typer.echo(f"Exported {len(rows)} rows to {out}.", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
