"""Searching coworkers for a piece of their name or job title, through a trigram index.

The coworker list and the structure test checklist match a case-insensitive substring
(`app.db.text_contains`: SQLite LIKE, PostgreSQL ILIKE, % and _ taken literally) and list the
matches by name, a page at a time. No btree helps with `LIKE '%x%'`, so the database walks the
campaign's name index until a page is full: quick when matches are common, but a search that
matches few coworkers, or only names late in the alphabet ("smith"), read every name.

Migration d4c0de000004 adds trigram indexes, which find the rows holding a string of three
characters or more:

- SQLite: `coworker_search`, an FTS5 table with the trigram tokenizer over coworker(name,
  job_title), kept in step by triggers. It hands out candidate ids.
- PostgreSQL: pg_trgm GIN indexes on name and job_title, which ILIKE uses by itself when the
  planner expects few matches.

Neither planner can be trusted to read the matches through the index and sort them: SQLite has
no statistics (the app never runs ANALYZE) and walks the campaign's name index whatever the
candidates, and PostgreSQL assumes the matches are spread evenly through the alphabet, which a
name search never is (all the Smiths are together). So `narrow` first asks the index how many
rows match, up to `FEW`:

- none: nothing is read (SQLite gets `WHERE false`; PostgreSQL finds none through its index);
- some names, `FEW` matches at most: it adds the range of their names, `name BETWEEN first AND
  last`. That changes no result and lets the name index start at the first match and stop
  after the last, so the walk covers only the matches' block of the alphabet;
- no name, only job titles: those are spread through the alphabet, and the walk fills a page
  soon (on SQLite testing each name's id against the index's candidates before reading the
  row; PostgreSQL reads rare ones through its index by itself). More than `FEW` matches, or a
  department's name, also leave the walk as it was.

Matches spread thinly over the whole alphabet still walk all of it (at most one pass over the
campaign's name index on SQLite, reading no rows but the candidates').

A shorter string has no trigram. Migration b8c0de000008 puts the id and job title in the name
index, so that the walk reads no row (on SQLite that is quick enough: 15 ms for 100,000); but
PostgreSQL's ILIKE itself costs 60 ms over 100,000 names and job titles. There two characters
go through `coworker_bigrams()`, the pairs of characters of lower() of a text, and its GIN
index: as for trigrams, `narrow` counts the rows that hold the pair (up to `FEW`); none read
nothing, a few are read by id and sorted, more are common enough for the walk. A NUL can never
match on PostgreSQL, whose text cannot hold one (and which refuses one as a parameter).

The index only narrows: the LIKE / ILIKE condition still decides every row, so the results are
exactly those of the plain search. (SQLite's trigram tokenizer folds the case of every letter,
while its LIKE folds only ASCII: the index finds more candidates, never fewer.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, any_, column, false, func, or_, select, table
from sqlmodel import Session, col

from app.campaigns.models import Department
from app.db import set_local, text_contains
from app.people.models import STALE_INDEX, Coworker

TRIGRAM = 3  # characters: a shorter string holds no trigram, and the index cannot help
BIGRAM = 2  # characters: PostgreSQL's bigram index serves exactly this many
# Matches worth reading to find their range of names (a few milliseconds at most); more are
# common enough to fill a page at once. At 100,000 coworkers, 5%.
FEW = 5000
FIELDS = ("name", "job_title")

# Made by migration d4c0de000004, outside the models (see `include_name`).
SEARCH_TABLE = "coworker_search"  # SQLite: the FTS5 table, and the prefix of its shadow tables
TRIGRAM_INDEXES = ("ix_coworker_name_trgm", "ix_coworker_job_title_trgm")  # PostgreSQL
# Made by migration b8c0de000008: over coworker_bigrams(name) and (job_title); PostgreSQL.
BIGRAM_INDEX = "ix_coworker_bigrams"

_fts = table(SEARCH_TABLE, column("rowid"), column(SEARCH_TABLE))


def fts5_string(text: str, fields: Sequence[str]) -> str:
    """`text` as one FTS5 string (its double quotes doubled), in these columns only."""
    escaped = text.replace('"', '""')
    return "{" + " ".join(fields) + "} : " + f'"{escaped}"'


def narrow(
    statement: Any,
    session: Session,
    text: str,
    *,
    campaign_id: int,
    fields: Sequence[str] = FIELDS,
    departments: bool = False,
) -> Any:
    """`statement` (over coworker) narrowed to those with `text` in one of `fields`, or, with
    `departments`, in their department's name: case-insensitive, % and _ taken literally.

    To build it, reads the campaign's matching departments and, for three characters or more
    (two on PostgreSQL), how many rows match (up to `FEW` + 1) and for three the first and last
    of their names."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql and "\0" in text:
        return statement.where(false())  # no text there holds a NUL; nor may a parameter
    department_ids = _departments_matching(session, campaign_id, text) if departments else []
    exact: ColumnElement[bool] = or_(
        *(text_contains(session, col(getattr(Coworker, field)), text) for field in fields),
        *([col(Coworker.department_id).in_(department_ids)] if department_ids else []),
    )
    # A department's people are all through the alphabet: a page of them fills soon.
    if department_ids:
        return statement.where(exact)
    if postgresql and len(text) == BIGRAM:
        return _narrow_by_bigram(statement, session, text, exact, campaign_id, fields)
    if len(text) < TRIGRAM or "\0" in text:  # FTS5 stops reading at a NUL
        return statement.where(exact)
    name = col(Coworker.name)
    if not postgresql:
        candidates = _fts_ids(text, fields)
        hits = _count(session, candidates)  # every campaign's: enough to bound the work
        if hits > FEW:
            return statement.where(exact)
        if hits == 0:
            return statement.where(false())
        # Walking names, test each one's id before reading its row.
        narrowed = statement.where(col(Coworker.id).in_(candidates), exact)
        # Only names gather in one stretch of the alphabet; other matches are spread through it.
        if list(fields) != ["name"] and _count(session, _fts_ids(text, ["name"])) == 0:
            return narrowed
        # The candidates' names bound the matches' (reading them by id alone: any condition on
        # the campaign would make SQLite walk its names).
        span = _span(session, select(name).where(col(Coworker.id).in_(candidates)))
        return narrowed.where(name.between(span.first, span.last))
    _custom_plans(session)
    narrowed = statement.where(exact)
    in_campaign = col(Coworker.campaign_id) == campaign_id
    # Only names gather in one stretch of the alphabet: matches of the other fields are spread
    # through it (or few), and PostgreSQL's own plan for them stands. Looking at names first
    # spares reading a quarter of the table when "nurse" is a job title and no name.
    by_name = _pg_span(session, select(name).where(in_campaign, text_contains(session, name, text)))
    if "name" not in fields or not 0 < by_name.rows <= FEW:
        return narrowed
    others = [
        text_contains(session, col(getattr(Coworker, field)), text)
        for field in fields
        if field != "name"
    ]
    if not others:
        return narrowed.where(name.between(by_name.first, by_name.last))
    by_others = _pg_span(session, select(name).where(in_campaign, or_(*others)))
    if by_others.rows > FEW:
        return narrowed
    # In the database's order of names (its collation), not Python's; least() skips a NULL.
    first = func.least(by_name.first, by_others.first)
    last = func.greatest(by_name.last, by_others.last)
    return narrowed.where(name.between(first, last))


def _narrow_by_bigram(
    statement: Any,
    session: Session,
    text: str,
    exact: ColumnElement[bool],
    campaign_id: int,
    fields: Sequence[str],
) -> Any:
    """PostgreSQL, two characters: the rows whose `fields` may hold them, from the bigram index."""
    bigrams = func.coworker_bigrams
    candidates = select(col(Coworker.id)).where(
        col(Coworker.campaign_id) == campaign_id,
        or_(*(bigrams(col(getattr(Coworker, field))).op("@>")(bigrams(text)) for field in fields)),
    )
    _custom_plans(session)
    hits = _count(session, candidates)
    if hits > FEW:
        return statement.where(exact)
    if hits == 0:
        return statement.where(false())
    # As an array of ids, read through the primary key: given the ILIKE instead, the planner
    # may scan a whole trigram index for it (a pattern of two characters has no trigram).
    return statement.where(
        col(Coworker.id) == any_(func.array(candidates.scalar_subquery())), exact
    )


def _custom_plans(session: Session) -> None:
    """PostgreSQL: the plan depends on the text. One that psycopg's prepared statements would
    cache for another text (by default after five runs) could read the whole table."""
    set_local(session, "plan_cache_mode", "force_custom_plan")


class _Span(NamedTuple):
    rows: int  # up to FEW + 1
    first: str | None  # None when no row
    last: str | None


def _fts_ids(text: str, fields: Sequence[str]) -> Any:
    """SQLite: the ids of the coworkers whose `fields` may hold `text` (any case)."""
    return select(_fts.c.rowid).where(_fts.c[SEARCH_TABLE].op("MATCH")(fts5_string(text, fields)))


def _count(session: Session, rows: Any) -> int:
    """How many rows `rows` selects, up to `FEW` + 1."""
    return session.scalar(select(func.count()).select_from(rows.limit(FEW + 1).subquery())) or 0


def _span(session: Session, names: Any) -> _Span:
    """How many names `names` selects (up to `FEW` + 1), and the first and last of them."""
    found = names.limit(FEW + 1).subquery()
    rows, first, last = session.execute(
        select(func.count(), func.min(found.c.name), func.max(found.c.name))
    ).one()
    return _Span(rows, first, last)


def _pg_span(session: Session, names: Any) -> _Span:
    """`_span` on PostgreSQL, from the trigram indexes. It prices ILIKE as cheap as `=`, so
    testing every name held in a btree (an index-only scan: 40 ms at 100,000) can look cheaper
    to it than reading the few rows the trigram index finds; more so as the table grows."""
    set_local(session, "enable_indexonlyscan", "off")
    span = _span(session, names)
    set_local(session, "enable_indexonlyscan", "DEFAULT")
    return span


def _departments_matching(session: Session, campaign_id: int, text: str) -> list[int]:
    """A campaign has a few dozen departments at most: their ids, read once."""
    return list(
        session.scalars(
            select(col(Department.id)).where(
                col(Department.campaign_id) == campaign_id,
                text_contains(session, col(Department.name), text),
            )
        )
    )


def include_name(name: str | None, type_: str, _parents: Any = None) -> bool:
    """For Alembic: leave alone the search index objects and the stale sort's index, which the
    models cannot declare."""
    if type_ == "table" and name is not None:
        return name != SEARCH_TABLE and not name.startswith(SEARCH_TABLE + "_")
    if type_ == "index":
        return name not in (*TRIGRAM_INDEXES, BIGRAM_INDEX, STALE_INDEX)
    return True
