"""Counting coworkers by level in SQL: one grouped query, served by the rollup index."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.assessments.models import LEVELS
from app.people.models import Coworker


@dataclass(frozen=True)
class LevelCounts:
    """How many active coworkers are at each level, and how many are unassessed."""

    by_level: dict[int, int] = field(default_factory=dict)
    unassessed: int = 0

    @property
    def headcount(self) -> int:
        return self.unassessed + sum(self.by_level.values())

    @property
    def assessed(self) -> int:
        return sum(self.by_level.values())


def level_counts_from_rows(rows: list[tuple[int | None, int]]) -> LevelCounts:
    """Pure: (current_level, count) rows to LevelCounts with every level present."""
    by_level = dict.fromkeys(LEVELS, 0)
    unassessed = 0
    for level, count in rows:
        if level is None:
            unassessed += count
        else:
            by_level[level] += count
    return LevelCounts(by_level=by_level, unassessed=unassessed)


def campaign_level_counts(*, session: Session, campaign_id: int) -> LevelCounts:
    """Active coworkers of the campaign per current level."""
    rows = session.execute(
        select(col(Coworker.current_level), func.count())
        .where(col(Coworker.campaign_id) == campaign_id, col(Coworker.active))
        .group_by(col(Coworker.current_level))
    ).all()
    return level_counts_from_rows([(level, count) for level, count in rows])
