"""`rankfile structure-test create|list|record|export`: exact output, one clear line and exit 1 on
bad input, nothing written on error, and an audit event naming `cli:<os user>`.

Every test runs on SQLite and on PostgreSQL, with the hand-worked campaign of conftest.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.audit.service import cli_actor
from app.cli import app as cli
from tests.structure_tests.conftest import (
    ACTIVE,
    CONTACT_HEADER,
    EMAILS,
    LIST_HEADER,
    NOBODY,
    PETITION_DATE,
    TODAY,
    Mercy,
    Person,
    add_test,
    audit_events,
    count_tests,
    expected_rows,
    raw_csv,
    read_csv,
    read_xlsx,
    stored_results,
    stored_test,
)

runner = CliRunner()


@pytest.fixture
def rankfile(database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a `rankfile` command against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("RANKFILE_ENV", "test")

    def run(*args: str | Path):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, [str(arg) for arg in args])

    return run


def assert_one_line_error(result: Any, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rankfile: error: ")
    assert fragment in lines[0], lines[0]
    assert result.stdout == ""


def by_name(mercy: Mercy, results: dict[int, str]) -> dict[str, str]:
    names = {coworker_id: name for name, coworker_id in mercy.ids.items()}
    return {names[cid]: result for cid, result in results.items()}


# -- create ------------------------------------------------------------------------------------


def test_create_prints_only_the_slug_and_defaults_the_goal(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine
) -> None:
    result = rankfile("structure-test", "create", "mercy", "Sticker day", "--kind", "sticker-day",
                      "--date", "2026-12-04")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "sticker-day\n"
    assert result.stderr == ""
    test = stored_test(engine, "sticker-day")
    assert (test.name, test.kind, test.held_on, test.goal_pct) == (
        "Sticker day",
        "sticker-day",
        dt.date(2026, 12, 4),
        70.0,  # the campaign's supermajority threshold
    )
    (event,) = audit_events(engine, "structure_test.create")
    assert (event.actor, event.details, event.campaign_id) == (
        cli_actor(),
        {"test": "sticker-day"},
        mercy.campaign.id,
    )
    assert event.actor.startswith("cli:")


def test_create_keeps_a_given_goal_and_numbers_duplicate_names(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine
) -> None:
    slugs = []
    for goal in ("55.5", "60", "0"):
        result = rankfile("structure-test", "create", "mercy", "Majority petition", "--kind",
                          "PETITION", "--date", "2026-12-01", "--goal", goal)  # fmt: skip
        assert result.exit_code == 0, result.output
        slugs.append(result.stdout.strip())
    # The fixture's petition already holds "majority-petition".
    assert slugs == ["majority-petition-2", "majority-petition-3", "majority-petition-4"]
    assert [stored_test(engine, slug).goal_pct for slug in slugs] == [55.5, 60.0, 0.0]
    assert stored_test(engine, slugs[0]).kind == "petition"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"--kind": "rally"}, "unknown kind 'rally': use one of petition, survey, sticker-day, "
                              "public-letter, march-on-boss, strike-pledge, strike-vote, other"),
        ({"--date": "2026-02-30"}, "--date must be a date like 2026-11-27, not '2026-02-30'"),
        ({"--date": "next week"}, "--date must be a date like"),
        ({"--goal": "101"}, "goal must be between 0 and 100"),
        ({"--goal": "-1"}, "goal must be between 0 and 100"),
        ({"--goal": "most"}, "goal must be a percentage, not 'most'"),
        ({"slug": "nope"}, "no campaign"),
        ({"name": "  "}, "name must be 1 to 200 characters"),
    ],
)  # fmt: skip
def test_create_refuses_bad_input_with_one_line_and_writes_nothing(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, changes: dict[str, str], fragment: str
) -> None:
    options = {"--kind": "survey", "--date": "2026-12-01", "--goal": "60", **changes}
    result = rankfile(
        "structure-test", "create", changes.get("slug", "mercy"), changes.get("name", "Survey"),
        *(part for option, value in options.items() if option.startswith("--")
          for part in (option, value)),
    )  # fmt: skip
    assert_one_line_error(result, fragment)
    assert count_tests(engine) == 1
    assert audit_events(engine, "structure_test.create") == []


# -- list --------------------------------------------------------------------------------------


def test_list_prints_the_ladder_by_date_with_participation(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine
) -> None:
    add_test(engine, mercy.campaign, "Issue survey", PETITION_DATE - dt.timedelta(days=20),
             {mercy.id_of("Smith, John"): "took_part"}, kind="survey", goal=12.5)  # fmt: skip
    add_test(engine, mercy.campaign, "Strike vote", TODAY + dt.timedelta(days=30),
             kind="strike-vote", goal=90)  # fmt: skip
    result = rankfile("structure-test", "list", "mercy")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{PETITION_DATE - dt.timedelta(days=20)}  issue-survey  survey  Issue survey  "
        "took part 1/8 (12.5%, goal 12.5%)",
        f"{PETITION_DATE}  majority-petition  petition  Majority petition  "
        "took part 6/8 (75.0%, goal 70%)",
        f"{TODAY + dt.timedelta(days=30)}  strike-vote  strike-vote  Strike vote  "
        "took part 0/8 (0.0%, goal 90%)",
    ]
    assert_one_line_error(rankfile("structure-test", "list", "nope"), "no campaign")


# -- record ------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "results.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_record_by_employee_id_with_every_result_word(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    slug = add_test(engine, mercy.campaign, "Survey", TODAY,
                    {mercy.id_of("Brown, Lee"): "declined"}, kind="survey")  # fmt: skip
    path = write(
        tmp_path,
        "employee_id,result\nE001,took part\nE002,Yes\nE003,Y\nE004,1\nE005,declined\n"
        "E006,not reached\nE007,NO\n",
    )
    result = rankfile("structure-test", "record", "mercy", slug, path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Recorded 7 results for survey.\n"
    assert by_name(mercy, stored_results(engine, slug)) == {
        "Garcia, Maria": "took_part",
        "Okafor, Ngozi": "took_part",
        "Chen, Wei": "took_part",
        "Smith, John": "took_part",
        "Ahmed, Sara": "declined",
        "Diaz, Ana": "declined",
    }
    (event,) = audit_events(engine, "structure_test.record")
    assert (event.actor, event.details) == (cli_actor(), {"test": "survey", "rows": 7})


def test_record_by_name_and_department(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        'Name,Dept,Took part\r\n"Smith, John",EMERGENCY,yes\r\n"Garcia, Maria",ICU,no\r\n'
        '"Brown, Lee",Pharmacy,not reached\r\n',
    )
    result = rankfile("structure-test", "record", "mercy", "majority-petition", path)
    assert result.exit_code == 0, result.output
    after = by_name(mercy, stored_results(engine, mercy.petition))
    assert after["Smith, John"] == "took_part"
    assert after["Garcia, Maria"] == "declined"
    assert "Brown, Lee" not in after


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("employee id,result\nE001,yes\nE404,yes\nE002,sometimes\n",
         ["row 3, column 'employee id': no coworker with id 'E404'",
          "row 4, column 'result': result must be took part, declined or not reached, "
          "not 'sometimes'"]),
        ("name,department,result\n\"Lee, Sam\",Pharmacy,yes\n",
         ["row 2, column 'name': 2 coworkers named 'Lee, Sam' in 'Pharmacy' "
          "(add an employee id column)"]),
        ("name,department,result\nNobody,ICU,declined\n",
         ["row 2, column 'name': no coworker named 'Nobody' in 'ICU'"]),
        ("employee id,outcome\nE001,yes\n", ["row 1: no result column (expected “result”)"]),
        ("", ["the file is empty"]),
    ],
)  # fmt: skip
def test_record_refuses_a_bad_file_names_row_and_column_and_records_nothing(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, factory, tmp_path: Path, text: str,
    problems: list[str],
) -> None:  # fmt: skip
    factory.coworkers(
        mercy.campaign,
        {"name": "Lee, Sam", "department": "Pharmacy", "shift": "Day"},
        {"name": "Lee, Sam", "department": "Pharmacy", "shift": "Night"},
    )
    before = stored_results(engine, mercy.petition)
    path = write(tmp_path, text, "paper.csv")
    result = rankfile("structure-test", "record", "mercy", "majority-petition", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        *(f"rankfile: error: paper.csv: {problem}" for problem in problems),
        "rankfile: nothing was recorded",
    ]
    assert stored_results(engine, mercy.petition) == before
    assert audit_events(engine, "structure_test.record") == []


def test_record_refuses_the_same_coworker_twice(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    before = stored_results(engine, mercy.petition)
    path = write(tmp_path, "employee id,name,department,result\nE004,,,yes\n"
                           ",\"Smith, John\",Emergency,no\n")  # fmt: skip
    result = rankfile("structure-test", "record", "mercy", "majority-petition", path)
    assert result.exit_code == 1
    problem, last = result.stderr.splitlines()
    assert problem.startswith("rankfile: error: results.csv: row 3")
    assert problem.endswith("the same coworker as row 2")
    assert last == "rankfile: nothing was recorded"
    assert stored_results(engine, mercy.petition) == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("mercy", "nope"), "no structure test 'nope'"),
        (("acme", "majority-petition"), "no structure test 'majority-petition'"),
        (("nope", "majority-petition"), "no campaign"),
    ],
)
def test_record_refuses_an_unknown_campaign_or_test(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, tmp_path: Path, args: tuple[str, str], fragment: str
) -> None:
    path = write(tmp_path, "employee id,result\nE001,yes\n")
    assert_one_line_error(rankfile("structure-test", "record", *args, path), fragment)


def test_record_refuses_a_missing_file(rankfile, mercy: Mercy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = rankfile(
        "structure-test", "record", "mercy", "majority-petition", tmp_path / "missing.csv"
    )
    assert_one_line_error(result, "cannot read")


# -- export ------------------------------------------------------------------------------------


def test_export_csv_to_stdout_reads_back_as_the_database_holds_it(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine
) -> None:
    result = rankfile("structure-test", "export", "mercy", "majority-petition", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = read_csv(result.stdout_bytes)
    # The command's defaults: everyone, by department, with contacts.
    assert rows == [LIST_HEADER + CONTACT_HEADER, *expected_rows()]
    (event,) = audit_events(engine, "export")
    assert event.actor == cli_actor()
    assert event.campaign_id == mercy.campaign.id
    assert event.details == {
        "test": "majority-petition", "format": "csv", "only": "all", "by": "department",
        "contacts": True, "rows": len(ACTIVE),
    }  # fmt: skip


def test_export_not_reached_by_organizer_without_contacts_to_a_file(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    add_test(engine, mercy.campaign, "Survey", TODAY,
             {mercy.id_of("Garcia, Maria"): "took_part", mercy.id_of("Brown, Lee"): "declined"},
             kind="survey")  # fmt: skip
    out = tmp_path / "list.csv"
    result = rankfile("structure-test", "export", "mercy", "survey", "--format", "csv",
                      "--only", "not-reached", "--by", "organizer", "--no-contacts",
                      "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"Exported 6 rows to {out}.\n"
    rows = read_csv(out.read_bytes())
    results = {p.name: None for p in ACTIVE}
    results |= {"Garcia, Maria": "took_part", "Brown, Lee": "declined"}
    expected = expected_rows(by="organizer", only_not_reached=True, contacts=False,
                             results=results)  # fmt: skip
    assert rows == [LIST_HEADER, *expected]
    assert [row[0] for row in rows[1:]] == [NOBODY, NOBODY, EMAILS["ola"], EMAILS["ola"],
                                            EMAILS["olu"], EMAILS["olu"]]  # fmt: skip
    assert "Garcia, Maria" not in out.read_text()
    (event,) = audit_events(engine, "export")
    assert event.details == {
        "test": "survey", "format": "csv", "only": "not-reached", "by": "organizer",
        "contacts": False, "rows": 6,
    }  # fmt: skip


def test_export_xlsx_reads_back_as_the_csv_does(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "list.xlsx"
    result = rankfile("structure-test", "export", "mercy", "majority-petition", "--format", "xlsx",
                      "--by", "organizer", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, types = read_xlsx(out.read_bytes())
    assert rows == [LIST_HEADER + CONTACT_HEADER, *expected_rows(by="organizer")]
    assert set(types) == {"s"}
    csv_result = rankfile("structure-test", "export", "mercy", "majority-petition", "--by",
                          "organizer")  # fmt: skip
    assert read_csv(csv_result.stdout_bytes) == rows
    events = audit_events(engine, "export")
    assert [(e.details["format"], e.details["rows"], e.actor) for e in events] == [
        ("xlsx", 8, cli_actor()),
        ("csv", 8, cli_actor()),
    ]


def test_export_xlsx_to_stdout_is_the_workbook(rankfile, mercy: Mercy) -> None:  # type: ignore[no-untyped-def]
    result = rankfile("structure-test", "export", "mercy", "majority-petition", "--format", "xlsx",
                      "--only", "not-reached", "--no-contacts")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, _types = read_xlsx(result.stdout_bytes)
    assert rows == [LIST_HEADER, *expected_rows(only_not_reached=True, contacts=False)]


FORMULA_NAMES = ("=cmd|' /C calc'!A0", "+1", "@x", "-y", "\tTab")


def test_export_neutralises_formulas_in_csv_and_writes_text_cells_in_xlsx(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, factory, tmp_path: Path
) -> None:
    factory.coworkers(
        mercy.campaign,
        *({"name": name, "department": "+Ward", "shift": "-Night", "email": "=me@example.net"}
          for name in FORMULA_NAMES),
    )  # fmt: skip
    people = tuple(
        Person(name, "+Ward", "-Night", None, None, None, email="=me@example.net")
        for name in FORMULA_NAMES
    )
    expected = expected_rows(ACTIVE + people, only_not_reached=True)
    result = rankfile("structure-test", "export", "mercy", "majority-petition", "--only",
                      "not-reached")  # fmt: skip
    raw = raw_csv(result.stdout_bytes)
    for row in raw:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert sorted(row[1] for row in raw if row[2] == "'+Ward") == sorted(
        "'" + name for name in FORMULA_NAMES
    )
    assert read_csv(result.stdout_bytes)[1:] == expected

    out = tmp_path / "list.xlsx"
    rankfile("structure-test", "export", "mercy", "majority-petition", "--format", "xlsx",
             "--only", "not-reached", "--out", out)  # fmt: skip
    rows, types = read_xlsx(out.read_bytes())
    assert rows[1:] == expected
    assert set(types) == {"s"}


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (("--format", "pdf"), "--format must be csv or xlsx, not 'pdf'"),
        (("--only", "everyone"), "--only takes not-reached, not 'everyone'"),
        (("--by", "shift"), "--by must be department or organizer, not 'shift'"),
    ],
)
def test_export_refuses_bad_options_and_audits_nothing(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, options: tuple[str, str], fragment: str
) -> None:
    result = rankfile("structure-test", "export", "mercy", "majority-petition", *options)
    assert_one_line_error(result, fragment)
    assert audit_events(engine, "export") == []


def test_export_of_an_unknown_test_audits_nothing(rankfile, mercy: Mercy, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert_one_line_error(
        rankfile("structure-test", "export", "mercy", "nope"), "no structure test 'nope'"
    )
    assert audit_events(engine, "export") == []


def test_export_to_an_unwritable_file_says_so_and_audits_nothing(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "list.csv"
    result = rankfile("structure-test", "export", "mercy", "majority-petition", "--out", out)
    assert_one_line_error(result, f"cannot write {out}")
    assert audit_events(engine, "export") == []  # the transaction was rolled back


def test_export_xlsx_of_a_test_named_with_a_slash(  # type: ignore[no-untyped-def]
    rankfile, mercy: Mercy, engine: Engine, tmp_path: Path
) -> None:
    slug = add_test(engine, mercy.campaign, "Strike vote 1/2", TODAY, kind="strike-vote")
    out = tmp_path / "list.xlsx"
    result = rankfile("structure-test", "export", "mercy", slug, "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(read_xlsx(out.read_bytes())[0]) == 1 + len(ACTIVE)
