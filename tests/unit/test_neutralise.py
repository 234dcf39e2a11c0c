"""Formula neutralisation (CWE-1236) in roster exports, and its exact removal on import."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.people import roster
from app.people.roster import csv_lines, neutralise, unneutralise

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Text that is likely to hit the interesting cases: triggers, quotes, separators, line breaks.
tricky = st.text(alphabet=st.sampled_from([*TRIGGERS, "'", '"', ",", "\n", " ", "a", "1", "é"]))
any_text = st.one_of(st.text(), tricky)


@given(any_text)
@example('=HYPERLINK("http://evil.example","x")')
@example("+1 555 0100")
@example("'=already quoted")
@example("''")
@example("'")
@example("")
def test_unneutralise_undoes_neutralise(value: str) -> None:
    assert unneutralise(neutralise(value)) == value


@given(any_text)
def test_a_neutralised_value_never_starts_like_a_formula(value: str) -> None:
    assert not neutralise(value).startswith(TRIGGERS)


@given(any_text)
def test_values_that_need_nothing_are_unchanged(value: str) -> None:
    # Only values a spreadsheet would run, or that start with quotes before such a character
    # (so that the quote `neutralise` adds can be told apart), are changed.
    needs_it = value.lstrip("'").startswith(TRIGGERS)
    if not needs_it:
        assert neutralise(value) == value
    else:
        assert neutralise(value) == "'" + value


@given(st.text().filter(lambda v: not v.lstrip("'").startswith(TRIGGERS)))
def test_unneutralise_leaves_ordinary_values_alone(value: str) -> None:
    # A value someone typed with a leading quote ("'hello") is not an export artefact.
    assert unneutralise(value) == value


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-dash", "'-dash"),
        ("@at", "'@at"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("'=quoted", "''=quoted"),
        ("'hello", "'hello"),
        ("555-0100", "555-0100"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_examples(value: str, exported: str) -> None:
    assert neutralise(value) == exported
    assert unneutralise(exported) == value


rows_strategy = st.lists(st.lists(any_text, min_size=1, max_size=6), min_size=1, max_size=8)


@given(rows_strategy)
def test_a_csv_round_trip_is_lossless(rows: list[list[str]]) -> None:
    text = "".join(csv_lines([neutralise(cell) for cell in row] for row in rows))
    assert all(line.endswith("\r\n") for line in csv_lines([["a"], ["b"]]))
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert [[unneutralise(cell) for cell in row] for row in parsed] == rows
    for row in parsed:
        for cell in row:
            assert not cell.startswith(TRIGGERS)


def test_csv_lines_streams_one_row_at_a_time() -> None:
    lines = list(csv_lines([["name", "phone"], ["Rivera, Ana", "'+1 555 0100"], ['Say "hi"', ""]]))
    assert lines == ["name,phone\r\n", '"Rivera, Ana",\'+1 555 0100\r\n', '"Say ""hi""",\r\n']


# What a person can type is stripped on the way in, so stored values never start or end with
# whitespace; such values survive the whole export → import path.
stored_text = any_text.filter(lambda v: v == v.strip() and "\x00" not in v)


@given(
    name=stored_text.filter(lambda v: 0 < len(v) <= 200),
    title=stored_text.filter(lambda v: len(v) <= 200),
    phone=stored_text.filter(lambda v: len(v) <= 64),
)
@example(name='=HYPERLINK("http://evil.example","x")', title="-dash", phone="+1 555 0100")
@example(name="'=quoted", title="''", phone="@at")
def test_the_importer_reads_back_exactly_what_the_exporter_wrote(
    name: str, title: str, phone: str
) -> None:
    header = ["name", "job_title", "phone"]
    data = "".join(csv_lines([header, [neutralise(name), neutralise(title), neutralise(phone)]]))
    parsed = roster.parse(data.encode("utf-8"), member_ids={})
    (row,) = parsed.rows
    assert (row.name, row.values["job_title"], row.values["phone"]) == (name, title, phone)
