"""Recording assessments: append an event and keep the coworker's current level in step."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.assessments.models import LEVELS, NOTE_MAX_LENGTH, Assessment
from app.db import utcnow
from app.errors import InvalidInput
from app.people.models import Coworker


def parse_level(value: str | int | None) -> int | None:
    """A level 1-5, or None for "cleared"; anything else is refused with a clear message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"level must be 1-5 or empty, not {value!r}", field="level") from None
    if level not in LEVELS:
        raise InvalidInput(f"level must be 1-5 or empty, not {value!r}", field="level")
    return level


def record(
    *,
    session: Session,
    coworker: Coworker,
    level: int | None,
    note: str = "",
    assessed_by_id: int | None,
    source: str = "web",
) -> Assessment:
    """Append an assessment and make it the coworker's current level, in one transaction."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(f"note is longer than {NOTE_MAX_LENGTH} characters", field="note")
    assert coworker.id is not None
    # Lock the coworker first and only then read the clock, so that events are stamped in the
    # order their transactions commit and the latest event is always the current level
    # (PostgreSQL: a row lock; SQLite: the write lock taken at BEGIN IMMEDIATE already).
    # The level read under the lock is the one this event replaces, even when another tap
    # committed since the page was loaded.
    previous_level = session.execute(
        select(Coworker.current_level).where(col(Coworker.id) == coworker.id).with_for_update()
    ).scalar_one()
    now = utcnow()
    event = Assessment(
        campaign_id=coworker.campaign_id,
        coworker_id=coworker.id,
        level=level,
        previous_level=previous_level,
        note=note,
        assessed_by_id=assessed_by_id,
        source=source,
        created_at=now,
    )
    session.add(event)
    # An UPDATE with no read-modify-write: two organizers tapping at once both land in history
    # and the later commit is current. It does not bump `version`, which guards detail edits.
    session.execute(
        update(Coworker)
        .where(col(Coworker.id) == coworker.id)
        .values(current_level=level, last_assessed_at=now)
    )
    return event
