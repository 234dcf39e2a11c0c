"""Readiness counted in SQL: one grouped query per view, then the pure math in `math.py`.

Every view (by department, by shift, by department × shift, the total) comes from the same
grouped query at the finest grain — (department, shift, level, committee) — so the loops here
run over a few hundred groups, never over coworkers. Today's view reads the denormalised
`coworker.current_level` through the rollup index; a past date reads each coworker's latest
assessment at or before that date from the history.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cache
from heapq import nsmallest
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql import CompoundSelect, Executable
from sqlmodel import Session, col

from app.assessments.models import CHANGES_SUPPORT, Assessment
from app.campaigns.models import UNASSIGNED, Campaign, Department, Shift
from app.db import set_local
from app.errors import InvalidInput
from app.people.models import Coworker
from app.readiness.math import (
    LEVELS,
    SUPPORT_LEVELS,
    Readiness,
    Thresholds,
    UnitCounts,
    as_json,
    ratio_pct,
    readiness,
    sum_counts,
)
from app.structure_tests.models import ParticipationResult, StructureTest, StructureTestResult

TREND_WEEKS = 12
NEVER = 10_000  # a bucket after every week of the trend


class Grouping(StrEnum):
    department = "department"
    shift = "shift"
    unit = "unit"


def parse_grouping(value: str | None) -> Grouping:
    try:
        return Grouping(value or "department")
    except ValueError:
        raise InvalidInput(
            f"by must be department, shift or unit, not {value!r}", field="by"
        ) from None


def parse_as_of(value: str | None, *, today: dt.date | None = None) -> dt.date | None:
    """A past or present date as YYYY-MM-DD; None (today) when empty."""
    if not value:
        return None
    try:
        as_of = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"as_of must be a date like 2026-11-27, not {value!r}", field="as_of"
        ) from None
    if as_of > (today or dt.datetime.now(dt.UTC).date()):
        raise InvalidInput(f"as_of {value} is in the future", field="as_of")
    return as_of


def thresholds_of(campaign: Campaign) -> Thresholds:
    return Thresholds(
        majority=campaign.majority_threshold,
        supermajority=campaign.supermajority_threshold,
        strike_ready=campaign.strike_ready_threshold,
        coworkers_per_organizer=campaign.coworkers_per_organizer,
    )


def cutoff(as_of: dt.date) -> dt.datetime:
    """The first instant after the as-of date (UTC): history up to here counts."""
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)


def active_on(as_of: dt.date) -> Any:
    """Coworkers working there on that date: already on the roster, not yet departed."""
    return and_(
        col(Coworker.created_at) < cutoff(as_of),
        or_(col(Coworker.departed_on).is_(None), col(Coworker.departed_on) > as_of),
    )


Cell = tuple[int, int]  # (department_id, shift_id)


@dataclass(frozen=True)
class Rollup:
    """Counts per department × shift cell, with the names to show and what they were as of."""

    campaign: Campaign
    as_of: dt.date
    cells: dict[Cell, UnitCounts]
    departments: dict[int, str]
    shifts: dict[int, str]
    latest_test: StructureTest | None
    live: bool  # counted from today's levels, not from the history


def _how_many(condition: Any) -> Any:
    """SQL: how many rows of the group meet the condition. (An aggregate FILTER: on SQLite
    faster than summing a CASE, and the same on PostgreSQL.)"""
    return func.count().filter(condition)


def level_rows(
    *,
    session: Session,
    campaign_id: int,
    as_of: dt.date | None,
    participation_test_id: int | None = None,
) -> list[Any]:
    """The one grouped query: per (department, shift), the active coworkers at each level 1 to
    5, the unassessed, how many are on the committee, and how many took part in
    `participation_test_id` (today's view only; else 0).

    A row per cell with a column per level, not a row per level: the same scan of the rollup
    index, and a sixth of the rows to read (on PostgreSQL the statement takes as long either
    way)."""
    department_id: Any
    shift_id: Any
    level: Any
    is_committee: Any
    if as_of is None:
        took_part: Any = literal(0)
        if participation_test_id is not None:
            took_part = _how_many(
                col(Coworker.latest_participation_test_id) == participation_test_id
            )
        department_id, shift_id = col(Coworker.department_id), col(Coworker.shift_id)
        level, is_committee = col(Coworker.current_level), col(Coworker.is_committee)
        rows = select(department_id, shift_id).where(
            col(Coworker.campaign_id) == campaign_id, col(Coworker.active)
        )
    else:
        # Each coworker's latest level before the cutoff, looked up per coworker on the
        # (coworker_id, created_at) index. (A window function over the whole history is
        # materialised and rescanned per coworker by SQLite: minutes at 100,000 coworkers.)
        latest_level = (
            select(col(Assessment.level))
            .where(
                col(Assessment.coworker_id) == col(Coworker.id),
                col(Assessment.created_at) < cutoff(as_of),
            )
            .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
            .limit(1)
            .correlate(Coworker)
            .scalar_subquery()
        )
        per_coworker = (
            select(
                col(Coworker.department_id).label("department_id"),
                col(Coworker.shift_id).label("shift_id"),
                latest_level.label("level"),
                col(Coworker.is_committee).label("is_committee"),
            )
            .where(col(Coworker.campaign_id) == campaign_id, active_on(as_of))
            .subquery()
        )
        took_part = literal(0)
        department_id, shift_id = per_coworker.c.department_id, per_coworker.c.shift_id
        level, is_committee = per_coworker.c.level, per_coworker.c.is_committee
        rows = select(department_id, shift_id)
    statement = rows.add_columns(
        *(_how_many(level == value) for value in LEVELS),
        _how_many(level.is_(None)),
        _how_many(is_committee),
        took_part,
    ).group_by(department_id, shift_id)
    return list(session.execute(statement))


def latest_test(
    *, session: Session, campaign_id: int, as_of: dt.date | None
) -> StructureTest | None:
    """The campaign's latest structure test held on or before the date (None: of all)."""
    statement = select(StructureTest).where(col(StructureTest.campaign_id) == campaign_id)
    if as_of is not None:
        statement = statement.where(col(StructureTest.held_on) <= as_of)
    return session.scalar(
        statement.order_by(col(StructureTest.held_on).desc(), col(StructureTest.id).desc()).limit(1)
    )


def participation_rows(
    *, session: Session, campaign_id: int, test_id: int, as_of: dt.date | None
) -> list[Any]:
    """(department, shift) → active coworkers who took part in the test, from its results
    (a past date, or a test that is not the campaign's last; else see `rollup`).

    Written as `id IN (participants)` so that SQLite starts from the participants (a range of
    their index) and looks each one up by id, rather than probing the results for every
    coworker: 4× faster at 100,000 coworkers. PostgreSQL hashes either way."""
    participants = select(col(StructureTestResult.coworker_id)).where(
        col(StructureTestResult.test_id) == test_id,
        col(StructureTestResult.result) == ParticipationResult.took_part.value,
    )
    statement = (
        select(col(Coworker.department_id), col(Coworker.shift_id), func.count())
        .where(
            col(Coworker.id).in_(participants),
            col(Coworker.campaign_id) == campaign_id,
            col(Coworker.active) if as_of is None else active_on(as_of),
        )
        .group_by(col(Coworker.department_id), col(Coworker.shift_id))
    )
    return list(session.execute(statement))


def rollup(*, session: Session, campaign: Campaign, as_of: dt.date | None = None) -> Rollup:
    """Every department × shift cell's counts, today or as of a past date."""
    assert campaign.id is not None
    today = dt.datetime.now(dt.UTC).date()
    historical = as_of if as_of is not None and as_of < today else None
    # Today, when the latest test is the campaign's last, its participants are those whose
    # latest participation it is: counted in the levels' own scan. (A later test, planned
    # ahead, may be someone's latest; then, and for a past date, the test's results are joined.)
    test = latest_test(session=session, campaign_id=campaign.id, as_of=None)
    in_scan = historical is None
    if test is not None and test.held_on > (as_of or today):
        test = latest_test(session=session, campaign_id=campaign.id, as_of=as_of or today)
        in_scan = False
    rows = level_rows(
        session=session,
        campaign_id=campaign.id,
        as_of=historical,
        participation_test_id=test.id if in_scan and test is not None else None,
    )
    took_part: dict[Cell, int] | None = None
    if test is not None and not in_scan:
        assert test.id is not None
        took_part = {
            (department_id, shift_id): count
            for department_id, shift_id, count in participation_rows(
                session=session, campaign_id=campaign.id, test_id=test.id, as_of=historical
            )
        }
    cells: dict[Cell, UnitCounts] = {}
    for department_id, shift_id, *per_level, unassessed, organizers, counted in rows:
        cell = (department_id, shift_id)
        participants: int | None = counted
        if test is None:
            participants = None
        elif took_part is not None:
            participants = took_part.get(cell, 0)
        cells[cell] = UnitCounts(
            per_level=tuple(per_level),
            unassessed=unassessed,
            organizers=organizers,
            took_part=participants,
        )
    departments = dict(
        session.execute(
            select(col(Department.id), col(Department.name)).where(
                col(Department.campaign_id) == campaign.id
            )
        ).all()
    )
    shifts = dict(
        session.execute(
            select(col(Shift.id), col(Shift.name)).where(col(Shift.campaign_id) == campaign.id)
        ).all()
    )
    return Rollup(
        campaign=campaign,
        as_of=as_of or today,
        cells=cells,
        departments=departments,
        shifts=shifts,
        latest_test=test,
        live=historical is None,
    )


@dataclass(frozen=True)
class Unit:
    """One row of a readiness view."""

    name: str
    department: str | None
    shift: str | None
    department_id: int | None
    shift_id: int | None
    readiness: Readiness

    def as_json(self) -> dict[str, Any]:
        return as_json(self.name, self.department, self.shift, self.readiness)


def units(result: Rollup, by: Grouping) -> list[Unit]:
    """The rollup's cells summed into the units of one view, sorted by name."""
    thresholds = thresholds_of(result.campaign)
    grouped: dict[tuple[int | None, int | None], list[UnitCounts]] = defaultdict(list)
    for (department_id, shift_id), counts in result.cells.items():
        key = (
            department_id if by != Grouping.shift else None,
            shift_id if by != Grouping.department else None,
        )
        grouped[key].append(counts)
    rows = []
    for (unit_department, unit_shift), parts in grouped.items():
        counts = sum_counts(parts)
        department = result.departments.get(unit_department) if unit_department else None
        shift = result.shifts.get(unit_shift) if unit_shift else None
        name = " / ".join(part for part in (department, shift) if part is not None)
        rows.append(
            Unit(
                name=name or UNASSIGNED,
                department=department,
                shift=shift,
                department_id=unit_department,
                shift_id=unit_shift,
                readiness=readiness(counts, thresholds),
            )
        )
    return sorted(rows, key=lambda unit: (unit.name.casefold(), unit.name))


def total(result: Rollup) -> Unit:
    nobody = UnitCounts(took_part=None if result.latest_test is None else 0)
    counts = sum_counts([nobody, *result.cells.values()])
    return Unit(
        name="All",
        department=None,
        shift=None,
        department_id=None,
        shift_id=None,
        readiness=readiness(counts, thresholds_of(result.campaign)),
    )


def report(
    *, session: Session, campaign: Campaign, by: Grouping, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The readiness report in the exact shape of the CLI's --json and the API."""
    result = rollup(session=session, campaign=campaign, as_of=as_of)
    return {
        "campaign": campaign.slug,
        "by": by.value,
        "as_of": result.as_of.isoformat(),
        "thresholds": thresholds_of(campaign).as_json(),
        "units": [unit.as_json() for unit in units(result, by)],
        "total": total(result).as_json(),
    }


# -- the trend ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    as_of: dt.date
    supporters: int
    headcount: int

    @property
    def support_pct(self) -> Fraction | None:
        return ratio_pct(self.supporters, self.headcount)


def _day(value: Any) -> Any:
    """SQL: the UTC calendar day of a timestamp (the session's zone is UTC on both backends)."""
    return func.date(value, type_=Date)


def _bucket(day: dt.date | str | None, dates: list[dt.date]) -> int:
    """The first week whose as-of date is on or after `day`; NEVER for no day at all."""
    if day is None:
        return NEVER
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    index = bisect_left(dates, day)
    return index if index < len(dates) else NEVER


def trend(
    *,
    session: Session,
    campaign: Campaign,
    as_of: dt.date | None = None,
    department_id: int | None = None,
    shift_id: int | None = None,
    weeks: int = TREND_WEEKS,
    today_counts: UnitCounts | None = None,
) -> list[TrendPoint]:
    """Weekly support over the last `weeks` weeks, exactly as readiness as of each week's date.

    Counted backwards from now: the supporters and headcount on the roster today, less what
    changed after each week's date. Every assessment records the level it replaced, so the
    changes of support in a week are a range of an index that holds only such changes,
    however long the history before; so are the people who joined the roster. Coworkers who
    have left are few: their support and headcount are counted forwards from their own
    histories, as intervals (an assessment holds from its day until their next one; a
    coworker counts from their roster entry until they leave).

    A running sum over the weeks then gives each week's numbers: a loop over weeks and
    grouped rows, never over coworkers or events.
    `today_counts`: the unit's counts today, when the caller already has them (a rollup).
    """
    assert campaign.id is not None
    # Each range below is a few thousand index entries at most: starting parallel workers for
    # them (which PostgreSQL's planner does for the changes of support) took 10 of 15 ms.
    set_local(session, "max_parallel_workers_per_gather", "0")
    end = as_of or dt.datetime.now(dt.UTC).date()
    dates = [end - dt.timedelta(weeks=weeks - 1 - index) for index in range(weeks)]
    statements = _trend_statements(department_id is not None, shift_id is not None, weeks)
    params: dict[str, Any] = {
        "campaign_id": campaign.id,
        "department_id": department_id,
        "shift_id": shift_id,
        **{f"bound_{week}": cutoff(day) for week, day in enumerate(dates)},
    }

    def rows(statement: Executable) -> list[Any]:
        return list(session.execute(statement, params))

    def week(day: dt.date | str | None) -> int:
        return _bucket(day, dates)

    if today_counts is None:
        headcount_now, supporters_now = rows(statements.today)[0]
    else:
        headcount_now, supporters_now = today_counts.headcount, today_counts.supporters
    joined_in_week = rows(statements.joined)
    changes_in_week = rows(statements.changes)
    if statements.changes_by_day:
        changes_in_week = [(amount, week(changed_on)) for amount, changed_on in changes_in_week]

    # Today's headcount holds back to the first week, less who joined after a week's date;
    # leavers count from the week they joined until the week they left.
    headcount = _running(
        weeks,
        [
            (0, NEVER, headcount_now),
            *((0, bucket, -count) for count, bucket in joined_in_week),
            *(
                (week(day), week(departed), count)
                for day, departed, count in rows(statements.leavers_headcount)
            ),
        ],
    )
    # Today's supporters hold back to the first week; a change of support after a week's
    # date is undone for that week (an interval from the first week to the change's).
    support_intervals = [(0, NEVER, supporters_now)]
    support_intervals += [(0, bucket, -change) for change, bucket in changes_in_week]
    for began, ended, created, departed, count in rows(statements.leavers_support):
        # The changes above include the leavers' own: undoing them left each week with the
        # leavers' support then less their support today. Add today's back and take their
        # support then out, then count it only for the weeks they were on the roster.
        if ended is None:
            support_intervals.append((0, NEVER, count))
        support_intervals.append((week(began), week(ended), -count))
        support_intervals.append(
            (max(week(began), week(created)), min(week(ended), week(departed)), count)
        )
    supporters = _running(weeks, support_intervals)
    return [
        TrendPoint(as_of=day, supporters=supporters[index], headcount=headcount[index])
        for index, day in enumerate(dates)
    ]


@dataclass(frozen=True)
class TrendStatements:
    """The trend's statements for one shape of unit, with their parameters bound by name:
    campaign_id, department_id, shift_id, and bound_0 … the first instant after each week's
    date. Built once per shape: building a dozen ranges cost more than running them."""

    today: Select[Any]  # (headcount, supporters) now
    joined: CompoundSelect  # (how many joined, week)
    changes: Executable  # (net change in supporters, week), or (…, day) when changes_by_day
    changes_by_day: bool
    leavers_headcount: Select[Any]  # (joined, left, how many)
    leavers_support: Select[Any]  # (began, ended, joined, left, how many)


@cache
def _trend_statements(by_department: bool, by_shift: bool, weeks: int) -> TrendStatements:
    in_unit = [col(Coworker.campaign_id) == bindparam("campaign_id")]
    if by_department:
        in_unit.append(col(Coworker.department_id) == bindparam("department_id"))
    if by_shift:
        in_unit.append(col(Coworker.shift_id) == bindparam("shift_id"))
    bounds: list[Any] = [bindparam(f"bound_{week}") for week in range(weeks)]
    supporting = case((col(Coworker.current_level).in_(SUPPORT_LEVELS), 1), else_=0)
    joined, left = _day(col(Coworker.created_at)), col(Coworker.departed_on)
    return TrendStatements(
        today=select(func.count(), func.coalesce(func.sum(supporting), 0)).where(
            *in_unit, col(Coworker.active)
        ),
        joined=_per_week(
            select(func.count()).where(*in_unit, col(Coworker.active)),
            col(Coworker.created_at),
            bounds,
        ),
        changes=_support_changes(in_unit if by_department or by_shift else None, bounds),
        changes_by_day=by_department or by_shift,
        leavers_headcount=select(joined, left, func.count())
        .where(*in_unit, col(Coworker.active) == false())
        .group_by(joined, left),
        leavers_support=_leavers_support(in_unit),
    )


def _support_changes(in_unit: list[Any] | None, bounds: list[Any]) -> Executable:
    """(net change in supporters, week): +1 for each event that moved a coworker into levels
    1-2, -1 for each that moved one out, read from the partial index of such events. For one
    unit, (…, day): a unit's changes need each coworker's unit, one join grouped by day (a
    range per week would repeat the join twelve times)."""
    change = case((col(Assessment.level).in_(SUPPORT_LEVELS), 1), else_=0) - case(
        (col(Assessment.previous_level).in_(SUPPORT_LEVELS), 1), else_=0
    )
    changes = select(func.coalesce(func.sum(change), 0)).where(
        col(Assessment.campaign_id) == bindparam("campaign_id"), text(CHANGES_SUPPORT)
    )
    at = col(Assessment.created_at)
    if in_unit is None:
        return _per_week(changes, at, bounds)
    day = _day(at)
    return (
        changes.add_columns(day)
        .join(Coworker, col(Coworker.id) == col(Assessment.coworker_id))
        .where(*in_unit, at >= bounds[0])
        .group_by(day)
    )


def _per_week(total: Select[Any], at: Any, bounds: list[Any]) -> CompoundSelect:
    """(`total` over the rows `at` in a week, week): a week is the days after the previous
    week's date up to its own, and the week after the last (NEVER) all that came later.

    One range per week, in one UNION ALL: each is a range of an index, summed as it is read.
    Grouping by day sorted every row first, ten times slower at 100,000 coworkers.
    """
    ranges = [
        total.add_columns(literal(week)).where(at >= bounds[week - 1], at < bounds[week])
        for week in range(1, len(bounds))
    ]
    ranges.append(total.add_columns(literal(NEVER)).where(at >= bounds[-1]))
    return union_all(*ranges)


def _leavers_support(in_unit: list[Any]) -> Select[Any]:
    """(began, ended, joined, left, count): the support intervals of coworkers who have left,
    each assessment at level 1 or 2 holding until their next one (a window over few rows)."""
    leavers = select(col(Coworker.id)).where(*in_unit, col(Coworker.active) == false())
    events = (
        select(
            col(Assessment.coworker_id).label("coworker_id"),
            col(Assessment.level).label("level"),
            col(Assessment.created_at).label("at"),
            func.lead(col(Assessment.created_at))
            .over(
                partition_by=col(Assessment.coworker_id),
                order_by=(col(Assessment.created_at), col(Assessment.id)),
            )
            .label("next_at"),
        )
        .where(
            col(Assessment.campaign_id) == bindparam("campaign_id"),
            col(Assessment.coworker_id).in_(leavers),
        )
        .subquery()
    )
    began, ended = _day(events.c.at), _day(events.c.next_at)
    joined, left = _day(col(Coworker.created_at)), col(Coworker.departed_on)
    return (
        select(began, ended, joined, left, func.count())
        .join(Coworker, col(Coworker.id) == events.c.coworker_id)
        .where(events.c.level.in_(SUPPORT_LEVELS))
        .group_by(began, ended, joined, left)
    )


def _running(weeks: int, intervals: list[tuple[int, int, int]]) -> list[int]:
    """How many intervals [start, stop) cover each week: a difference array, then a running sum
    (a loop over weeks and over the grouped rows, never over coworkers or events)."""
    delta = [0] * (weeks + 1)
    for start, stop, count in intervals:
        if start >= weeks or stop <= start:
            continue
        delta[start] += count
        delta[min(stop, weeks)] -= count
    running: list[int] = []
    total_so_far = 0
    for week in range(weeks):
        total_so_far += delta[week]
        running.append(total_so_far)
    return running


# -- what the committee's page shows -----------------------------------------------------------


WallCell = tuple[Unit | None, bool]  # (the unit, or None where nobody works; a total)


@dataclass(frozen=True)
class WallChart:
    """Departments down, shifts across: the classic wall chart, from the same rollup. It holds
    every view of the rollup, each computed once."""

    departments: list[Unit]  # each department's total, by name
    shifts: list[Unit]  # each shift's total, by name
    units: list[Unit]  # each department × shift, by name
    cells: dict[Cell, Unit]
    total: Unit  # the whole campaign

    def view(self, by: Grouping) -> list[Unit]:
        if by == Grouping.department:
            return self.departments
        return self.shifts if by == Grouping.shift else self.units

    def cell(self, department_id: int | None, shift_id: int | None) -> Unit | None:
        if department_id is None or shift_id is None:
            return None
        return self.cells.get((department_id, shift_id))

    def grid(self) -> list[tuple[Unit | None, list[WallCell]]]:
        """The chart's rows in order, each headed by its department: a cell per shift, then
        the department's total; last, headed by None, the shifts' totals and the grand total.
        Laid out here so that the template places six hundred cells in one plain loop."""
        rows: list[tuple[Unit | None, list[WallCell]]] = []
        for department in self.departments:
            row: list[WallCell] = [
                (self.cell(department.department_id, shift.shift_id), False)
                for shift in self.shifts
            ]
            row.append((department, True))
            rows.append((department, row))
        totals: list[WallCell] = [(shift, True) for shift in self.shifts]
        totals.append((self.total, True))
        rows.append((None, totals))
        return rows


def wall_chart(result: Rollup) -> WallChart:
    by_unit = units(result, Grouping.unit)
    return WallChart(
        departments=units(result, Grouping.department),
        shifts=units(result, Grouping.shift),
        units=by_unit,
        cells={
            (unit.department_id, unit.shift_id): unit
            for unit in by_unit
            if unit.department_id is not None and unit.shift_id is not None
        },
        total=total(result),
    )


@dataclass(frozen=True)
class Weakest:
    lowest_support: list[Unit]
    worst_ratio: list[Unit]
    lowest_assessed: list[Unit]


def weakest(candidates: list[Unit], count: int = 5) -> Weakest:
    """Where the committee should look first. A unit with no organizer has the worst ratio."""
    staffed = [unit for unit in candidates if unit.readiness.counts.headcount > 0]

    # Ordered by shares as floats, which order exactly as the fractions would: two different
    # shares of headcounts below ten million differ by more than 10⁻¹⁴, about a hundred times
    # the spacing of floats in [0, 1], and equal shares give equal floats. (Exact fractions
    # for hundreds of units cost more than the rest of the list.)
    def share(part: int, unit: Unit) -> float:
        return part / unit.readiness.counts.headcount

    def support(unit: Unit) -> tuple[float, int]:
        return share(unit.readiness.counts.supporters, unit), -unit.readiness.counts.headcount

    def staffing(unit: Unit) -> tuple[float, int]:
        # Organizers per coworker, lowest first: the most coworkers per organizer; none at all
        # comes first.
        return share(unit.readiness.counts.organizers, unit), -unit.readiness.counts.headcount

    def assessed(unit: Unit) -> tuple[float, int]:
        return share(unit.readiness.counts.assessed, unit), -unit.readiness.counts.headcount

    return Weakest(
        lowest_support=nsmallest(count, staffed, key=support),
        worst_ratio=nsmallest(count, staffed, key=staffing),
        lowest_assessed=nsmallest(count, staffed, key=assessed),
    )


def update_thresholds(*, session: Session, campaign: Campaign, thresholds: Thresholds) -> None:
    """Store checked thresholds (see `math.check_thresholds`) on the campaign."""
    campaign.majority_threshold = thresholds.majority
    campaign.supermajority_threshold = thresholds.supermajority
    campaign.strike_ready_threshold = thresholds.strike_ready
    campaign.coworkers_per_organizer = thresholds.coworkers_per_organizer
    session.add(campaign)
